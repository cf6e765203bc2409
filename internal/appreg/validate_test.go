package appreg

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestValidateRedirectURI(t *testing.T) {
	tests := []struct {
		uri, platform, wantErr string
	}{
		{"https://elevato.net/Integrations/BusinessIntegration/Microsoft/OAuth2.aspx", "web", ""},
		{"http://localhost:8080/cb", "web", ""},
		{"http://127.0.0.1/cb", "spa", ""},
		{"http://vendor.example.com/cb", "web", "uses http"},
		{"https://vendor.example.com/cb#x", "web", "fragment"},
		{"https://vendor.example.com/a,b", "web", "does not allow"},
		{"https://vendor.example.com/" + strings.Repeat("a", 240), "web", "at most 256"},
		{"/relative", "web", "not absolute"},
		{"myapp://auth", "public", ""},
		{"myapp://auth", "web", "must use https"},
		{"", "web", "empty"},
		{"https://vendor.example.com/c b", "web", "whitespace"},
		{"http://[::1]/cb", "web", "uses http"},
	}
	for _, tt := range tests {
		err := ValidateRedirectURI(tt.uri, tt.platform)
		if tt.wantErr == "" && err != nil {
			t.Errorf("%q: unexpected error %v", tt.uri, err)
		}
		if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%q: error %v, want containing %q", tt.uri, err, tt.wantErr)
		}
	}
}

func TestValidateRedirectURIsCount(t *testing.T) {
	if err := ValidateRedirectURIs([]string{"https://a.example.com/"}, "web", 255); err != nil {
		t.Fatalf("256th: %v", err)
	}
	err := ValidateRedirectURIs([]string{"https://a.example.com/"}, "web", 256)
	if err == nil || !strings.Contains(err.Error(), "257 redirect URIs in total; Entra allows at most 256") {
		t.Fatalf("257th: %v", err)
	}
}

func FuzzValidateRedirectURI(f *testing.F) {
	for _, s := range []string{"https://a.example.com/cb", "http://localhost:1/x", "http://x/", "https://a#b", "myapp://x", "https://[::1]:99999/", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateRedirectURI(s, "web")
		if err != nil {
			return
		}
		// Whatever passes obeys Entra's rules.
		if len(s) > MaxRedirectURILength || strings.ContainsAny(s, "#!$'(),; ") {
			t.Fatalf("accepted %q", s)
		}
		if !strings.HasPrefix(strings.ToLower(s), "https://") && !strings.HasPrefix(strings.ToLower(s), "http://") {
			t.Fatalf("accepted non-http(s) %q", s)
		}
	})
}

var now = time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)

func TestParseExpiry(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{"180d", now.Add(180 * 24 * time.Hour), ""},
		{"26w", now.Add(26 * 7 * 24 * time.Hour), ""},
		{"1y", now.Add(365 * 24 * time.Hour), ""},
		{"2026-12-31", time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), ""},
		{"2020-01-01", time.Time{}, "in the past"},
		{"3y", time.Time{}, "two years"},
		{"0d", time.Time{}, "not a positive"},
		{"soon", time.Time{}, "neither a lifetime"},
		{"", time.Time{}, "empty"},
	}
	for _, tt := range tests {
		got, err := ParseExpiry(tt.in, now)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("%q: got %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseExpiry(f *testing.F) {
	for _, s := range []string{"180d", "2026-12-31", "1y", "720h", "99999d", "-1d", "2026-02-30", "2026-12-31T10:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		end, err := ParseExpiry(s, now)
		if err != nil {
			return
		}
		if !end.After(now) || end.Sub(now) > MaxSecretLifetime+24*time.Hour {
			t.Fatalf("%q accepted as %v", s, end)
		}
		_ = fmt.Sprint(end)
	})
}
