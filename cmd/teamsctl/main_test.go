package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/teamsctl/teamsctl/internal/golden"
	"github.com/teamsctl/teamsctl/internal/teamsctl"
)

// TestMain lets scripts run `exec teamsctl ...`: the test binary re-executes
// itself as teamsctl, in-process code with real exit codes and coverage.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"teamsctl": func() { os.Exit(teamsctl.Main()) },
	})
}

// TestScripts runs testdata/script/*.txtar. Add a journey by adding a file;
// add environment for every script in setupScript, and script commands in
// Cmds (`exits CODE prog args...` checks an exact exit code). With -update, failing `cmp stdout` sections are rewritten.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		Setup:               setupScript,
		UpdateScripts:       golden.Update(),
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": cmdExits,
			"emu":   cmdEmu,
			// vendorseed FILE: Contoso plus test vendor apps (setup_test.go)
			"vendorseed": cmdVendorSeed,
			"stdout2env": cmdStdout2env,
			// tenantstate FILE: the tenant's state from `sandbox dump` (tenantstate_test.go)
			"tenantstate": cmdTenantState,
		},
	})
}

// cmdExits runs a program and checks its exit code, which plain `exec`
// cannot: `exits 2 teamsctl --bogus`. stdout and stderr are kept for the
// assertions that follow.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad exit code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("exits: %v", err)
		}
		got = exitErr.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// cmdStdout2env sets NAME to the first group of REGEXP in the last
// command's stdout, to pass an id on: `stdout2env KEY '"keyId": "(.+)"'`.
func cmdStdout2env(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: stdout2env NAME REGEXP")
	}
	re, err := regexp.Compile("(?m)" + args[1])
	ts.Check(err)
	m := re.FindStringSubmatch(ts.ReadFile("stdout"))
	if len(m) < 2 {
		ts.Fatalf("stdout2env: %q does not match stdout (or has no group)", args[1])
	}
	ts.Setenv(args[0], m[1])
}

// setupScript gives each script a private home and config directory and
// switches off colour and prompts, so output is stable and nothing waits.
func setupScript(env *testscript.Env) error {
	env.Setenv("HOME", env.WorkDir)
	env.Setenv("TEAMSCTL_CONFIG_DIR", env.WorkDir)
	env.Setenv("NO_COLOR", "1")
	env.Setenv("TEAMSCTL_NO_PROMPT", "1")
	// Under -race every process sleeps atexit_sleep_ms (1 s by default)
	// before it exits, to catch races at exit: a second per `exec teamsctl`,
	// most of the scripts' time. The tests run under -race themselves.
	env.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	return nil
}
