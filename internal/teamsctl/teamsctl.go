// Package teamsctl runs the CLI: it builds the factory and the command
// tree, executes, reports the error once and maps it to the exit code.
package teamsctl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/cmd/factory"
	"github.com/teamsctl/teamsctl/internal/cmd/root"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/iostreams"
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
	var rootCmd *cobra.Command
	f := factory.New(deps.IOStreams, deps.Getenv, deps.Now, func() *pflag.FlagSet { return rootCmd.PersistentFlags() })
	f.Sleep = deps.Sleep
	if deps.Browser != nil {
		f.Browser = deps.Browser
	}
	rootCmd = root.NewCmdRoot(f)
	rootCmd.SetArgs(args)
	cmd, err := rootCmd.ExecuteContextC(ctx)
	if err != nil && ctx.Err() != nil {
		// Whatever failed, it failed because the user interrupted it.
		err = ctx.Err()
	}
	reportError(deps.IOStreams, cmd, err)
	return cmdutil.ExitCode(err)
}

// reportError prints err once on stderr with its hint. Nothing else in
// teamsctl prints errors.
func reportError(ios *iostreams.IOStreams, cmd *cobra.Command, err error) {
	if err == nil || errors.Is(err, cmdutil.SilentError) {
		return
	}
	ios.StopProgress()
	w := ios.ErrOut
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(w, "cancelled")
		return
	}
	s := ios.ErrStyles()
	fmt.Fprintf(w, "%s %s\n", s.Fail.Render("error:"), err)
	hint := cmdutil.HintFor(err)
	var flagErr *cmdutil.FlagError
	if hint == "" && errors.As(err, &flagErr) && cmd != nil {
		hint = fmt.Sprintf("Run '%s --help' for usage.", cmd.CommandPath())
	}
	if hint != "" {
		fmt.Fprintf(w, "%s %s\n", s.Muted.Render("hint:"), hint)
	}
}
