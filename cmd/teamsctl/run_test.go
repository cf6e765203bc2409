package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/teamsctl"
)

// run executes teamsctl in-process with dir as the config directory.
func run(t *testing.T, dir string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	deps := teamsctl.Deps{
		IOStreams: ios,
		Getenv: func(k string) string {
			if k == "TEAMSCTL_CONFIG_DIR" {
				return dir
			}
			return env[k]
		},
		Now: func() time.Time { return time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC) },
	}
	code = teamsctl.Run(context.Background(), args, deps)
	return code, out.String(), errOut.String()
}

func TestRunUnknownFlag(t *testing.T) {
	code, stdout, stderr := run(t, t.TempDir(), nil, "config", "view", "--bogus")
	if code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want empty", stdout)
	}
	want := "error: unknown flag: --bogus\nhint: Run 'teamsctl config view --help' for usage.\n"
	if stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
}

func TestRunSuccess(t *testing.T) {
	code, stdout, stderr := run(t, t.TempDir(), map[string]string{"TEAMSCTL_TENANT": "contoso.onmicrosoft.com"}, "config", "get", "tenant")
	if code != 0 || stdout != "contoso.onmicrosoft.com\n" || stderr != "" {
		t.Errorf("got %d %q %q", code, stdout, stderr)
	}
}

func TestRunJSONIsOneDocument(t *testing.T) {
	code, stdout, stderr := run(t, t.TempDir(), nil, "config", "view", "-o", "json")
	if code != 0 || stderr != "" {
		t.Fatalf("got %d, stderr %q", code, stderr)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(stdout)))
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Errorf("stdout holds more than one JSON document:\n%s", stdout)
	}
}

func TestRunMalformedConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte("profiles:\n  a:\n    cloud: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, dir, nil, "config", "view")
	want := fmt.Sprintf("error: config file %s, line 3: did not find expected node content\n"+
		"hint: Fix the file in an editor, or move it away to start from defaults.\n", path)
	if code != 1 || stdout != "" || stderr != want {
		t.Errorf("got %d %q %q, want 1 and %q", code, stdout, stderr, want)
	}
}

func TestRunCancelledContext(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code := teamsctl.Run(ctx, []string{"config", "view", "--bogus"}, teamsctl.Deps{IOStreams: ios, Getenv: func(string) string { return "" }, Now: time.Now})
	if code != 130 || errOut.String() != "cancelled\n" {
		t.Errorf("got %d %q, want 130 and \"cancelled\"", code, errOut)
	}
}

func TestNoColorFromConfigFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("profiles:\n  default:\n    no-color: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ios, _, _, errOut := iostreams.Test()
	ios.SetStdoutTTY(true)
	ios.SetStderrTTY(true)
	teamsctl.Run(context.Background(), []string{"config", "use-profile", "missing"}, teamsctl.Deps{
		IOStreams: ios,
		Getenv: func(k string) string {
			if k == "TEAMSCTL_CONFIG_DIR" {
				return dir
			}
			return ""
		},
		Now: time.Now,
	})
	if bytes.Contains(errOut.Bytes(), []byte("\x1b[")) {
		t.Errorf("no-color: true in the config file should remove colour, got %q", errOut)
	}
	if ios.ColorEnabled() {
		t.Error("colour still enabled on stdout")
	}
}
