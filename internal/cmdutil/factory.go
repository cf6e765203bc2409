// Package cmdutil holds what every command shares: the Factory of
// dependencies, the error types and their exit codes, flag helpers and the
// printer.
package cmdutil

import (
	"context"
	"net/http"
	"time"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/retry"
)

// Factory hands commands their dependencies. Members that cost anything
// (reading files, the network) are functions called on first use, so that
// --help, --version and usage errors stay instant and side-effect free.
//
// A command copies the members it needs into its Options struct in
// NewCmdX; tests build a Factory by hand with fakes.
//
// Lazy members come in dependency order: Config, Endpoints, HTTPClient,
// Auth, Graph.
type Factory struct {
	IOStreams *iostreams.IOStreams

	// Config loads and resolves the configuration once, on first call.
	Config func() (*config.Config, error)

	// Now is the clock. Secret expiries, token lifetimes and meeting times
	// use it, never time.Now, so tests can fix the time.
	Now func() time.Time

	// Sleep, when set, replaces every wait the client does on its own
	// (Retry-After, backoff, replication): benchmarks and soak tests run a
	// virtual clock. nil means real time.
	Sleep func(ctx context.Context, d time.Duration) error

	// Throttle is the throttle gate every Graph request of the invocation
	// honours: after a 429 or 503 with Retry-After, requests sent in
	// parallel wait too (see retry.Gate). nil gates nothing.
	Throttle *retry.Gate

	// Getenv reads the environment, e.g. TEAMSCTL_CLIENT_SECRET.
	Getenv func(string) string

	// Endpoints says where to sign in and where Graph is: the cloud's
	// endpoints, --login-url/--graph-url overrides, or the sandbox's.
	Endpoints func() (auth.Endpoints, error)

	// HTTPClient is the one client MSAL and Graph share: it trusts
	// --ca-file, serves --sandbox in-process, and traces with -v.
	HTTPClient func() (*http.Client, error)

	// Auth signs the selected profile in and hands out tokens.
	Auth func() (*auth.Authenticator, error)

	// Graph returns a Graph client whose tokens cover needs, what the
	// command needs of the sign-in (permissions.Of the Graph requests it
	// makes). It asks Entra for the permissions the sign-in already has
	// that satisfy each need, or the least privileged one of a need it
	// lacks, and gets a token first, so a missing sign-in or permission
	// fails before the command does anything, naming only what is missing.
	Graph func(ctx context.Context, needs ...auth.Need) (graph.Client, error)

	// GraphWithToken returns a Graph client whose requests carry the
	// tokens of source instead of the profile's sign-in: meeting test
	// calls Graph as the application under test.
	GraphWithToken func(source func(ctx context.Context) (auth.Token, error)) (graph.Client, error)

	// Browser opens the browser sign-in page.
	Browser auth.Browser

	// ForProfile returns a factory of the same invocation for another
	// profile, with its own configuration and sign-in, as if the command
	// had been run with --profile NAME (--all-profiles, --profiles).
	ForProfile func(profile string) *Factory
}
