package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/emulator/emutest"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/teamsctl"
)

// graphAdminScopes are the delegated permissions of the tests' token.
var graphAdminScopes = []string{"User.Read", "Directory.Read.All", "Application.ReadWrite.All", "Policy.Read.All",
	"DelegatedPermissionGrant.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "User.Read.All", "GroupMember.Read.All"}

// emulatorEnv starts the emulator, its handler wrapped by wrap (nil: as
// is), and returns the environment of a teamsctl signed in to it with a
// token.
func emulatorEnv(t *testing.T, wrap func(http.Handler) http.Handler) map[string]string {
	env, _ := emulatorEnvAndServer(t, wrap)
	return env
}

// emulatorEnvAndServer is emulatorEnv with the emulator.
func emulatorEnvAndServer(t *testing.T, wrap func(http.Handler) http.Handler) (map[string]string, *emutest.Env) {
	t.Helper()
	if wrap == nil {
		wrap = func(h http.Handler) http.Handler { return h }
	}
	emu := emutest.StartWrapped(t, emulator.Options{}, wrap)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, emu.CACertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"TEAMSCTL_CONFIG_DIR": dir, "HOME": dir, "NO_COLOR": "1", "TEAMSCTL_NO_PROMPT": "1",
		"TEAMSCTL_LOGIN_URL": emu.URL, "TEAMSCTL_GRAPH_URL": emu.GraphURL, "TEAMSCTL_CA_FILE": ca,
		"TEAMSCTL_ACCESS_TOKEN": emu.Token(t, "admin@contoso.onmicrosoft.com", "", graphAdminScopes...)}, emu
}

// TestAppListStopsOnARepeatedNextLink: a page of /applications whose
// @odata.nextLink points to itself ends app list with an error after one
// repeat instead of reading it forever.
func TestAppListStopsOnARepeatedNextLink(t *testing.T) {
	var requests atomic.Int32
	env := emulatorEnv(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/v1.0/applications" {
				h.ServeHTTP(w, r)
				return
			}
			requests.Add(1)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"value":[],"@odata.nextLink":"https://` + r.Host + `/v1.0/applications?$skiptoken=loop"}`))
		})
	})
	code, _, errOut := runWith(env, "app", "list")
	if code != 1 || !strings.Contains(errOut, "@odata.nextLink points to a page already read") {
		t.Errorf("exit %d, want 1 naming the repeated link\n%s", code, errOut)
	}
	if n := requests.Load(); n != 2 {
		t.Errorf("%d requests for the applications, want 2", n)
	}
}

// TestTimeoutEndsEveryCommand: a Graph that never answers ends the
// command at --timeout (flag, environment or config key) with exit 1
// and a message naming the limit.
func TestTimeoutEndsEveryCommand(t *testing.T) {
	env := emulatorEnv(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/v1.0/") {
				<-r.Context().Done() // never answers
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	for _, c := range []struct {
		args []string
		env  map[string]string
	}{
		{[]string{"--timeout", "200ms", "app", "list"}, nil},
		{[]string{"whoami"}, map[string]string{"TEAMSCTL_TIMEOUT": "200ms"}},
	} {
		e := map[string]string{}
		for k, v := range env {
			e[k] = v
		}
		for k, v := range c.env {
			e[k] = v
		}
		start := time.Now()
		code, _, errOut := runWith(e, c.args...)
		if code != 1 || !strings.Contains(errOut, "gave up after 200ms, the --timeout") {
			t.Errorf("%v: exit %d, want 1 naming the timeout\n%s", c.args, code, errOut)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%v: took %s", c.args, d)
		}
	}
}

// TestTimeoutDuringRetriesNamesTheRequest: a Graph that always answers
// 503 ends at --timeout with the request and its status, not with a bare
// context error.
func TestTimeoutDuringRetriesNamesTheRequest(t *testing.T) {
	env := emulatorEnv(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/v1.0/") {
				w.Header().Set("Retry-After", "1")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"error":{"code":"serviceNotAvailable","message":"busy"}}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	ios, _, _, errOut := iostreams.Test()
	code := teamsctl.Run(context.Background(), []string{"--timeout", "300ms", "app", "list"},
		teamsctl.Deps{IOStreams: ios, Getenv: func(k string) string { return env[k] }, Now: time.Now})
	if code != 1 || !strings.Contains(errOut.String(), "/v1.0/applications: answered 503 Service Unavailable to 1 attempt over 0s, then stopped: gave up after 300ms, the --timeout") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}

// TestNamesFromGraphCannotSteerTheTerminal: an app named with an escape
// sequence, a bell, a newline and a tab is listed and shown with those
// characters escaped, on a terminal and in a pipe (one tab-separated row
// per app), and exactly in JSON.
func TestNamesFromGraphCannotSteerTheTerminal(t *testing.T) {
	env, _ := emulatorEnvAndServer(t, nil)
	name := "esc\x1b[31mRED\x07 new\nline\ttab"
	escaped := `esc\x1b[31mRED\x07 new\nline\ttab`
	code, created, errOut := runWith(env, "app", "create", "--name", name, "--delegated", "User.Read", "-o", "json")
	var app struct{ AppID string }
	if err := json.Unmarshal([]byte(created), &app); code != 0 || err != nil || app.AppID == "" {
		t.Fatalf("app create: exit %d, %v\n%s%s", code, err, created, errOut)
	}
	for _, tty := range []bool{false, true} {
		for _, args := range [][]string{{"app", "list"}, {"app", "show", app.AppID}} {
			ios, _, out, errOut := iostreams.Test()
			ios.SetStdoutTTY(tty)
			code := teamsctl.Run(context.Background(), args, teamsctl.Deps{IOStreams: ios, Getenv: func(k string) string { return env[k] }, Now: time.Now})
			text := out.String()
			if code != 0 {
				t.Errorf("tty=%v %v: exit %d\n%s", tty, args, code, errOut)
			}
			if strings.Contains(text, "\x1b[31mRED") || strings.Contains(text, "\x07") || strings.Contains(text, "new\nline") || strings.Contains(text, "line\ttab") {
				t.Errorf("tty=%v %v: control characters reached the output:\n%q", tty, args, text)
			}
			if !strings.Contains(text, escaped) {
				t.Errorf("tty=%v %v: the name is not shown escaped:\n%q", tty, args, text)
			}
			if !tty && args[1] == "list" {
				for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
					if strings.Count(line, "\t") != 2 {
						t.Errorf("app list row has %d tabs, want 2: %q", strings.Count(line, "\t"), line)
					}
				}
			}
		}
	}
	_, out, _ := runWith(env, "app", "list", "-o", "json")
	if !strings.Contains(out, `"displayName": "esc\u001b[31mRED\u0007 new\nline\ttab"`) {
		t.Errorf("JSON does not keep the name exact:\n%s", out)
	}
}
