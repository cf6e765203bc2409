package appreg

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// loginHosts are the Entra sign-in hosts of Microsoft's clouds, the only
// hosts an admin-consent link is on: global (and US Government GCC),
// US Government High and DoD, and China (21Vianet, under both names its
// documentation uses).
var loginHosts = []string{"login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn"}

// LinkError is an argument that looks like a link but is not an
// admin-consent link teamsctl can read the app's client id from.
type LinkError struct {
	Link, Problem string
}

func (e *LinkError) Error() string {
	return fmt.Sprintf("%q %s: an admin-consent link looks like https://login.microsoftonline.com/TENANT/adminconsent?client_id=APPID (or .../TENANT/v2.0/adminconsent?client_id=APPID&scope=...)", e.Link, e.Problem)
}

// IsLink says whether an APP argument is given as a URL rather than an
// appId, object id or name.
func IsLink(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

// ClientIDFromLink reads the app's client id from the admin-consent link a
// vendor sends its customers: the v1 form
// https://login.microsoftonline.com/{tenant}/adminconsent?client_id=ID and
// the v2 form .../{tenant}/v2.0/adminconsent?client_id=ID&scope=...
// (Microsoft identity platform, "Admin consent on the Microsoft identity
// platform"). Any other host, path or a client_id that is not a GUID is a
// LinkError.
func ClientIDFromLink(link string) (string, error) {
	bad := func(problem string) error { return &LinkError{Link: link, Problem: problem} }
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || !u.IsAbs() {
		return "", bad("is not a URL")
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return "", bad("is not https")
	}
	if !slices.Contains(loginHosts, strings.ToLower(u.Hostname())) || u.Port() != "" || u.User != nil {
		return "", bad("is not on Microsoft's sign-in host (" + strings.Join(loginHosts, ", ") + ")")
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch {
	case len(parts) == 2 && strings.EqualFold(parts[1], "adminconsent"):
	case len(parts) == 3 && strings.EqualFold(parts[1], "v2.0") && strings.EqualFold(parts[2], "adminconsent"):
	default:
		return "", bad("is not an admin-consent link (its path is not /TENANT/adminconsent or /TENANT/v2.0/adminconsent)")
	}
	if parts[0] == "" {
		return "", bad("names no tenant")
	}
	ids := u.Query()["client_id"]
	switch {
	case len(ids) == 0 || ids[0] == "":
		return "", bad("has no client_id")
	case len(ids) > 1:
		return "", bad("has more than one client_id")
	case !IsGUID(ids[0]):
		return "", bad(fmt.Sprintf("has client_id %q, which is not an application (client) id (a GUID)", ids[0]))
	}
	return strings.ToLower(ids[0]), nil
}
