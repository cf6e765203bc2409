// Package shared holds what the app and consent commands share: the Graph
// scopes they sign in with, the replication waiter with progress on
// stderr, permission-name resolution and the tenant facts of a hand-off.
package shared

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/replicate"
	"github.com/teamsctl/teamsctl/internal/retry"
	"github.com/teamsctl/teamsctl/internal/sandbox"
)

// Deps are the factory members the app and consent commands use.
type Deps struct {
	IO        *iostreams.IOStreams
	Config    func() (*config.Config, error)
	Graph     func(ctx context.Context, needs ...auth.Need) (graph.Client, error)
	Endpoints func() (auth.Endpoints, error)
	Now       func() time.Time
	Getenv    func(string) string
	// Sleep replaces the replication backoff's sleep in tests.
	Sleep func(ctx context.Context, d time.Duration) error
}

// FromFactory copies the members.
func FromFactory(f *cmdutil.Factory) Deps {
	return Deps{IO: f.IOStreams, Config: f.Config, Graph: f.Graph, Endpoints: f.Endpoints, Now: f.Now, Getenv: f.Getenv, Sleep: f.Sleep}
}

// EnvReplicationTimeout overrides the replication budget (a Go duration).
const EnvReplicationTimeout = "TEAMSCTL_REPLICATION_TIMEOUT"

// Waiter is the replication waiter: the retry policy's backoff within
// timeout (0: two minutes, or TEAMSCTL_REPLICATION_TIMEOUT), reporting
// each wait on stderr.
func (d Deps) Waiter(timeout time.Duration) *replicate.Waiter {
	w := replicate.Default()
	if timeout == 0 && d.Getenv != nil {
		if v, err := time.ParseDuration(d.Getenv(EnvReplicationTimeout)); err == nil {
			timeout = v
		}
	}
	if timeout > 0 {
		w.Policy.Budget = timeout
	}
	if d.Sleep != nil {
		w.Policy.Sleep = d.Sleep
	}
	if d.Getenv != nil {
		if v, err := strconv.ParseFloat(d.Getenv("TEAMSCTL_REPLICATION_BASE_DELAY_SECONDS"), 64); err == nil && v > 0 {
			w.Policy.BaseDelay = time.Duration(v * float64(time.Second))
		}
	}
	w.Policy = withSleep(w.Policy)
	w.Progress = func(msg string) {
		if d.IO.IsStderrTTY() {
			d.IO.StartProgress(msg)
			return
		}
		fmt.Fprintln(d.IO.ErrOut, msg)
	}
	return w
}

func withSleep(p retry.Policy) retry.Policy {
	if p.Sleep == nil {
		p.Sleep = retry.Default().Sleep
	}
	return p
}

// Warn prints a warning on stderr.
func (d Deps) Warn(msg string) {
	s := d.IO.ErrStyles()
	fmt.Fprintf(d.IO.ErrOut, "%s %s\n", s.Warn.Render("warning:"), msg)
}

// Permissions returns a loader of permission catalogs, cached in the
// configuration directory for the tenant of the Graph endpoint (and, in
// the sandbox, for the build of its tenant).
func (d Deps) Permissions(g permissions.Source, tenantID string) *permissions.Loader {
	l := &permissions.Loader{Source: g, Tenant: tenantID, Now: d.Now}
	if cfg, err := d.Config(); err == nil {
		l.Dir = cfg.Dir()
		if d.Endpoints != nil {
			if ep, err := d.Endpoints(); err == nil {
				l.Scope = ep.GraphURL
			}
		}
		if cfg.Sandbox {
			l.Scope += " " + sandbox.SeedGeneration(sandbox.Dir(cfg.Dir()))
		}
	}
	if d.Getenv != nil && d.Getenv("TEAMSCTL_NO_CACHE") != "" {
		l.Dir = ""
	}
	return l
}

// ResolvePermissions parses and resolves --delegated and --application
// names against Microsoft Graph.
func ResolvePermissions(ctx context.Context, l *permissions.Loader, delegated, application []string) (del, app []permissions.Permission, err error) {
	if len(delegated)+len(application) == 0 {
		return nil, nil, nil
	}
	cat, err := l.Load(ctx, graph.MicrosoftGraphAppID)
	if err != nil {
		return nil, nil, err
	}
	del, derr := cat.Resolve(permissions.Delegated, delegated)
	app, aerr := cat.Resolve(permissions.Application, application)
	if err := errors.Join(derr, aerr); err != nil {
		// A misspelt or misplaced name is a usage error (exit 2).
		return nil, nil, &cmdutil.FlagError{Err: err, HintText: cmdutil.HintFor(err)}
	}
	return del, app, nil
}

// ConsentURL returns a function building the admin-consent link for an
// appId in the signed-in tenant, for hints.
func (d Deps) ConsentURL(tenant string) func(appID string) string {
	return func(appID string) string {
		ep, err := d.Endpoints()
		if err != nil {
			return ""
		}
		return consent.AdminConsentURL(consent.URLRequest{LoginURL: ep.LoginURL, Tenant: tenant, ClientID: appID})
	}
}

// Output is the resolved output format.
func (d Deps) Output() string {
	cfg, err := d.Config()
	if err != nil {
		return ""
	}
	return cfg.Output
}

// Confirm asks before a destructive step: yes on a TTY answer, --yes, or
// a refusal telling the user to pass --yes.
func Confirm(io *iostreams.IOStreams, yes bool, question string) error {
	if yes {
		return nil
	}
	if !io.CanPrompt() {
		return cmdutil.FlagErrorWithHint(fmt.Errorf("%s: refusing without confirmation", question),
			"Pass --yes to confirm when not running in a terminal.")
	}
	fmt.Fprintf(io.ErrOut, "%s [y/N] ", question)
	var answer string
	fmt.Fscanln(io.In, &answer)
	if answer == "y" || answer == "Y" || answer == "yes" {
		return nil
	}
	return &cmdutil.CancelError{Reason: "not confirmed"}
}

// Exists reports whether a file exists (for tests).
func Exists(path string) bool { _, err := os.Stat(path); return err == nil }
