// Package msgraph implements graph.Client over msgraph-sdk-go. It is the
// only package besides the command factory that imports the SDK: linking
// it costs every test binary 10-20 s and over a gigabyte of memory.
package msgraph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	kauth "github.com/microsoft/kiota-abstractions-go/authentication"
	khttp "github.com/microsoft/kiota-http-go"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/retry"
)

// TokenSource is where Graph tokens come from: auth.Authenticator.TokenFor.
type TokenSource func(ctx context.Context, scopes auth.Scopes) (auth.Token, error)

// Options configure a Client.
type Options struct {
	Endpoints auth.Endpoints
	// HTTPClient is the shared client (CA file, sandbox, -v trace); its
	// transport carries Graph's requests under the SDK's middleware.
	HTTPClient *http.Client
	Tokens     TokenSource
	// Scopes are the permissions the command declared; every request's
	// token is asked for them.
	Scopes auth.Scopes
	// Version goes into the User-Agent, teamsctl/<version>.
	Version string
	Retry   retry.Policy
}

// Client is graph.Client over the Graph SDK.
type Client struct {
	sdk *msgraphsdk.GraphServiceClient
}

var _ graph.Client = (*Client)(nil)

// New builds a Client on the endpoints.
func New(o Options) (*Client, error) {
	tokens := &tokenProvider{tokens: o.Tokens, scopes: o.Scopes, hosts: newHostsValidator(o.Endpoints)}
	adapter, err := msgraphsdk.NewGraphRequestAdapterWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		kauth.NewBaseBearerTokenAuthenticationProvider(tokens), nil, nil, httpClient(o))
	if err != nil {
		return nil, fmt.Errorf("setting up the Graph client: %w", err)
	}
	adapter.SetBaseUrl(o.Endpoints.GraphURL)
	return &Client{sdk: msgraphsdk.NewGraphServiceClient(adapter)}, nil
}

// httpClient puts the SDK's middleware in front of the shared transport.
// The chain is spelled out rather than taken from the SDK's defaults so
// that kiota's RetryHandler is replaced by teamsctl's retry policy (see
// package retry), which sits under the middleware so each attempt is
// traced and its request id kept.
func httpClient(o Options) *http.Client {
	middleware := []khttp.Middleware{
		msgraphcore.NewGraphTelemetryHandler(&msgraphcore.GraphClientOptions{GraphServiceVersion: "v1.0"}),
		khttp.NewUrlReplaceHandler(true, msgraphcore.ReplacementPairs),
		khttp.NewRedirectHandler(),
		khttp.NewCompressionHandler(),
		khttp.NewParametersNameDecodingHandler(),
		khttp.NewUserAgentHandlerWithOptions(&khttp.UserAgentHandlerOptions{Enabled: true, ProductName: "teamsctl", ProductVersion: o.Version}),
		khttp.NewHeadersInspectionHandler(),
	}
	base := o.HTTPClient.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	return &http.Client{
		Transport:     khttp.NewCustomTransportWithParentTransport(&retry.Transport{Base: base, Policy: o.Retry}, middleware...),
		Timeout:       o.HTTPClient.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// tokenProvider is kiota's AccessTokenProvider over auth. It hands out a
// token only for the Graph host of the endpoints, over https (or http to
// a loopback emulator), so an absolute URL elsewhere never gets one.
type tokenProvider struct {
	tokens TokenSource
	scopes auth.Scopes
	hosts  *kauth.AllowedHostsValidator
}

func (p *tokenProvider) GetAuthorizationToken(ctx context.Context, u *url.URL, _ map[string]any) (string, error) {
	if !p.hosts.IsUrlHostValid(u) {
		return "", nil
	}
	if u.Scheme != "https" && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("refusing to send a token over %s to %s", u.Scheme, u.Host)
	}
	tok, err := p.tokens(ctx, p.scopes)
	if err != nil {
		return "", err
	}
	return tok.Value, nil
}

// newHostsValidator allows exactly the Graph host of the endpoints. An
// empty list would allow every host.
func newHostsValidator(e auth.Endpoints) *kauth.AllowedHostsValidator {
	v := kauth.NewAllowedHostsValidator([]string{e.GraphHost()})
	return &v
}

func (p *tokenProvider) GetAllowedHostsValidator() *kauth.AllowedHostsValidator { return p.hosts }

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// call runs one SDK call, recording the request ids of its attempts so a
// failure can name them all, and converts its error.
func call[T any](ctx context.Context, fn func(ctx context.Context) (T, error)) (T, error) {
	ctx, attempts := retry.TrackAttempts(ctx)
	out, err := fn(ctx)
	if err != nil {
		return out, convertError(err, attempts.RequestIDs())
	}
	return out, nil
}

// convertError maps the SDK's errors to graph's typed errors. Errors that
// are not Graph's (sign-in, network, cancellation) pass through.
func convertError(err error, attemptIDs []string) error {
	var apiErr abstractions.ApiErrorable
	if !errors.As(err, &apiErr) {
		return err
	}
	e := &graph.APIError{Status: apiErr.GetStatusCode(), Message: err.Error()}
	var odataErr *odataerrors.ODataError
	if errors.As(err, &odataErr) && odataErr.GetErrorEscaped() != nil {
		main := odataErr.GetErrorEscaped()
		e.Code, e.Message = deref(main.GetCode()), deref(main.GetMessage())
	}
	headers := apiErr.GetResponseHeaders()
	e.RequestID = header(headers, "request-id")
	e.EarlierRequestIDs = earlier(attemptIDs, e.RequestID)
	retryAfter, _ := retry.RetryAfter(http.Header{"Retry-After": {header(headers, "Retry-After")}}, time.Now())
	return graph.Classify(e, retryAfter)
}

func header(h *abstractions.ResponseHeaders, name string) string {
	if h == nil {
		return ""
	}
	for _, k := range h.ListKeys() {
		if strings.EqualFold(k, name) {
			if v := h.Get(k); len(v) > 0 {
				return v[0]
			}
		}
	}
	return ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// earlier is the attempts before the final one.
func earlier(ids []string, final string) []string {
	var out []string
	for _, id := range ids {
		if id != final {
			out = append(out, id)
		}
	}
	return out
}
