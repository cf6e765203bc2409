// Package devicecode implements `teamsctl sandbox approve-device-code`.
package devicecode

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/sandbox"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of sandbox approve-device-code.
type Options struct {
	IO       *iostreams.IOStreams
	Config   func() (*config.Config, error)
	UserCode string
	User     string
	Decline  bool
}

// Result says what happened to the code.
type Result struct {
	UserCode string `json:"userCode"`
	User     string `json:"user,omitempty"`
	Outcome  string `json:"outcome"` // approved or declined
}

// NewCmdApprove builds the command; runF replaces the run step in tests.
func NewCmdApprove(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "approve-device-code CODE",
		Short: "Sign in to a waiting device-code login as a sandbox user",
		Long: `The sandbox has no sign-in web page. When a device-code sign-in against the
sandbox waits for "the user" to enter CODE, this command plays that user: it
signs in as --user (the seed admin by default) and approves, or with
--decline refuses. Consent, assignment and Conditional Access rules apply to
that user as they would in Entra.`,
		Example: `  teamsctl sandbox approve-device-code FJ3KQ7PLM --user rita.recruiter@contoso.onmicrosoft.com`,
		Args:    cmdutil.ExactArgs("CODE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.UserCode = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return approveRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.User, "user", "admin@contoso.onmicrosoft.com", "User (UPN) who signs in")
	cmd.Flags().BoolVar(&opts.Decline, "decline", false, "Refuse the sign-in instead")
	return cmd
}

func approveRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	sb, err := sandbox.OpenForConfig(ctx, cfg.Dir())
	if err != nil {
		return err
	}
	result := Result{UserCode: opts.UserCode, User: opts.User, Outcome: "approved"}
	err = sb.Do(ctx, func(s *emulator.Server) error {
		if opts.Decline {
			result.Outcome, result.User = "declined", ""
			return s.DeclineDeviceCode(opts.UserCode)
		}
		return s.ApproveDeviceCode(opts.UserCode, opts.User)
	})
	if err != nil {
		return err
	}
	return cmdutil.Print(opts.IO, cfg.Output, result, cmdutil.Method(Result.render))
}

func (r Result) render(w io.Writer, s *ui.Styles) error {
	if !s.Terminal() {
		return nil
	}
	if r.Outcome == "declined" {
		_, err := fmt.Fprintf(w, "%s Declined sign-in %s\n", s.SuccessMark(), r.UserCode)
		return err
	}
	_, err := fmt.Fprintf(w, "%s Signed in as %s for code %s\n", s.SuccessMark(), r.User, r.UserCode)
	return err
}
