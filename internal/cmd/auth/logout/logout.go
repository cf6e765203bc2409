// Package logout implements `teamsctl logout`.
package logout

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of logout.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Auth   func() (*auth.Authenticator, error)
	All    bool
}

// Result lists the profiles signed out; its JSON is the contract of -o json.
type Result struct {
	SignedOut []Profile `json:"signedOut"`
}

// Profile is one signed-out profile.
type Profile struct {
	Profile string    `json:"profile"`
	Account string    `json:"account,omitempty"`
	Mode    auth.Mode `json:"mode,omitempty"`
}

// NewCmdLogout builds the command; runF replaces the run step in tests.
func NewCmdLogout(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, Auth: f.Auth}
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Remove the saved sign-in",
		Long: `Remove the selected profile's saved sign-in: its cached tokens and the record
of how it signed in. With --all, every profile's.

Nothing is revoked in Entra ID; to end sessions everywhere, an administrator
can revoke the user's sessions in the Entra admin center.`,
		Example: `  teamsctl logout
  teamsctl logout --profile fabrikam
  teamsctl logout --all`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return logoutRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "Sign out of every profile")
	return cmd
}

func logoutRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	a, err := opts.Auth()
	if err != nil {
		return err
	}
	result := Result{SignedOut: []Profile{}}
	if opts.All {
		out, err := a.LogoutAll(ctx)
		if err != nil {
			return err
		}
		for _, o := range out {
			result.SignedOut = append(result.SignedOut, profile(o.Profile, o.Session))
		}
	} else {
		s, err := a.Logout(ctx)
		if err != nil {
			return err
		}
		result.SignedOut = append(result.SignedOut, profile(cfg.Profile, s))
	}
	return cmdutil.Print(opts.IO, cfg.Output, result, cmdutil.Method(Result.render))
}

func profile(name string, s *auth.Session) Profile {
	p := Profile{Profile: name}
	if s != nil {
		p.Account, p.Mode = s.Account, s.Mode
	}
	return p
}

func (r Result) render(w io.Writer, s *ui.Styles) error {
	if !s.Terminal() {
		rows := make([][]string, len(r.SignedOut))
		for i, p := range r.SignedOut {
			rows[i] = []string{p.Profile, p.Account}
		}
		return s.Table(w, nil, rows)
	}
	if len(r.SignedOut) == 0 {
		_, err := fmt.Fprintln(w, "No profile was signed in.")
		return err
	}
	for _, p := range r.SignedOut {
		var err error
		if p.Account == "" {
			_, err = fmt.Fprintf(w, "%s Profile %s was not signed in.\n", s.SuccessMark(), p.Profile)
		} else {
			_, err = fmt.Fprintf(w, "%s Signed %s out of profile %s.\n", s.SuccessMark(), p.Account, p.Profile)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
