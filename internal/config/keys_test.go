package config

import (
	"strings"
	"testing"
)

func TestCheckTenant(t *testing.T) {
	valid := []string{"contoso.onmicrosoft.com", "recruiting.contoso.co.uk", "72f988bf-86f1-41af-91ab-2d7cd011db47"}
	invalid := []string{"contoso", "https://contoso.com", "contoso..com", "-contoso.com", "72f988bf-86f1-41af-91ab"}
	for _, v := range valid {
		if err := CheckTenant(v); err != nil {
			t.Errorf("CheckTenant(%q) = %v", v, err)
		}
	}
	for _, v := range invalid {
		if err := CheckTenant(v); err == nil {
			t.Errorf("CheckTenant(%q) accepted an invalid tenant", v)
		}
	}
}

func TestCheckEndpointURL(t *testing.T) {
	valid := []string{"https://graph.microsoft.com", "https://login.microsoftonline.us/", "http://localhost:8080", "http://127.0.0.1:9000/v1.0", "http://[::1]:8443"}
	invalid := []string{"graph.microsoft.com", "http://graph.microsoft.com", "/v1.0", "ftp://localhost", "https://"}
	for _, v := range valid {
		if err := CheckEndpointURL(v); err != nil {
			t.Errorf("CheckEndpointURL(%q) = %v", v, err)
		}
	}
	for _, v := range invalid {
		if err := CheckEndpointURL(v); err == nil {
			t.Errorf("CheckEndpointURL(%q) accepted an invalid URL", v)
		}
	}
}

// MSAL refuses an http authority, loopback included: --login-url says so
// up front (a usage error) instead of failing inside MSAL.
func TestCheckLoginURLNeedsHTTPS(t *testing.T) {
	if err := CheckLoginURL("https://127.0.0.1:8443"); err != nil {
		t.Errorf("https loopback: %v", err)
	}
	for _, v := range []string{"http://127.0.0.1:8443", "http://localhost", "http://login.example.com"} {
		if err := CheckLoginURL(v); err == nil || !strings.Contains(err.Error(), "use https") {
			t.Errorf("CheckLoginURL(%q) = %v", v, err)
		}
	}
}

func TestKeyEnv(t *testing.T) {
	k, err := LookupKey("login-url")
	if err != nil {
		t.Fatal(err)
	}
	if k.Env() != "TEAMSCTL_LOGIN_URL" {
		t.Errorf("Env() = %s", k.Env())
	}
}
