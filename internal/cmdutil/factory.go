// Package cmdutil holds what every command shares: the Factory of
// dependencies, the error types and their exit codes, flag helpers and the
// printer.
package cmdutil

import (
	"time"

	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
)

// Factory hands commands their dependencies. Members that cost anything
// (reading files, the network) are functions called on first use, so that
// --help, --version and usage errors stay instant and side-effect free.
//
// A command copies the members it needs into its Options struct in
// NewCmdX; tests build a Factory by hand with fakes.
//
// Later issues add lazy members here, in dependency order: Endpoints
// (login and Graph URLs from cloud and overrides), Auth (MSAL sign-in and
// token cache), Graph (the Graph client) and Sandbox (the in-process
// emulated tenant).
type Factory struct {
	IOStreams *iostreams.IOStreams

	// Config loads and resolves the configuration once, on first call.
	Config func() (*config.Config, error)

	// Now is the clock. Secret expiries, token lifetimes and meeting times
	// use it, never time.Now, so tests can fix the time.
	Now func() time.Time

	// Getenv reads the environment, e.g. TEAMSCTL_CLIENT_SECRET.
	Getenv func(string) string
}
