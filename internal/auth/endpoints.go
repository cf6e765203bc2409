// Package auth signs teamsctl in to Microsoft Entra ID with MSAL Go and
// hands out Microsoft Graph tokens: the endpoints of each cloud, the shared
// HTTP client, the per-profile token cache and session, the login modes
// (browser, device code, service principal, access token), incremental
// permissions, and sign-in errors explained in plain language.
//
// It does not import the Graph SDK; internal/graph/msgraph bridges the two.
package auth

import (
	"fmt"
	"net/url"
	"strings"
)

// Clouds. usgov is GCC, which signs in and calls Graph like the global cloud.
const (
	CloudGlobal    = "global"
	CloudUSGov     = "usgov"
	CloudUSGovHigh = "usgovhigh"
	CloudDoD       = "dod"
	CloudChina     = "china"
)

type cloudHosts struct {
	login, graph string
}

var clouds = map[string]cloudHosts{
	CloudGlobal:    {"https://login.microsoftonline.com", "https://graph.microsoft.com"},
	CloudUSGov:     {"https://login.microsoftonline.com", "https://graph.microsoft.com"},
	CloudUSGovHigh: {"https://login.microsoftonline.us", "https://graph.microsoft.us"},
	CloudDoD:       {"https://login.microsoftonline.us", "https://dod-graph.microsoft.us"},
	CloudChina:     {"https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn"},
}

// Endpoints say where to sign in and where Graph is.
type Endpoints struct {
	Cloud string
	// LoginURL is the Entra authority host, e.g. https://login.microsoftonline.com.
	LoginURL string
	// GraphURL is the Graph v1.0 base URL, e.g. https://graph.microsoft.com/v1.0.
	GraphURL string
	// GraphResource is the resource tokens are requested for, the cloud's
	// Graph host. --graph-url does not change it: a proxy or emulator in
	// front of Graph still expects Graph's tokens.
	GraphResource string
	// Sandbox is true when the endpoints are the in-process sandbox's.
	Sandbox bool
}

// EndpointOptions are the settings Endpoints are resolved from.
type EndpointOptions struct {
	Cloud    string
	LoginURL string // override
	GraphURL string // override, with or without /v1.0
	// Sandbox replaces both hosts with the sandbox's (SandboxLoginURL and
	// SandboxGraphURL); the resource stays global Graph, as the emulator
	// issues tokens for it.
	Sandbox         bool
	SandboxLoginURL string
	SandboxGraphURL string
}

// ResolveEndpoints applies the overrides to the cloud's endpoints.
func ResolveEndpoints(o EndpointOptions) (Endpoints, error) {
	cloud := o.Cloud
	if cloud == "" {
		cloud = CloudGlobal
	}
	hosts, ok := clouds[cloud]
	if !ok {
		return Endpoints{}, fmt.Errorf("unknown cloud %q", cloud)
	}
	e := Endpoints{Cloud: cloud, LoginURL: hosts.login, GraphURL: hosts.graph + "/v1.0", GraphResource: hosts.graph}
	if o.Sandbox {
		e.Sandbox = true
		e.LoginURL, e.GraphURL, e.GraphResource = o.SandboxLoginURL, o.SandboxGraphURL, clouds[CloudGlobal].graph
		return e, nil
	}
	if o.LoginURL != "" {
		e.LoginURL = strings.TrimRight(o.LoginURL, "/")
	}
	if o.GraphURL != "" {
		e.GraphURL = graphBase(o.GraphURL)
	}
	return e, nil
}

// graphBase accepts a Graph URL with or without its version segment.
func graphBase(raw string) string {
	raw = strings.TrimRight(raw, "/")
	if strings.HasSuffix(raw, "/v1.0") {
		return raw
	}
	return raw + "/v1.0"
}

// Authority is the MSAL authority for tenant: the login URL plus the
// tenant (GUID, domain, or organizations).
func (e Endpoints) Authority(tenant string) string {
	return e.LoginURL + "/" + tenant
}

// GraphHost is the Graph endpoint's host name (no port): the one host
// Graph requests may carry a token to.
func (e Endpoints) GraphHost() string {
	u, err := url.Parse(e.GraphURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// IsMicrosoftLogin reports whether the login host is one of Microsoft's,
// which MSAL's instance discovery knows. Anything else (sandbox, emulator,
// a test server) must be used with instance discovery off, or MSAL asks
// login.microsoftonline.com about it and fails offline.
func (e Endpoints) IsMicrosoftLogin() bool {
	for _, h := range clouds {
		if strings.EqualFold(e.LoginURL, h.login) {
			return true
		}
	}
	return false
}

// Scope qualifies a Graph permission with the cloud's Graph resource, e.g.
// https://graph.microsoft.com/User.Read. The short form works only for
// global Graph, and Entra echoes the scope spelling of the request that
// started a flow, which MSAL compares with what it asked for.
func (e Endpoints) Scope(permission string) string {
	if strings.Contains(permission, "/") {
		return permission
	}
	return e.GraphResource + "/" + permission
}

// DefaultScope is the resource's .default scope, used for app-only tokens.
func (e Endpoints) DefaultScope() string { return e.GraphResource + "/.default" }
