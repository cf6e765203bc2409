// Package factory wires the real dependencies into a cmdutil.Factory.
package factory

import (
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/retry"
)

// New returns the production factory. Every member that does work is lazy
// and runs at most once per invocation.
//
// globalFlags returns the root command's persistent flags once they have
// been parsed; it is a function because the root command is built from
// the factory, after this call.
func New(ios *iostreams.IOStreams, getenv func(string) string, now func() time.Time, globalFlags func() *pflag.FlagSet) *cmdutil.Factory {
	return newFactory(ios, getenv, now, globalFlags, false)
}

// newFactory is New; perProfile says the factory is one profile's of a
// run across profiles (--all-profiles, --profiles), where --sandbox maps
// each profile's own tenant to a sandbox tenant instead of the sandbox's
// home tenant, so no two profiles read the same tenant under their names.
func newFactory(ios *iostreams.IOStreams, getenv func(string) string, now func() time.Time, globalFlags func() *pflag.FlagSet, perProfile bool) *cmdutil.Factory {
	// Reads config.yaml and TEAMSCTL_* and applies the global flags.
	load := sync.OnceValues(func() (*config.Config, error) {
		cfg, err := config.Load(config.LoadOptions{Getenv: getenv, Flags: globalFlags()})
		if err != nil {
			return nil, err
		}
		// no-color may come from the file or env, known only now;
		// iostreams still makes the decision.
		if cfg.NoColor {
			ios.DisableColor()
		}
		return cfg, nil
	})
	f := &cmdutil.Factory{
		IOStreams: ios,
		// The selected profile is checked on every call, against the file
		// as it is in memory: login adds a new profile before signing in.
		Config:   func() (*config.Config, error) { return cmdutil.CheckedConfig(load()) },
		Now:      now,
		Getenv:   getenv,
		Throttle: retry.NewGate(),
	}
	addSignIn(f, globalFlags, perProfile)
	addGraphWithToken(f)
	f.ForProfile = func(profile string) *cmdutil.Factory {
		return newFactory(ios, func(key string) string {
			if key == config.EnvProfile {
				return profile
			}
			return getenv(key)
		}, now, globalFlags, true)
	}
	return f
}
