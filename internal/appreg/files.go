package appreg

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/fsutil"
)

// CheckOutputFile verifies, before anything is written anywhere, that a
// secret can be written to path: it is a new path, or a regular file and
// force is set, and its directory is writable. A symbolic link, device,
// named pipe, socket or directory is refused even with force: the secret
// would land somewhere else, or replace something that is not a file.
func CheckOutputFile(path string, force bool) error {
	if path == "" {
		return nil
	}
	if err := fsutil.CheckReplaceable(path); err != nil {
		return err
	}
	if _, err := os.Lstat(path); err == nil {
		if !force {
			return fmt.Errorf("%s exists; refusing to overwrite it without --force", path)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot use %s: %v", path, err)
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".teamsctl-check-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %v", path, errors.Unwrap(err))
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

// WriteSecretFile writes data with mode 0600, atomically, over a regular
// file or to a new path (see fsutil.WriteFileAtomic).
func WriteSecretFile(path string, data []byte) error {
	if err := fsutil.WriteFileAtomic(path, data, 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// Handoff is what the vendor needs to connect a customer-registered app.
type Handoff struct {
	TenantID          string    `json:"tenantId"`
	PrimaryDomain     string    `json:"primaryDomain,omitempty"`
	ClientID          string    `json:"clientId"`
	RedirectURIs      []string  `json:"redirectUris"`
	ClientSecret      string    `json:"clientSecret,omitempty"`
	SecretExpires     time.Time `json:"clientSecretExpires,omitzero"`
	ConsentStatus     string    `json:"consentStatus"`
	DelegatedScopes   []string  `json:"delegatedPermissions,omitempty"`
	ApplicationScopes []string  `json:"applicationPermissions,omitempty"`
}

// HandoffFrom builds the bundle from a result and the secret value.
func HandoffFrom(r *Result, secretValue string) Handoff {
	h := Handoff{TenantID: r.TenantID, PrimaryDomain: r.PrimaryDomain, ClientID: r.AppID, RedirectURIs: r.RedirectURIs,
		ClientSecret: secretValue, ConsentStatus: r.ConsentStatus, DelegatedScopes: r.Delegated, ApplicationScopes: r.Application}
	if r.Secret != nil {
		h.SecretExpires = r.Secret.EndDateTime
	}
	return h
}

// Encode renders the bundle as JSON, or as a .env file when path ends in
// .env.
func (h Handoff) Encode(path string) ([]byte, error) {
	if strings.HasSuffix(strings.ToLower(path), ".env") {
		vars := map[string]string{
			"AZURE_TENANT_ID": h.TenantID, "AZURE_CLIENT_ID": h.ClientID,
			"AZURE_REDIRECT_URIS": strings.Join(h.RedirectURIs, " "), "AZURE_CONSENT_STATUS": h.ConsentStatus,
		}
		if h.PrimaryDomain != "" {
			vars["AZURE_TENANT_DOMAIN"] = h.PrimaryDomain
		}
		if h.ClientSecret != "" {
			vars["AZURE_CLIENT_SECRET"] = h.ClientSecret
		}
		if !h.SecretExpires.IsZero() {
			vars["AZURE_CLIENT_SECRET_EXPIRES"] = h.SecretExpires.UTC().Format(time.RFC3339)
		}
		return EncodeDotEnv(vars), nil
	}
	data, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// EncodeDotEnv renders variables as a .env file: one KEY="value" line
// each (Go-quoted, which shells and dotenv readers accept), sorted by key.
func EncodeDotEnv(vars map[string]string) []byte {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		fmt.Fprintf(&b, "%s=%q\n", k, vars[k])
	}
	return []byte(b.String())
}
