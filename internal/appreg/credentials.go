package appreg

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// ExpiringWithin is how soon before its end a credential is "expiring".
const ExpiringWithin = 30 * 24 * time.Hour

// Credential statuses.
const (
	CredentialValid    = "valid"
	CredentialExpiring = "expiring"
	CredentialExpired  = "expired"
)

// Credential is a client secret or certificate as the show and list
// commands report it (never a secret's value).
type Credential struct {
	Kind          string    `json:"kind"` // secret or certificate
	Name          string    `json:"name"`
	KeyID         string    `json:"keyId"`
	Hint          string    `json:"hint,omitempty"`
	Thumbprint    string    `json:"thumbprint,omitempty"`
	StartDateTime time.Time `json:"startDateTime,omitzero"`
	EndDateTime   time.Time `json:"endDateTime,omitzero"`
	Status        string    `json:"status"`
	DaysLeft      int       `json:"daysLeft"`
}

// CredentialStatus classifies an end date: expired, expiring within 30
// days, or valid.
func CredentialStatus(end, now time.Time) string {
	switch {
	case !end.IsZero() && !end.After(now):
		return CredentialExpired
	case !end.IsZero() && end.Sub(now) <= ExpiringWithin:
		return CredentialExpiring
	}
	return CredentialValid
}

func daysLeft(end, now time.Time) int {
	if end.IsZero() || !end.After(now) {
		return 0
	}
	return int(end.Sub(now).Hours() / 24)
}

// Secrets lists an app's client secrets, soonest end first.
func Secrets(app *graph.Application, now time.Time) []Credential {
	out := []Credential{}
	for _, p := range app.PasswordCredentials {
		out = append(out, Credential{Kind: "secret", Name: p.DisplayName, KeyID: p.KeyID, Hint: p.Hint,
			StartDateTime: p.StartDateTime, EndDateTime: p.EndDateTime, Status: CredentialStatus(p.EndDateTime, now), DaysLeft: daysLeft(p.EndDateTime, now)})
	}
	sortByEnd(out)
	return out
}

// Certificates lists an app's certificates, soonest end first.
func Certificates(app *graph.Application, now time.Time) []Credential {
	out := []Credential{}
	for _, k := range app.KeyCredentials {
		out = append(out, Credential{Kind: "certificate", Name: k.DisplayName, KeyID: k.KeyID, Thumbprint: thumbprintHex(k.CustomKeyIdentifier),
			StartDateTime: k.StartDateTime, EndDateTime: k.EndDateTime, Status: CredentialStatus(k.EndDateTime, now), DaysLeft: daysLeft(k.EndDateTime, now)})
	}
	sortByEnd(out)
	return out
}

func sortByEnd(c []Credential) {
	slices.SortStableFunc(c, func(a, b Credential) int { return a.EndDateTime.Compare(b.EndDateTime) })
}

// thumbprintHex returns the hex thumbprint the portal shows, from the
// client's hex form or Graph's base64 customKeyIdentifier.
func thumbprintHex(b64 string) string {
	if len(b64) == 40 {
		if _, err := hex.DecodeString(b64); err == nil {
			return strings.ToUpper(b64)
		}
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) == 0 {
		return b64
	}
	return strings.ToUpper(hex.EncodeToString(raw))
}

// FindCredential finds a secret or certificate by key id (or an
// unambiguous prefix of at least 8 characters).
func FindCredential(list []Credential, keyID string) (*Credential, error) {
	var found []Credential
	for _, c := range list {
		if strings.EqualFold(c.KeyID, keyID) || (len(keyID) >= 8 && strings.HasPrefix(strings.ToLower(c.KeyID), strings.ToLower(keyID))) {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 1:
		return &found[0], nil
	case 0:
		return nil, fmt.Errorf("no %s with key id %s", kindOf(list), keyID)
	}
	return nil, fmt.Errorf("key id prefix %s matches %d credentials; give the whole key id", keyID, len(found))
}

func kindOf(list []Credential) string {
	if len(list) > 0 {
		return list[0].Kind
	}
	return "credential"
}

// PublicCertificate is a parsed --cert file.
type PublicCertificate struct {
	DER        []byte
	Subject    string
	Thumbprint string // hex SHA-1, as the portal shows it
	NotBefore  time.Time
	NotAfter   time.Time
}

// ParseCertificatePEM reads the first certificate of a PEM file and
// refuses private keys: only the public certificate is uploaded.
func ParseCertificatePEM(data []byte, now time.Time) (*PublicCertificate, error) {
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, fmt.Errorf("no PEM certificate found (expected a block starting with -----BEGIN CERTIFICATE-----)")
		}
		if strings.Contains(b.Type, "PRIVATE KEY") {
			return nil, fmt.Errorf("the file contains a private key; upload only the public certificate and keep the key with the vendor's service")
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("not a valid X.509 certificate: %v", err)
		}
		if !c.NotAfter.After(now) {
			return nil, fmt.Errorf("the certificate expired on %s", c.NotAfter.Format("2006-01-02"))
		}
		sum := sha1.Sum(c.Raw)
		return &PublicCertificate{DER: c.Raw, Subject: c.Subject.CommonName, Thumbprint: strings.ToUpper(hex.EncodeToString(sum[:])),
			NotBefore: c.NotBefore, NotAfter: c.NotAfter}, nil
	}
}

// KeysWith is the keyCredentials update adding cert and keeping every
// existing certificate (sent by key id, without its key, as Graph allows).
// Adding a certificate already present (same thumbprint) returns nil.
func KeysWith(app *graph.Application, cert *PublicCertificate, name string) []graph.KeyCredential {
	keys := keep(app, "")
	for _, k := range app.KeyCredentials {
		if strings.EqualFold(thumbprintHex(k.CustomKeyIdentifier), cert.Thumbprint) {
			return nil
		}
	}
	return append(keys, graph.KeyCredential{DisplayName: name, Type: "AsymmetricX509Cert", Usage: "Verify", Key: cert.DER,
		StartDateTime: cert.NotBefore.UTC(), EndDateTime: cert.NotAfter.UTC()})
}

// KeysWithout is the keyCredentials update removing one key.
func KeysWithout(app *graph.Application, keyID string) []graph.KeyCredential {
	return keep(app, keyID)
}

func keep(app *graph.Application, except string) []graph.KeyCredential {
	out := []graph.KeyCredential{}
	for _, k := range app.KeyCredentials {
		if strings.EqualFold(k.KeyID, except) {
			continue
		}
		out = append(out, graph.KeyCredential{KeyID: k.KeyID, DisplayName: k.DisplayName, Type: k.Type, Usage: k.Usage,
			CustomKeyIdentifier: k.CustomKeyIdentifier, StartDateTime: k.StartDateTime, EndDateTime: k.EndDateTime})
	}
	return out
}

// RedirectURIs returns the app's redirect URIs of a platform.
func RedirectURIs(app *graph.Application, platform string) []string {
	return redirectURIs(app, platform)
}

// CountRedirectURIs counts the app's redirect URIs on every platform.
func CountRedirectURIs(app *graph.Application) int { return countURIs(app) }

// RedirectUpdate is the update setting a platform's redirect URIs, leaving
// every other web setting as it is.
func RedirectUpdate(app *graph.Application, platform string, uris []string) graph.ApplicationUpdate {
	var u graph.ApplicationUpdate
	setRedirectURIs(&u, app, platform, uris)
	return u
}
