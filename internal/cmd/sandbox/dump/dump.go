// Package dump implements `teamsctl sandbox dump`.
package dump

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/sandbox"
)

// Options are the inputs of sandbox dump.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
}

// NewCmdDump builds the command; runF replaces the run step in tests.
func NewCmdDump(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "dump",
		Short: "Print the sandbox tenant's state as JSON",
		Long: `Print the whole state of the sandbox tenant (users, groups, app registrations,
enterprise apps, consent grants, assignments, policies, meetings, sign-in log)
as JSON. Client secrets, refresh tokens and codes are redacted and the token
signing key left out.`,
		Example: `  teamsctl sandbox dump | jq '.tenants[0].applications'`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return dumpRun(cmd.Context(), opts)
		},
	}
}

func dumpRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	sb, err := sandbox.OpenForConfig(ctx, cfg.Dir())
	if err != nil {
		return err
	}
	raw, err := sb.Server.Dump(false)
	if err != nil {
		return err
	}
	// The state is JSON in either output mode: it has no useful text form.
	_, err = opts.IO.Out.Write(raw)
	return err
}
