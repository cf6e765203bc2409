package redirecturi

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
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
		err := Validate(tt.uri, tt.platform)
		if tt.wantErr == "" && err != nil {
			t.Errorf("%q: unexpected error %v", tt.uri, err)
		}
		if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%q: error %v, want containing %q", tt.uri, err, tt.wantErr)
		}
	}
}

func TestValidateAllCount(t *testing.T) {
	if err := ValidateAll([]string{"https://a.example.com/"}, "web", 255); err != nil {
		t.Fatalf("256th: %v", err)
	}
	err := ValidateAll([]string{"https://a.example.com/"}, "web", 256)
	if err == nil || !strings.Contains(err.Error(), "257 redirect URIs in total; Entra allows at most 256") {
		t.Fatalf("257th: %v", err)
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"https://a.example.com/cb", "http://localhost:1/x", "http://x/", "https://a#b", "myapp://x", "https://[::1]:99999/", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := Validate(s, "web")
		if err != nil {
			return
		}
		// Whatever passes obeys Entra's rules.
		if len(s) > MaxLength || strings.ContainsAny(s, "#!$'(),; ") {
			t.Fatalf("accepted %q", s)
		}
		if !strings.HasPrefix(strings.ToLower(s), "https://") && !strings.HasPrefix(strings.ToLower(s), "http://") {
			t.Fatalf("accepted non-http(s) %q", s)
		}
	})
}
