package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestSetCreatesPrivateFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "teamsctl")
	path := filepath.Join(dir, FileName)
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Set("contoso", "tenant", "contoso.onmicrosoft.com"); err != nil {
		t.Fatal(err)
	}
	if err := f.Set("contoso", "sandbox", "1"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCurrentProfile("contoso"); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "profiles:\n  contoso:\n    tenant: contoso.onmicrosoft.com\n    sandbox: true\ncurrent-profile: contoso\n"
	if string(data) != want {
		t.Errorf("file is\n%s\nwant\n%s", data, want)
	}
	if runtime.GOOS != "windows" {
		assertMode(t, path, 0o600)
		assertMode(t, dir, 0o700|os.ModeDir)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode() != want {
		t.Errorf("%s has mode %v, want %v", path, info.Mode(), want)
	}
}

func TestEditsKeepCommentsAndOrder(t *testing.T) {
	original := `# Customer tenants.
current-profile: contoso
profiles:
  contoso:
    tenant: contoso.onmicrosoft.com # primary domain
    cloud: global
`
	path := filepath.Join(configDir(t, original), FileName)
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Set("contoso", "output", "json"); err != nil {
		t.Fatal(err)
	}
	if removed, err := f.Unset("contoso", "cloud"); err != nil || !removed {
		t.Fatalf("Unset = %v, %v", removed, err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	want := `# Customer tenants.
current-profile: contoso
profiles:
  contoso:
    tenant: contoso.onmicrosoft.com # primary domain
    output: json
`
	if string(data) != want {
		t.Errorf("file is\n%s\nwant\n%s", data, want)
	}
}

func TestSetRejectsUnknownKeyListingValidOnes(t *testing.T) {
	f, _ := ReadFile(filepath.Join(t.TempDir(), FileName))
	err := f.Set("default", "tennant", "x")
	var unknown *UnknownKeyError
	if !errors.As(err, &unknown) {
		t.Fatalf("want *UnknownKeyError, got %v", err)
	}
	if !strings.Contains(err.Error(), "valid keys: tenant, cloud, output, login-url, graph-url, ca-file, client-id, sandbox, no-color, timeout") {
		t.Errorf("error should list the valid keys: %v", err)
	}
}

func TestSetValidatesValue(t *testing.T) {
	f, _ := ReadFile(filepath.Join(t.TempDir(), FileName))
	tests := []struct{ key, value, want string }{
		{"tenant", "not a tenant", "neither a tenant ID"},
		{"client-id", "abc", "is not a GUID"},
		{"graph-url", "graph.microsoft.com", "not an absolute URL"},
		{"graph-url", "ftp://graph.microsoft.com", "must use https"},
		{"output", "yaml", `"yaml" is not one of text, json`},
	}
	for _, tt := range tests {
		err := f.Set("default", tt.key, tt.value)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Set(%s, %q) = %v, want error containing %q", tt.key, tt.value, err, tt.want)
		}
	}
}

func TestUnsetMissingKey(t *testing.T) {
	f, _ := ReadFile(filepath.Join(configDir(t, twoProfiles), FileName))
	removed, err := f.Unset("contoso", "cloud")
	if err != nil || removed {
		t.Errorf("Unset of a key the profile lacks = %v, %v; want false, nil", removed, err)
	}
	if _, err := f.Unset("nobody", "tenant"); err != nil {
		t.Errorf("Unset in a missing profile: %v", err)
	}
}

func TestProfiles(t *testing.T) {
	f, err := ReadFile(filepath.Join(configDir(t, twoProfiles), FileName))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Profiles(), ","); got != "contoso,fabrikam" {
		t.Errorf("Profiles() = %s", got)
	}
	if !f.HasProfile("fabrikam") || f.HasProfile("northwind") {
		t.Error("HasProfile is wrong")
	}
}
