// Package golden compares test output with files under testdata/ and
// rewrites them when tests run with -update.
//
// Only test code imports it. The -update flag is registered by this
// package, so every test binary that imports it accepts -update:
//
//	go test ./cmd/teamsctl ./internal/cmd/root ./internal/cmdutil -update
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files and testscript expectations")

// Update reports whether -update was given.
func Update() bool { return *update }

// Assert compares got with testdata/<name>.golden. ANSI escape sequences
// are stored as the text \x1b so styling changes show up in diffs.
func Assert(t *testing.T, name string, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	got = strings.ReplaceAll(got, "\x1b", `\x1b`)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (rerun with -update and review the diff)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
