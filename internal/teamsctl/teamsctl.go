// Package teamsctl runs the CLI: it builds the factory and the command
// tree, executes, reports the error once and maps it to the exit code.
package teamsctl

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/cmd/factory"
	"github.com/teamsctl/teamsctl/internal/cmd/root"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/retry"
)

// Deps is what Run takes from the outside world, so tests can supply
// streams, environment and clock.
type Deps struct {
	IOStreams *iostreams.IOStreams
	Getenv    func(string) string
	Now       func() time.Time
	// Sleep, when set, replaces the client's own waits (retries,
	// replication): benchmarks and soak tests run on a virtual clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// Browser, when set, replaces the system browser of browser sign-ins:
	// in-process tests play the test user of meeting test and setup.
	Browser auth.Browser
}

// Main runs teamsctl in this process and returns the exit code.
// SIGINT and SIGTERM cancel the command's context; a second Ctrl-C
// kills the process as usual.
func Main() int {
	return MainWith(Deps{IOStreams: iostreams.System(os.Getenv), Getenv: os.Getenv, Now: time.Now})
}

// MainWith is Main with the caller's dependencies: benchmark child
// processes play the test user's browser.
func MainWith(deps Deps) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	return Run(ctx, os.Args[1:], deps)
}

// Run executes one command line and returns the exit code.
func Run(ctx context.Context, args []string, deps Deps) int {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var rootCmd *cobra.Command
	f := factory.New(deps.IOStreams, deps.Getenv, deps.Now, func() *pflag.FlagSet { return rootCmd.PersistentFlags() })
	f.Sleep = deps.Sleep
	if deps.Browser != nil {
		f.Browser = deps.Browser
	}
	limit := limitTime(f, cancel) // before the commands copy f.Config
	defer limit.stop()
	rootCmd = root.NewCmdRoot(f)
	rootCmd.PersistentPreRun = func(c *cobra.Command, _ []string) { limit.running.Store(c) }
	rootCmd.SetArgs(args)
	cmd, err := rootCmd.ExecuteContextC(ctx)
	if err != nil && ctx.Err() != nil {
		err = interrupted(ctx, err)
	}
	cmdutil.ReportError(deps.IOStreams, cmd, err)
	return cmdutil.ExitCode(err)
}

// timeLimit applies the --timeout: once the running command has loaded
// the configuration (every command that can wait on the network does,
// before it waits), a timer cancels the command's context with a
// *cmdutil.TimeoutError when the limit, counted from the start, is
// reached. Help, usage errors and commands annotated with
// cmdutil.AnnotationNoTimeout (a server) have none.
type timeLimit struct {
	start time.Time
	// running is the command being run, known once its flags are parsed.
	running atomic.Pointer[cobra.Command]
	mu      sync.Mutex
	timer   *time.Timer
}

// limitTime wraps f.Config so that loading it starts the timer, which
// calls cancel.
func limitTime(f *cmdutil.Factory, cancel context.CancelCauseFunc) *timeLimit {
	l := &timeLimit{start: time.Now()}
	load := f.Config
	f.Config = func() (*config.Config, error) {
		cfg, err := load()
		c := l.running.Load()
		if err != nil || cfg.Timeout <= 0 || c == nil || c.Annotations[cmdutil.AnnotationNoTimeout] != "" {
			return cfg, err
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.timer == nil {
			limit := cfg.Timeout
			l.timer = time.AfterFunc(limit-time.Since(l.start), func() { cancel(&cmdutil.TimeoutError{Limit: limit}) })
		}
		return cfg, err
	}
	return l
}

func (l *timeLimit) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.timer != nil {
		l.timer.Stop()
	}
}

// interrupted is the error of a command whose context ended. Ctrl-C or
// SIGTERM: whatever failed, it failed because the user interrupted it.
// The --timeout: the error that names what was waited for (a request
// that kept being throttled) if there is one, else the timeout itself.
func interrupted(ctx context.Context, err error) error {
	var timeout *cmdutil.TimeoutError
	if !errors.As(context.Cause(ctx), &timeout) {
		return ctx.Err()
	}
	var stopped *retry.StoppedError
	if errors.As(err, &stopped) {
		return err
	}
	return timeout
}
