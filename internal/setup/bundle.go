package setup

import (
	"encoding/json"
	"io"
	"os"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/appreg"
)

// Encode renders the bundle for the vendor: JSON, or a .env file when
// path ends in .env (the variable names of appreg's hand-off).
func (b Bundle) Encode(path string) ([]byte, error) {
	b.HandoffWritten, b.HandoffKept, b.HandoffHasSecret = "", false, false
	if !strings.HasSuffix(strings.ToLower(path), ".env") {
		data, err := json.MarshalIndent(b, "", "  ")
		if err != nil {
			return nil, err
		}
		return append(data, '\n'), nil
	}
	vars := map[string]string{"AZURE_TENANT_ID": b.TenantID, "AZURE_CONSENT_STATUS": b.ConsentStatus}
	set := func(k, v string) {
		if v != "" {
			vars[k] = v
		}
	}
	set("AZURE_TENANT_DOMAIN", b.PrimaryDomain)
	set("AZURE_CLIENT_ID", b.ClientID)
	set("AZURE_CLIENT_SECRET", b.ClientSecret)
	set("AZURE_REDIRECT_URIS", strings.Join(b.RedirectURIs, " "))
	set("AZURE_ADMIN_CONSENT_URL", b.ConsentURL)
	if !b.SecretExpires.IsZero() {
		vars["AZURE_CLIENT_SECRET_EXPIRES"] = b.SecretExpires.UTC().Format(time.RFC3339)
	}
	return appreg.EncodeDotEnv(vars), nil
}

// HandoffHoldsSecret says whether the hand-off file at path (JSON or .env,
// as Encode writes them) holds a client secret. A file that cannot be
// read or parsed holds none.
func HandoffHoldsSecret(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	// A bundle is a few hundred bytes; more is not one of ours.
	data, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return false
	}
	if strings.HasSuffix(strings.ToLower(path), ".env") {
		for line := range strings.Lines(string(data)) {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "AZURE_CLIENT_SECRET="); ok {
				return strings.Trim(v, `"'`) != ""
			}
		}
		return false
	}
	var b Bundle
	return json.Unmarshal(data, &b) == nil && b.ClientSecret != ""
}
