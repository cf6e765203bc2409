// Package secret implements `teamsctl app secret add|list|remove`.
package secret

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// NewCmdSecret builds `teamsctl app secret`.
func NewCmdSecret(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "secret <command>",
		Short: "Add, list, rotate and remove an app's client secrets",
		Args:  cobra.ArbitraryArgs,
		RunE:  cmdutil.RunGroup,
	}
	cmd.AddCommand(NewCmdAdd(f, nil), NewCmdList(f, nil), NewCmdRemove(f, nil), NewCmdRotate(f, nil))
	return cmd
}

// AddOptions are the inputs of app secret add.
type AddOptions struct {
	shared.Deps
	App        string
	Name       string
	Expires    string
	End        time.Time
	EndGiven   bool
	SecretFile string
	Force      bool
}

// NewCmdAdd builds `app secret add`; runF replaces the run step in tests.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{Deps: shared.FromFactory(f)}
	cmd := &cobra.Command{
		Use:   "add APP",
		Short: "Add a client secret and print its value once",
		Long: `Add a client secret to an app registration. Its value is printed once (or
written to --secret-file with mode 0600, which is never overwritten without
--force) and never logged: store it now, Entra cannot show it again.

The tenant's app management policy is honoured: a lifetime over its cap is
refused (or capped, with a warning, when --expires is not given), and when
secrets are blocked the error explains the certificate alternative
('teamsctl app cert add').`,
		Example: `  teamsctl app secret add "elevato - MS Teams integration" --expires 180d --secret-file elevato.secret`,
		Args:    cmdutil.ExactArgs("APP"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.App = args[0]
			if opts.Expires != "" {
				end, err := appreg.ParseExpiry(opts.Expires, opts.Now())
				if err != nil {
					return cmdutil.FlagErrorf("--expires: %v", err)
				}
				opts.End, opts.EndGiven = end, true
			}
			if err := appreg.CheckOutputFile(opts.SecretFile, opts.Force); err != nil {
				return cmdutil.FlagErrorf("--secret-file: %v", err)
			}
			if runF != nil {
				return runF(opts)
			}
			return addRun(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.Name, "name", "teamsctl", "Description of the secret")
	fs.StringVar(&opts.Expires, "expires", "", "Lifetime (180d, 26w, 6m, 1y) or end date (2026-12-31); default 180d")
	fs.StringVar(&opts.SecretFile, "secret-file", "", "Write the value to this file (mode 0600) instead of printing it")
	fs.BoolVar(&opts.Force, "force", false, "Overwrite an existing --secret-file")
	return cmd
}

// AddResult is the new secret; Value is set only when it was printed.
type AddResult struct {
	AppID       string    `json:"appId"`
	DisplayName string    `json:"displayName"`
	KeyID       string    `json:"keyId"`
	Name        string    `json:"name"`
	Hint        string    `json:"hint"`
	EndDateTime time.Time `json:"endDateTime"`
	Value       string    `json:"value,omitempty"`
	WrittenTo   string    `json:"writtenTo,omitempty"`
}

// listNeeds are what secret list reads: the app registration. addNeeds
// also add a secret within the tenant's app management policy;
// removeNeeds remove one.
var (
	listNeeds   = permissions.Of(permissions.ReadApplications)
	addNeeds    = permissions.Of(permissions.ReadApplications, permissions.WriteApplications, permissions.ReadAppManagementPolicy)
	removeNeeds = permissions.Of(permissions.ReadApplications, permissions.WriteApplications)
)

func addRun(ctx context.Context, opts *AddOptions) error {
	g, err := opts.Graph(ctx, addNeeds...)
	if err != nil {
		return err
	}
	app, err := appreg.Find(ctx, g, opts.App)
	if err != nil {
		return err
	}
	now := opts.Now()
	d := &appreg.Desired{Secret: true, SecretName: opts.Name, SecretEnd: opts.End, SecretEndExplicit: opts.EndGiven}
	if d.SecretEnd.IsZero() {
		d.SecretEnd = now.Add(appreg.DefaultSecretLifetime).UTC().Truncate(time.Second)
	}
	if p, err := g.DefaultAppManagementPolicy(ctx); err == nil {
		if err := appreg.CheckSecretPolicy(p, d, now, opts.Warn); err != nil {
			return err
		}
	}
	if err := consent.CheckRoles(ctx, g, "", consent.OpManageApps); err != nil {
		return err
	}
	var cred *graph.PasswordCredential
	err = opts.Waiter(0).Do(ctx, "adding a secret to "+app.DisplayName, func(ctx context.Context) error {
		var err error
		cred, err = g.AddPassword(ctx, app.ID, graph.PasswordCreate{DisplayName: d.SecretName, EndDateTime: d.SecretEnd})
		return err
	})
	opts.IO.StopProgress()
	if err != nil {
		return err
	}
	res := &AddResult{AppID: app.AppID, DisplayName: app.DisplayName, KeyID: cred.KeyID, Name: cred.DisplayName, Hint: cred.Hint,
		EndDateTime: cred.EndDateTime, Value: cred.SecretText}
	if opts.SecretFile != "" {
		if err := appreg.WriteSecretFile(opts.SecretFile, []byte(cred.SecretText+"\n")); err != nil {
			return fmt.Errorf("the secret (key id %s) was added but could not be written: %w; remove it with 'teamsctl app secret remove %s %s'", cred.KeyID, err, app.AppID, cred.KeyID)
		}
		res.Value, res.WrittenTo = "", opts.SecretFile
	} else {
		fmt.Fprintln(opts.IO.ErrOut, "The secret value is shown once: store it now.")
	}
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *AddResult) error {
		fields := []ui.Field{{Key: "Application (client) ID", Value: res.AppID}, {Key: "Key ID", Value: res.KeyID},
			{Key: "Name", Value: res.Name}, {Key: "Expires", Value: res.EndDateTime.Format("2006-01-02")}}
		if res.Value != "" {
			fields = append(fields, ui.Field{Key: "Client secret", Value: res.Value})
		} else {
			fields = append(fields, ui.Field{Key: "Client secret", Value: "written to " + res.WrittenTo})
		}
		return s.KeyValues(w, fields)
	})
}

// ListOptions are the inputs of app secret list.
type ListOptions struct {
	shared.Deps
	App string
}

// ListResult is an app's secrets.
type ListResult struct {
	AppID       string              `json:"appId"`
	DisplayName string              `json:"displayName"`
	Secrets     []appreg.Credential `json:"secrets"`
}

// NewCmdList builds `app secret list`; runF replaces the run step in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Deps: shared.FromFactory(f)}
	return &cobra.Command{
		Use:   "list APP",
		Short: "List an app's client secrets and when they expire",
		Long: `List an app registration's client secrets: name, key id, the first
characters of the value (hint), start, end and status (valid, expiring within
30 days, or expired). Values cannot be shown again.`,
		Example: `  teamsctl app secret list "elevato - MS Teams integration"`,
		Args:    cmdutil.ExactArgs("APP"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.App = args[0]
			if runF != nil {
				return runF(opts)
			}
			g, err := opts.Graph(cmd.Context(), listNeeds...)
			if err != nil {
				return err
			}
			app, err := appreg.Find(cmd.Context(), g, opts.App)
			if err != nil {
				return err
			}
			res := &ListResult{AppID: app.AppID, DisplayName: app.DisplayName, Secrets: appreg.Secrets(app, opts.Now())}
			return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *ListResult) error {
				return CredentialTable(w, s, res.Secrets)
			})
		},
	}
}

// CredentialTable renders secrets or certificates.
func CredentialTable(w io.Writer, s *ui.Styles, list []appreg.Credential) error {
	rows := [][]string{}
	for _, c := range list {
		id := c.Hint
		if c.Kind == "certificate" {
			id = c.Thumbprint
		}
		rows = append(rows, []string{c.Name, c.KeyID, id, c.StartDateTime.Format("2006-01-02"), c.EndDateTime.Format("2006-01-02"), c.Status})
	}
	idHeader := "HINT"
	if len(list) > 0 && list[0].Kind == "certificate" {
		idHeader = "THUMBPRINT"
	}
	return s.Table(w, []string{"NAME", "KEY ID", idHeader, "START", "END", "STATUS"}, rows)
}

// RemoveOptions are the inputs of app secret remove.
type RemoveOptions struct {
	shared.Deps
	App   string
	KeyID string
	Yes   bool
}

// RemoveResult is the removed secret.
type RemoveResult struct {
	AppID   string            `json:"appId"`
	Removed appreg.Credential `json:"removed"`
}

// NewCmdRemove builds `app secret remove`; runF replaces the run step in tests.
func NewCmdRemove(f *cmdutil.Factory, runF func(*RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{Deps: shared.FromFactory(f)}
	cmd := &cobra.Command{
		Use:   "remove APP KEYID",
		Short: "Remove a client secret (asks first)",
		Long: `Remove a client secret by key id (or its first 8 or more characters), as
'teamsctl app secret list' shows it. A vendor still using it can no longer
sign in. Asks on a terminal; elsewhere pass --yes.`,
		Example: `  teamsctl app secret remove "elevato - MS Teams integration" 3f1c2b7a --yes`,
		Args:    cmdutil.ExactArgs("APP", "KEYID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.App, opts.KeyID = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return removeRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "Do not ask for confirmation")
	return cmd
}

func removeRun(ctx context.Context, opts *RemoveOptions) error {
	g, err := opts.Graph(ctx, removeNeeds...)
	if err != nil {
		return err
	}
	app, err := appreg.Find(ctx, g, opts.App)
	if err != nil {
		return err
	}
	c, err := appreg.FindCredential(appreg.Secrets(app, opts.Now()), opts.KeyID)
	if err != nil {
		return cmdutil.WithHint(fmt.Errorf("%s: %w", app.DisplayName, err), "Run 'teamsctl app secret list APP' to see the key ids.")
	}
	if err := shared.Confirm(opts.IO, opts.Yes, fmt.Sprintf("Remove secret %q (%s) of %s", c.Name, c.KeyID, app.DisplayName)); err != nil {
		return err
	}
	if err := g.RemovePassword(ctx, app.ID, c.KeyID); err != nil {
		return err
	}
	res := &RemoveResult{AppID: app.AppID, Removed: *c}
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *RemoveResult) error {
		fmt.Fprintf(w, "%s Removed secret %s (%s)\n", s.SuccessMark(), c.Name, c.KeyID)
		return nil
	})
}
