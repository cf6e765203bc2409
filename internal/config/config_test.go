package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

const twoProfiles = `current-profile: contoso
profiles:
  contoso:
    tenant: contoso.onmicrosoft.com
    output: json
  fabrikam:
    tenant: fabrikam.onmicrosoft.com
    cloud: usgov
    sandbox: true
`

// globalFlags mirrors the root command's flags that feed the configuration.
func globalFlags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("teamsctl", pflag.ContinueOnError)
	fs.String("tenant", "", "")
	fs.String("cloud", "", "")
	fs.String("output", "", "")
	fs.String("profile", "", "")
	fs.Bool("sandbox", false, "")
	fs.Bool("no-color", false, "")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

// configDir writes content (if any) as config.yaml in a fresh directory.
func configDir(t *testing.T, content string) string {
	t.Helper()
	dir := t.TempDir()
	if content != "" {
		if err := os.WriteFile(filepath.Join(dir, FileName), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func load(t *testing.T, dir string, env map[string]string, args ...string) (*Config, error) {
	t.Helper()
	getenv := func(k string) string {
		if k == EnvConfigDir {
			return dir
		}
		return env[k]
	}
	return Load(LoadOptions{Getenv: getenv, Flags: globalFlags(t, args...)})
}

func TestPrecedence(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		env        map[string]string
		args       []string
		wantTenant string
		wantSource string
	}{
		{name: "default", wantTenant: "", wantSource: SourceDefault},
		{name: "file", file: twoProfiles, wantTenant: "contoso.onmicrosoft.com", wantSource: SourceFile},
		{name: "env beats file", file: twoProfiles,
			env:        map[string]string{"TEAMSCTL_TENANT": "env.onmicrosoft.com"},
			wantTenant: "env.onmicrosoft.com", wantSource: "env TEAMSCTL_TENANT"},
		{name: "flag beats env", file: twoProfiles,
			env:        map[string]string{"TEAMSCTL_TENANT": "env.onmicrosoft.com"},
			args:       []string{"--tenant", "flag.onmicrosoft.com"},
			wantTenant: "flag.onmicrosoft.com", wantSource: SourceFlag},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := load(t, configDir(t, tt.file), tt.env, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Tenant != tt.wantTenant {
				t.Errorf("Tenant = %q, want %q", cfg.Tenant, tt.wantTenant)
			}
			got, err := cfg.Setting("tenant")
			if err != nil {
				t.Fatal(err)
			}
			if got.Source != tt.wantSource {
				t.Errorf("source = %q, want %q", got.Source, tt.wantSource)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	cfg, err := load(t, configDir(t, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Profile != DefaultProfile || cfg.Cloud != "global" || cfg.Output != OutputText || cfg.Sandbox || cfg.NoColor {
		t.Errorf("unexpected defaults: %+v", cfg)
	}
}

func TestProfileSelection(t *testing.T) {
	tests := []struct {
		name        string
		file        string
		env         map[string]string
		args        []string
		wantProfile string
		wantTenant  string
	}{
		{name: "no file", wantProfile: DefaultProfile},
		{name: "current-profile", file: twoProfiles, wantProfile: "contoso", wantTenant: "contoso.onmicrosoft.com"},
		{name: "env beats current-profile", file: twoProfiles,
			env:         map[string]string{EnvProfile: "fabrikam"},
			wantProfile: "fabrikam", wantTenant: "fabrikam.onmicrosoft.com"},
		{name: "flag beats env", file: twoProfiles,
			env:         map[string]string{EnvProfile: "fabrikam"},
			args:        []string{"--profile", "contoso"},
			wantProfile: "contoso", wantTenant: "contoso.onmicrosoft.com"},
		{name: "profile without settings uses defaults", file: twoProfiles,
			args:        []string{"--profile", "new"},
			wantProfile: "new", wantTenant: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := load(t, configDir(t, tt.file), tt.env, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Profile != tt.wantProfile || cfg.Tenant != tt.wantTenant {
				t.Errorf("profile %q tenant %q, want %q %q", cfg.Profile, cfg.Tenant, tt.wantProfile, tt.wantTenant)
			}
		})
	}
}

func TestProfileValuesAreTyped(t *testing.T) {
	cfg, err := load(t, configDir(t, twoProfiles), nil, "--profile", "fabrikam")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Cloud != "usgov" || !cfg.Sandbox || cfg.Output != OutputText {
		t.Errorf("got cloud %q sandbox %v output %q", cfg.Cloud, cfg.Sandbox, cfg.Output)
	}
}

func TestBoolFlagBeatsFile(t *testing.T) {
	file := "profiles:\n  default:\n    no-color: false\n"
	cfg, err := load(t, configDir(t, file), nil, "--no-color")
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.NoColor {
		t.Error("--no-color should beat no-color: false in the file")
	}
}

func TestFileErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		name     string
		content  string
		wantLine int
		wantMsg  string
	}{
		{"syntax", "current-profile: contoso\nprofiles:\n  contoso:\n    tenant: [unclosed\n", 4, "did not find expected"},
		{"bad indentation", "profiles:\n  contoso:\n    tenant: a.com\n   cloud: global\n", 4, ""},
		{"unknown key", "profiles:\n  contoso:\n    tennant: contoso.com\n", 3, `unknown config key "tennant"; valid keys: tenant, cloud`},
		{"invalid value", "profiles:\n  contoso:\n    cloud: mars\n", 3, `cloud: "mars" is not one of global`},
		{"invalid bool", "profiles:\n  contoso:\n    sandbox: maybe\n", 3, "sandbox must be true or false"},
		{"unknown top-level key", "current-profile: a\nprofile:\n  a: {}\n", 2, `unknown key "profile"`},
		{"profiles not a mapping", "profiles: [a, b]\n", 1, "profiles must map profile names to settings"},
		{"bad profile name", "current-profile: 'my profile'\n", 1, `profile name "my profile"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := configDir(t, tt.content)
			_, err := load(t, dir, nil)
			var fileErr *FileError
			if !errors.As(err, &fileErr) {
				t.Fatalf("want *FileError, got %T %v", err, err)
			}
			path := filepath.Join(dir, FileName)
			if fileErr.Path != path || fileErr.Line != tt.wantLine {
				t.Errorf("got %s line %d, want %s line %d (%v)", fileErr.Path, fileErr.Line, path, tt.wantLine, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tt.wantMsg)
			}
			wantPrefix := "config file " + path + ", line "
			if !strings.HasPrefix(err.Error(), wantPrefix) {
				t.Errorf("error %q should start with %q", err, wantPrefix)
			}
		})
	}
}

func TestEmptyFileIsEmptyConfig(t *testing.T) {
	for _, content := range []string{"\n", "# just a comment\n", "~\n"} {
		if _, err := load(t, configDir(t, content), nil); err != nil {
			t.Errorf("%q: %v", content, err)
		}
	}
}

func TestInvalidEnvironmentNamesVariable(t *testing.T) {
	_, err := load(t, configDir(t, ""), map[string]string{"TEAMSCTL_OUTPUT": "yaml", "TEAMSCTL_LOGIN_URL": "http://login.example.com"})
	var envErr *EnvError
	if !errors.As(err, &envErr) {
		t.Fatalf("want *EnvError, got %T %v", err, err)
	}
	for _, want := range []string{"TEAMSCTL_OUTPUT", `"yaml" is not one of text, json`, "TEAMSCTL_LOGIN_URL", "http is allowed only for localhost"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestDirFallsBackToUserConfigDir(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	t.Setenv("HOME", "/home/admin")
	dir, err := Dir(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	base, _ := os.UserConfigDir()
	if dir != filepath.Join(base, "teamsctl") {
		t.Errorf("Dir() = %q, want under %q", dir, base)
	}
}

func TestSettingUnknownKey(t *testing.T) {
	cfg, err := load(t, configDir(t, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	var unknown *UnknownKeyError
	if _, err := cfg.Setting("colour"); !errors.As(err, &unknown) {
		t.Errorf("want *UnknownKeyError, got %v", err)
	}
}

// A mistyped --profile, TEAMSCTL_PROFILE or a current-profile naming a
// profile that is gone must not run as an empty profile (no tenant, so
// whatever tenant a sign-in has): it is an error naming the profiles there
// are, with a hint that fits where the name came from.
func TestUnknownProfileIsAnErrorNamingTheProfiles(t *testing.T) {
	dangling := strings.Replace(twoProfiles, "current-profile: contoso", "current-profile: contosso", 1)
	tests := []struct {
		name, file string
		env        map[string]string
		args       []string
		want, hint string
	}{
		{name: "flag", file: twoProfiles, args: []string{"--profile", "contosso"},
			want: `profile "contosso" (from --profile) does not exist; profiles: default, contoso, fabrikam`, hint: "Check the spelling"},
		{name: "env", file: twoProfiles, env: map[string]string{EnvProfile: "contosso"},
			want: `(from TEAMSCTL_PROFILE)`, hint: "Correct or unset TEAMSCTL_PROFILE"},
		{name: "current-profile", file: dangling,
			want: `(from the current-profile of `, hint: "teamsctl config use-profile NAME"},
		{name: "no file", args: []string{"--profile", "new"},
			want: `profiles: default`, hint: "teamsctl login --tenant TENANT --profile new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := load(t, configDir(t, tt.file), tt.env, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			err = cfg.CheckProfile()
			var unknown *UnknownProfileError
			if !errors.As(err, &unknown) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(unknown.Hint(), tt.hint) {
				t.Fatalf("CheckProfile = %v (hint %q), want %q and hint %q", err, unknown.Hint(), tt.want, tt.hint)
			}
			if got, err := AllowNewProfile(nil, err); err != nil || got != cfg {
				t.Errorf("AllowNewProfile = %v, %v; want the configuration back", got, err)
			}
			if err := cfg.File().AddProfile(cfg.Profile); err != nil || cfg.CheckProfile() != nil {
				t.Errorf("after AddProfile: %v, %v", err, cfg.CheckProfile())
			}
		})
	}
	for _, args := range [][]string{nil, {"--profile", "default"}, {"--profile", "fabrikam"}} {
		cfg, err := load(t, configDir(t, twoProfiles), nil, args...)
		if err != nil || cfg.CheckProfile() != nil {
			t.Errorf("%v: %v, %v", args, err, cfg.CheckProfile())
		}
	}
}
