package main

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInputs runs bad flags, arguments, files and environment through
// the real command tree: each gets its message and exit code, and none
// reaches the network.
func TestBadInputs(t *testing.T) {
	base, hits := offlineEnv(t)
	dir := t.TempDir()
	base["TEAMSCTL_CONFIG_DIR"] = dir // a valid (absent) config, unlike offlineEnv's
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	exists := write("exists.txt", "x")
	badPreset := write("bad-preset.yaml", "name: [unclosed\n")
	httpPreset := write("http-preset.yaml", "name: ours\nvendor: Us\nshape: customer-registered\ndelegated: [User.Read]\n"+
		"redirectUris:\n  - http://ats.example.com/cb\nteams: {meeting: online-meeting}\n")
	emptyPreset := write("empty-preset.yaml", "")
	hugePreset := write("huge-preset.yaml", "# "+strings.Repeat("x", 1<<20)+"\n")
	link := filepath.Join(dir, "link.secret")
	if err := os.Symlink(exists, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.secret")
	if err := mkfifo(fifo); err != nil {
		fifo = os.DevNull // no named pipes on this system: another non-regular file
	}
	malformedDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(malformedDir, "config.yaml"), []byte("profiles:\n  a:\n    tenant: [x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	profilesDir, danglingDir := t.TempDir(), t.TempDir()
	for d, text := range map[string]string{
		profilesDir: "current-profile: contoso\nprofiles:\n  contoso:\n    tenant: contoso.onmicrosoft.com\n",
		danglingDir: "current-profile: gone\nprofiles:\n  contoso:\n    tenant: contoso.onmicrosoft.com\n",
	} {
		if err := os.WriteFile(filepath.Join(d, "config.yaml"), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"unknown flag", []string{"--bogus"}, nil, 2, "unknown flag: --bogus"},
		{"unknown command", []string{"nosuchcommand"}, nil, 2, "unknown command"},
		{"unknown help topic", []string{"help", "doktor"}, nil, 2, `unknown help topic "doktor"`},
		{"name missing", []string{"app", "create"}, nil, 2, "--name is required"},
		{"name too long", []string{"app", "create", "--name", strings.Repeat("x", 121)}, nil, 2, "Entra allows at most 120"},
		{"http redirect", []string{"app", "create", "--name", "x", "--redirect-uri", "http://example.com/cb"}, nil, 2, "--redirect-uri"},
		{"redirect fragment", []string{"app", "create", "--name", "x", "--redirect-uri", "https://x.example/cb#frag"}, nil, 2, "Entra does not allow fragments"},
		{"platform", []string{"app", "create", "--name", "x", "--platform", "bogus"}, nil, 2, "valid values are {web|spa|public}"},
		{"delegated name", []string{"app", "create", "--name", "x", "--delegated", "!!!"}, nil, 2, `"!!!" is not a permission name`},
		{"application name", []string{"app", "create", "--name", "x", "--application", "a b,,@"}, nil, 2, `"@" is not a permission name`},
		{"expiry past", []string{"app", "create", "--name", "x", "--secret-expires", "2001-01-01"}, nil, 2, "is in the past"},
		{"expiry zero", []string{"app", "create", "--name", "x", "--secret-expires", "0d"}, nil, 2, "is not a positive lifetime"},
		{"expiry words", []string{"app", "create", "--name", "x", "--secret-expires", "soon"}, nil, 2, "--secret-expires"},
		{"same files", []string{"app", "create", "--name", "x", "--secret-file", "a.txt", "--handoff", "a.txt"}, nil, 2, "must be different files"},
		{"app id", []string{"app", "create", "--name", "x", "--app-id", "nope"}, nil, 2, `"nope" is not a GUID`},
		{"extra argument", []string{"app", "create", "--name", "x", "extra"}, nil, 2, `unexpected argument "extra"`},
		{"secret file exists", []string{"app", "create", "--name", "x", "--secret-file", exists}, nil, 2, "refusing to overwrite it without --force"},
		{"output", []string{"app", "create", "--name", "x", "-o", "xml"}, nil, 2, "valid values are {text|json}"},
		{"duration", []string{"app", "create", "--name", "x", "--replication-timeout", "abc"}, nil, 2, `invalid duration "abc"`},
		{"doctor output", []string{"doctor", "-o", "yaml"}, nil, 2, `invalid argument "yaml"`},
		{"doctor user value", []string{"doctor", "--user"}, nil, 2, "flag needs an argument: --user"},
		{"consent app", []string{"consent", "grant"}, nil, 2, "missing APP"},
		{"secret as flag", []string{"login", "--client-secret", "x"}, nil, 2, "unknown flag: --client-secret"},
		{"sp client id", []string{"login", "--service-principal", "--scopes", "User.Read"}, nil, 2, "--service-principal needs --client-id"},
		{"empty scopes", []string{"login", "--scopes", ""}, nil, 2, "--scopes: no permissions given"},
		{"meeting flag", []string{"meeting", "test", "--bogus"}, nil, 2, "unknown flag: --bogus"},
		{"setup vendor missing", []string{"setup"}, nil, 2, "give a VENDOR or --preset-file FILE"},
		{"setup vendor unknown", []string{"setup", "nosuchvendor"}, nil, 2, `no preset "nosuchvendor"`},
		{"setup preset file", []string{"setup", "--preset-file", badPreset}, nil, 2, "bad-preset.yaml"},
		{"config key", []string{"config", "get", "nosuchkey"}, nil, 2, `unknown config key "nosuchkey"`},
		{"presets show", []string{"presets", "show", "nosuch"}, nil, 2, `no preset "nosuch"`},
		{"presets show vendor", []string{"presets", "show", "recruitee"}, nil, 2, "recruitee has one preset per integration: recruitee-calendar"},
		{"instance path and query", []string{"app", "create", "--preset", "elevato", "--instance", "https://acme.elevato.net/a?b=c"}, nil, 2,
			`--instance "https://acme.elevato.net/a?b=c" has a path (/a) and a query (?b=c): an instance is a scheme and host`},
		{"setup instance path", []string{"setup", "elevato", "--instance", "https://acme.elevato.net/x"}, nil, 2, "has a path (/x)"},
		{"preset http redirect", []string{"setup", "--preset-file", httpPreset}, nil, 2, `http-preset.yaml:6: redirectUris[0]: redirect URI "http://ats.example.com/cb" uses http`},
		{"preset http redirect app create", []string{"app", "create", "--preset-file", httpPreset}, nil, 2, "http-preset.yaml:6: redirectUris[0]"},
		{"preset empty", []string{"setup", "--preset-file", emptyPreset}, nil, 2, "empty-preset.yaml: is empty; a preset needs at least name"},
		{"preset huge", []string{"presets", "show", "--file", hugePreset}, nil, 2, "huge-preset.yaml: is larger than 256 KiB"},
		{"fault negative lag", []string{"sandbox", "fault", "--replication-lag", "-5s"}, nil, 2, `invalid argument "-5s" for "--replication-lag" flag: must be zero or more`},
		{"fault rates", []string{"sandbox", "fault", "--rate429", "0.8", "--rate503", "0.5"}, nil, 2, "add up to 1.3"},
		{"serve beyond loopback", []string{"sandbox", "serve", "--addr", "0.0.0.0:0"}, nil, 2, "--addr 0.0.0.0:0: 0.0.0.0:0 is reachable from other machines"},
		{"serve request log", []string{"sandbox", "serve", "--request-log", "0"}, nil, 2, "--request-log 0"},
		{"whoami argument", []string{"whoami", "extra"}, nil, 2, `unexpected argument "extra"`},
		{"env output", []string{"whoami"}, map[string]string{"TEAMSCTL_OUTPUT": "xml"}, 1, `TEAMSCTL_OUTPUT: output: "xml" is not one of text, json`},
		{"env cloud", []string{"whoami"}, map[string]string{"TEAMSCTL_CLOUD": "mars"}, 1, `"mars" is not one of global`},
		{"env ca file", []string{"whoami"}, map[string]string{"TEAMSCTL_CA_FILE": "/nonexistent/ca.pem"}, 1, "reading --ca-file"},
		{"malformed config", []string{"config", "view"}, map[string]string{"TEAMSCTL_CONFIG_DIR": malformedDir}, 1, "config.yaml, line 3"},
		{"not signed in", []string{"whoami"}, nil, 4, "sign-in required"},
		{"secret file device", []string{"app", "create", "--name", "x", "--secret-file", os.DevNull, "--force"}, nil, 2, "is a device; teamsctl only writes over regular files"},
		{"secret file fifo", []string{"app", "secret", "add", "x", "--secret-file", fifo, "--force"}, nil, 2, "teamsctl only writes over regular files"},
		{"secret file symlink", []string{"app", "secret", "add", "x", "--secret-file", link, "--force"}, nil, 2, "is a symbolic link"},
		{"handoff directory", []string{"setup", "elevato", "--instance", "https://acme.elevato.net", "--handoff", dir}, nil, 2, "is a directory"},
		{"timeout words", []string{"--timeout", "soon", "app", "list"}, nil, 2, `"soon" is not a duration such as 30m`},
		{"timeout negative", []string{"app", "list", "--timeout", "-5s"}, nil, 2, `"-5s" is not a duration`},
		{"env timeout", []string{"whoami"}, map[string]string{"TEAMSCTL_TIMEOUT": "1 hour"}, 1, `TEAMSCTL_TIMEOUT: timeout: "1 hour" is not a duration`},
		{"handoff symlink", []string{"app", "create", "--name", "x", "--handoff", link, "--force"}, nil, 2, "is a symbolic link"},
		{"profile typo", []string{"--profile", "contosso", "app", "list"}, map[string]string{"TEAMSCTL_CONFIG_DIR": profilesDir}, 2,
			`profile "contosso" (from --profile) does not exist; profiles: default, contoso`},
		{"env profile typo", []string{"whoami"}, map[string]string{"TEAMSCTL_CONFIG_DIR": profilesDir, "TEAMSCTL_PROFILE": "contosso"}, 2,
			"Correct or unset TEAMSCTL_PROFILE"},
		{"dangling current profile", []string{"whoami"}, map[string]string{"TEAMSCTL_CONFIG_DIR": danglingDir}, 2,
			"teamsctl config use-profile NAME"},
		{"http login url", []string{"--login-url", "http://127.0.0.1:1", "whoami"}, nil, 2, "must use https, even on localhost"},
	}
	if len(cases) < 30 {
		t.Fatalf("%d cases, want at least 30", len(cases))
	}
	for _, c := range cases {
		env := maps.Clone(base)
		maps.Copy(env, c.env)
		code, out, errOut := runWith(env, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: teamsctl %s: exit %d, want %d with %q on stderr\nstdout:\n%s\nstderr:\n%s",
				c.name, strings.Join(c.args, " "), code, c.code, c.want, out, errOut)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("bad input reached the network: %d requests", n)
	}
}
