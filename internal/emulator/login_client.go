package emulator

import (
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint by definition
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// loginClient is the application a login request names, with the tenant
// that owns its registration (for multi-tenant apps another tenant).
type loginClient struct {
	app  *Application
	home *Tenant
}

// clientAuthMethod says how a client authenticated at the token endpoint.
type clientAuthMethod int

const (
	authNone clientAuthMethod = iota // a public client
	authSecret
	authAssertion
)

const jwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// resolveClient finds the client application as Entra does: registered in
// the tenant itself, or multi-tenant and registered anywhere. At
// /organizations and /common nobody has signed in yet, so an unknown
// client is reported against the endpoint's segment, not a tenant Entra
// could not know yet (its wording there is unverified).
func resolveClient(st *State, lt loginTenant, clientID string) (*loginClient, *LoginFailure) {
	if clientID == "" {
		return nil, errMissingParam("client_id")
	}
	directory := lt.tenant.DisplayName
	if lt.multi {
		directory = lt.segment
	}
	app, home := st.ApplicationAnywhere(clientID)
	if app == nil || (home != lt.tenant && !isMultiTenant(app)) {
		return nil, errUnknownClient(clientID, directory)
	}
	return &loginClient{app: app, home: home}, nil
}

func isMultiTenant(app *Application) bool {
	return app.SignInAudience == "AzureADMultipleOrgs" || app.SignInAudience == "AzureADandPersonalMicrosoftAccount"
}

// isPublicOnly: an app that allows public client flows and owns no
// credential can only be a public client. Entra's exact rule for 700025 is
// not documented; this is the case it is reported for.
func isPublicOnly(app *Application) bool {
	return allowsPublicClientFlows(app) && len(app.PasswordCredentials) == 0 && len(app.KeyCredentials) == 0
}

// allowsPublicClientFlows: "Allow public client flows" is on only when
// isFallbackPublicClient is true (null, its default, means off).
func allowsPublicClientFlows(app *Application) bool {
	return app.IsFallbackPublicClient != nil && *app.IsFallbackPublicClient
}

// clientCredentials are the credentials a token request presents.
type clientCredentials struct {
	secret        string
	assertion     string
	assertionType string
}

// readClientCredentials takes the secret from the form or from HTTP Basic
// authentication (client_secret_basic), and the assertion from the form.
func readClientCredentials(r *http.Request) clientCredentials {
	c := clientCredentials{
		secret:        r.PostForm.Get("client_secret"),
		assertion:     r.PostForm.Get("client_assertion"),
		assertionType: r.PostForm.Get("client_assertion_type"),
	}
	if _, pass, ok := r.BasicAuth(); ok && c.secret == "" {
		c.secret = pass
	}
	return c
}

// authenticate checks the presented credentials against the app
// registration in its home tenant. audiences are the token endpoint URLs an
// assertion may be addressed to.
func (c *loginClient) authenticate(creds clientCredentials, audiences []string, now time.Time) (clientAuthMethod, *LoginFailure) {
	switch {
	case creds.secret == "" && creds.assertion == "":
		return authNone, nil
	case isPublicOnly(c.app):
		return authNone, failClient(700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.")
	case creds.secret != "":
		return authSecret, c.verifySecret(creds.secret, now)
	default:
		return authAssertion, c.verifyAssertion(creds, audiences, now)
	}
}

func (c *loginClient) verifySecret(secret string, now time.Time) *LoginFailure {
	for _, pc := range c.app.PasswordCredentials {
		if subtle.ConstantTimeCompare([]byte(pc.SecretText), []byte(secret)) != 1 {
			continue
		}
		if !pc.EndDateTime.IsZero() && now.After(pc.EndDateTime) {
			return failClient(7000222, "The provided client secret keys for app '%s' are expired. Visit the Azure portal to create new keys for your app: "+
				"https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.", c.app.AppID)
		}
		if now.Before(pc.StartDateTime) {
			break // not valid yet: Entra treats it as no matching secret (unverified)
		}
		return nil
	}
	return failClient(7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, "+
		"not the client secret ID, for a secret added to app '%s'.", c.app.AppID)
}

// verifyAssertion checks a certificate client assertion: its x5t#S256 (or
// x5t) header names an uploaded certificate whose key signed it (RS256 or
// PS256), iss and sub are the client id, aud the token endpoint, and it has
// not expired. The codes past 700027 are Entra's; some wordings are recalled.
func (c *loginClient) verifyAssertion(creds clientCredentials, audiences []string, now time.Time) *LoginFailure {
	if creds.assertionType != jwtBearerAssertionType {
		return fail("invalid_request", 7000219, "'client_assertion_type' must be '%s'.", jwtBearerAssertionType) // code unverified
	}
	unverified, _, err := jwt.NewParser().ParseUnverified(creds.assertion, &jwt.RegisteredClaims{})
	if err != nil {
		return failClient(50027, "JWT token is invalid or malformed.")
	}
	thumb := assertionThumbprint(unverified.Header)
	kc, cert := c.findCertificate(thumb)
	if cert == nil {
		return failClient(700027, "The certificate with identifier used to sign the client assertion is not registered on application. "+
			"[Reason - The key was not found., Thumbprint of key used by client: '%X', Please visit the Azure Portal, Graph Explorer or directly use MS Graph "+
			"to see configured keys for app Id '%s'.]", thumb, c.app.AppID)
	}
	if !kc.EndDateTime.IsZero() && now.After(kc.EndDateTime) {
		return failClient(700027, "Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '%X']", thumb)
	}
	claims := &jwt.RegisteredClaims{}
	// Entra tolerates five minutes of clock skew on assertions.
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"RS256", "PS256"}), jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithExpirationRequired(), jwt.WithLeeway(5*time.Minute))
	_, err = parser.ParseWithClaims(creds.assertion, claims, func(*jwt.Token) (any, error) { return cert.PublicKey, nil })
	switch {
	case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenNotValidYet):
		return failClient(700024, "Client assertion is not within its valid time range.")
	case err != nil:
		return failClient(700027, "Client assertion failed signature validation.")
	case !strings.EqualFold(claims.Issuer, c.app.AppID) || !strings.EqualFold(claims.Subject, c.app.AppID):
		return failClient(700021, "Client assertion application identifier doesn't match 'client_id' parameter.")
	case !intersectsFold(claims.Audience, audiences):
		return failClient(700027, "Client assertion audience claim does not match Realm issuer.") // wording unverified
	}
	return nil
}

// assertionThumbprint decodes the certificate thumbprint from the JWT
// header. RFC 7515 says base64url; MSAL Go sends standard base64.
func assertionThumbprint(header map[string]any) []byte {
	for _, key := range []string{"x5t#S256", "x5t"} {
		v, _ := header[key].(string)
		if v == "" {
			continue
		}
		for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
			if b, err := enc.DecodeString(v); err == nil {
				return b
			}
		}
	}
	return nil
}

// findCertificate returns the RSA certificate whose SHA-256 or SHA-1
// thumbprint is thumb.
func (c *loginClient) findCertificate(thumb []byte) (*KeyCredential, *x509.Certificate) {
	if len(thumb) == 0 {
		return nil, nil
	}
	for _, kc := range c.app.KeyCredentials {
		cert, err := x509.ParseCertificate(kc.Key)
		if err != nil {
			continue
		}
		if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
			continue
		}
		s256 := sha256.Sum256(cert.Raw)
		s1 := sha1.Sum(cert.Raw) //nolint:gosec // thumbprint
		if subtle.ConstantTimeCompare(s256[:], thumb) == 1 || subtle.ConstantTimeCompare(s1[:], thumb) == 1 {
			return kc, cert
		}
	}
	return nil, nil
}

// tokenAudiences are the token endpoint URLs a client assertion may name:
// this host or Entra's, the tenant by the segment used, its id or a domain.
func tokenAudiences(base, ref string, t *Tenant) []string {
	segments := []string{ref, t.ID}
	for _, d := range t.Domains {
		segments = append(segments, d.Name)
	}
	var out []string
	for _, host := range []string{base, "https://login.microsoftonline.com"} {
		for _, seg := range segments {
			out = append(out, host+"/"+seg+"/oauth2/v2.0/token", host+"/"+seg+"/oauth2/token")
		}
	}
	return out
}
