package consent

import (
	"errors"
	"net/url"
	"strings"

	"github.com/teamsctl/teamsctl/internal/graph"
)

func asForbidden(err error, target **graph.Forbidden) bool { return errors.As(err, target) }

// URLRequest describes an admin-consent link.
type URLRequest struct {
	// LoginURL is the cloud's login host, e.g. https://login.microsoftonline.com.
	LoginURL string
	// Tenant is the tenant id or a verified domain (never common).
	Tenant   string
	ClientID string
	// Scopes, when set, give a v2 link consenting to exactly these
	// (qualified with Resource, e.g. https://graph.microsoft.com/User.Read);
	// empty gives the v1 link that consents to everything the app's
	// registration requires.
	Scopes []string
	// Resource is the Graph resource of the cloud (Endpoints.GraphResource).
	Resource    string
	RedirectURI string
}

// AdminConsentURL builds the link an admin opens to consent for the tenant.
func AdminConsentURL(r URLRequest) string {
	base := strings.TrimRight(r.LoginURL, "/") + "/" + url.PathEscape(r.Tenant)
	q := url.Values{}
	q.Set("client_id", r.ClientID)
	if r.RedirectURI != "" {
		q.Set("redirect_uri", r.RedirectURI)
	}
	if len(r.Scopes) == 0 {
		return base + "/adminconsent?" + q.Encode()
	}
	scopes := make([]string, len(r.Scopes))
	for i, s := range r.Scopes {
		if strings.Contains(s, "/") || r.Resource == "" || isOIDC(s) {
			scopes[i] = s
		} else {
			scopes[i] = strings.TrimRight(r.Resource, "/") + "/" + s
		}
	}
	q.Set("scope", strings.Join(scopes, " "))
	return base + "/v2.0/adminconsent?" + q.Encode()
}

func isOIDC(s string) bool {
	switch strings.ToLower(s) {
	case "openid", "profile", "email", "offline_access":
		return true
	}
	return false
}
