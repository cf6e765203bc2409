// Package cmdtest builds the fixtures command tests share: a Factory on
// test streams whose configuration comes from a temporary directory.
package cmdtest

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
)

// Now is the fixed time test factories report.
var Now = time.Date(2025, 6, 2, 9, 30, 0, 0, time.UTC)

// Env is a Factory plus the buffers behind its streams.
type Env struct {
	Factory *cmdutil.Factory
	IO      *iostreams.IOStreams
	Out     *bytes.Buffer
	ErrOut  *bytes.Buffer
	// ConfigPath is config.yaml in the temporary configuration directory.
	ConfigPath string
}

// New returns a test Env. configYAML, when not empty, is written as
// config.yaml; env holds extra environment variables (TEAMSCTL_*).
func New(t *testing.T, configYAML string, env map[string]string) *Env {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, config.FileName)
	if configYAML != "" {
		if err := os.WriteFile(path, []byte(configYAML), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	getenv := func(k string) string {
		if k == config.EnvConfigDir {
			return dir
		}
		return env[k]
	}
	ios, _, out, errOut := iostreams.Test()
	f := &cmdutil.Factory{
		IOStreams: ios,
		Config: func() (*config.Config, error) {
			return cmdutil.CheckedConfig(config.Load(config.LoadOptions{Getenv: getenv}))
		},
		Now:    func() time.Time { return Now },
		Getenv: getenv,
	}
	return &Env{Factory: f, IO: ios, Out: out, ErrOut: errOut, ConfigPath: path}
}

// ReadConfig returns config.yaml as written by the command under test.
func (e *Env) ReadConfig(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(e.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// Execute runs cmd with a space-separated argument line, as the root
// command would, with cobra's own output discarded.
func Execute(cmd *cobra.Command, argLine string) error {
	cmd.SetArgs(strings.Fields(argLine))
	cmd.SetIn(&bytes.Buffer{})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceErrors = true
	cmd.SilenceUsage = true
	_, err := cmd.ExecuteC()
	return err
}

// WantUsageError fails the test unless err is a usage error (exit code 2)
// whose message contains want.
func WantUsageError(t *testing.T, err error, want string) {
	t.Helper()
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitUsage || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v (exit %d), want a usage error containing %q", err, code, want)
	}
}
