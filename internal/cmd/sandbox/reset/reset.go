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
Your sandbox sign-in stays valid.

--seed takes a built-in fixture by name or a fixture file (YAML or JSON):
  contoso  Contoso (default): Microsoft 365 E3 and Entra ID P1, Conditional
           Access, nested groups, users without a mailbox or without Teams
  smb      Fabrikam: Microsoft 365 Business Standard without Entra ID P1,
           security defaults instead of Conditional Access
Write ./NAME to read a file whose name is a built-in name.`,
		Example: `  teamsctl sandbox reset
  teamsctl sandbox reset --seed smb
  teamsctl sandbox reset --seed ./hardened-tenant.yaml`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return resetRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.SeedFile, "seed", "", "Built-in fixture (contoso, smb) or fixture file (YAML or JSON) to start from")
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
	return cmdutil.Print(opts.IO, cfg.Output, result, cmdutil.Method(Result.render))
}

func (r Result) render(w io.Writer, s *ui.Styles) error {
	// Said when piped too: a reset that prints nothing looked like one that
	// did nothing.
	_, err := fmt.Fprintf(w, "%s The sandbox tenant %s starts over from %s\n", s.SuccessMark(), r.Tenant, r.Seed)
	return err
}
