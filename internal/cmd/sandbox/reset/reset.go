// Package reset implements `teamsctl sandbox reset`.
package reset

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/sandbox"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of sandbox reset.
type Options struct {
	IO       *iostreams.IOStreams
	Config   func() (*config.Config, error)
	SeedFile string
}

// Result names the tenant the sandbox now holds.
type Result struct {
	Tenant string `json:"tenant"`
	Seed   string `json:"seed"`
}

// NewCmdReset builds the command; runF replaces the run step in tests.
func NewCmdReset(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Start the sandbox tenant over from its seed",
		Long: `Throw away everything done in the sandbox tenant (apps, consent, sign-ins,
meetings, faults) and start again from the built-in Contoso fixture or --seed.
Your sandbox sign-in stays valid.`,
		Example: `  teamsctl sandbox reset
  teamsctl sandbox reset --seed ./hardened-tenant.yaml`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return resetRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.SeedFile, "seed", "", "Tenant fixture (YAML or JSON) to start from instead of Contoso")
	return cmd
}

func resetRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	dir := sandbox.Dir(cfg.Dir())
	if err := sandbox.Reset(ctx, dir, opts.SeedFile); err != nil {
		return err
	}
	sb, err := sandbox.Open(ctx, dir, sandbox.Options{})
	if err != nil {
		return err
	}
	st, err := sb.Server.Snapshot()
	if err != nil {
		return err
	}
	result := Result{Tenant: st.HomeTenant().DefaultDomain(), Seed: opts.SeedFile}
	if result.Seed == "" {
		result.Seed = "built-in Contoso"
	}
	return cmdutil.Print(opts.IO, cfg.Output, result, result.render)
}

func (r Result) render(w io.Writer, s *ui.Styles) error {
	if !s.Terminal() {
		return nil
	}
	_, err := fmt.Fprintf(w, "%s The sandbox tenant %s starts over from %s\n", s.SuccessMark(), r.Tenant, r.Seed)
	return err
}
