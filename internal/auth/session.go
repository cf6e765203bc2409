package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/teamsctl/teamsctl/internal/fsutil"
)

// Mode is how a profile signed in.
type Mode string

// Sign-in modes.
const (
	ModeBrowser          Mode = "browser"
	ModeDeviceCode       Mode = "device-code"
	ModeServicePrincipal Mode = "service-principal"
	ModeAccessToken      Mode = "access-token"
)

// Session records how a profile signed in, so later invocations can get
// tokens the same way. It never holds a secret or a token: those live in
// the token cache (tokens.json, mode 0600) or come from the environment.
type Session struct {
	Mode     Mode   `json:"mode"`
	ClientID string `json:"clientId,omitempty"`
	// Tenant is the tenant as the authority names it (GUID, domain or
	// organizations): MSAL files cached tokens under it, so later
	// acquisitions must use the same authority to find them.
	Tenant   string `json:"tenant"`
	TenantID string `json:"tenantId,omitempty"`
	// Account is the user's UPN, or the application id for a service
	// principal.
	Account string `json:"account,omitempty"`
	// HomeAccountID is MSAL's key of the signed-in user's account.
	HomeAccountID string `json:"homeAccountId,omitempty"`
	// Scopes are the delegated permissions the last token carried; a
	// command needing others is told exactly which are missing.
	Scopes []string `json:"scopes,omitempty"`
	// Certificate is the path of a service principal's PEM certificate,
	// read again whenever a new token is needed.
	Certificate string `json:"certificate,omitempty"`
	// LoginURL is the authority host the session belongs to; a session is
	// not reused against another cloud or emulator.
	LoginURL   string    `json:"loginUrl"`
	SignedInAt time.Time `json:"signedInAt"`
}

// profileFiles are one profile's sign-in files, all in
// <config dir>/auth/<profile>/.
type profileFiles struct {
	dir string
}

func newProfileFiles(configDir, profile string) profileFiles {
	return profileFiles{dir: filepath.Join(configDir, "auth", profile)}
}

func (p profileFiles) session() string     { return filepath.Join(p.dir, "session.json") }
func (p profileFiles) tokens() string      { return filepath.Join(p.dir, "tokens.json") }
func (p profileFiles) accessToken() string { return filepath.Join(p.dir, "access-token") }
func (p profileFiles) lock() string        { return filepath.Join(p.dir, "lock") }

// loadSession returns the profile's session, or nil when it has none.
func (p profileFiles) loadSession() (*Session, error) {
	data, err := os.ReadFile(p.session())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s Session
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("sign-in record %s is corrupt (%v); run `teamsctl logout` and sign in again", p.session(), err)
	}
	return &s, nil
}

func (p profileFiles) saveSession(s *Session) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(p.session(), append(data, '\n'), 0o600)
}

// remove deletes every sign-in file of the profile.
func (p profileFiles) remove() error {
	for _, f := range []string{p.session(), p.tokens(), p.accessToken()} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// signedInProfiles lists the profiles with sign-in files.
func signedInProfiles(configDir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(configDir, "auth"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}
