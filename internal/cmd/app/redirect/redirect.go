// Package redirect implements `teamsctl app redirect add|remove|list`.
package redirect

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/redirecturi"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Actions.
const (
	ActionAdd    = "add"
	ActionRemove = "remove"
	ActionList   = "list"
)

// Options are the inputs of the redirect commands.
type Options struct {
	shared.Deps
	Action   string
	App      string
	URIs     []string
	Platform string
	DryRun   bool
}

// Result is the platform's redirect URIs after the command.
type Result struct {
	DryRun       bool     `json:"dryRun"`
	AppID        string   `json:"appId"`
	DisplayName  string   `json:"displayName"`
	Platform     string   `json:"platform"`
	Added        []string `json:"added"`
	Removed      []string `json:"removed"`
	RedirectURIs []string `json:"redirectUris"`
}

const validHint = "Entra accepts https URIs (http only for localhost and 127.0.0.1), without #fragment, up to 256 characters and 256 URIs per app."

// NewCmdRedirect builds `teamsctl app redirect`.
func NewCmdRedirect(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "redirect <command>",
		Short: "Add, remove and list an app's redirect URIs",
		Args:  cobra.ArbitraryArgs,
		RunE:  cmdutil.RunGroup,
	}
	cmd.AddCommand(NewCmdAction(f, ActionAdd, nil), NewCmdAction(f, ActionRemove, nil), NewCmdAction(f, ActionList, nil))
	return cmd
}

// NewCmdAction builds one redirect command; runF replaces the run step in tests.
func NewCmdAction(f *cmdutil.Factory, action string, runF func(*Options) error) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f), Action: action}
	cmd := &cobra.Command{Args: cmdutil.MinimumArgs("APP", "URI...")}
	switch action {
	case ActionAdd:
		cmd.Use = "add APP URI..."
		cmd.Short = "Add redirect URIs, keeping every existing one"
		cmd.Long = `Add redirect URIs to an app registration's platform (web by default).
Every URI is checked as Entra checks it before anything is sent: https (http
only for localhost and 127.0.0.1), no #fragment, at most 256 characters, at
most 256 URIs per app. URIs already registered are kept, and adding one
that is there changes nothing.`
		cmd.Example = `  teamsctl app redirect add "elevato - MS Teams integration" https://elevato.net/Integrations/BusinessIntegration/Microsoft/OAuth2.aspx`
	case ActionRemove:
		cmd.Use = "remove APP URI..."
		cmd.Short = "Remove redirect URIs"
		cmd.Long = `Remove redirect URIs from an app registration's platform (web by default).
A URI that is not registered is an error and nothing is changed.`
		cmd.Example = `  teamsctl app redirect remove "elevato - MS Teams integration" https://old.example.com/cb`
	default:
		cmd.Use = "list APP"
		cmd.Short = "List an app's redirect URIs"
		cmd.Long = `List the redirect URIs of an app registration's platform (all platforms when
--platform is not given).`
		cmd.Example = `  teamsctl app redirect list "elevato - MS Teams integration"`
		cmd.Args = cmdutil.ExactArgs("APP")
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		opts.App, opts.URIs = args[0], args[1:]
		if action == ActionAdd {
			if err := redirecturi.ValidateAll(opts.URIs, opts.platform(), 0); err != nil {
				return cmdutil.FlagErrorWithHint(err, validHint)
			}
		}
		if runF != nil {
			return runF(opts)
		}
		return run(cmd.Context(), opts)
	}
	def := appreg.PlatformWeb
	if action == ActionList {
		def = ""
	}
	cmdutil.StringEnumFlag(cmd, cmd.Flags(), &opts.Platform, "platform", "", def, appreg.Platforms, "Platform of the redirect URIs")
	if action != ActionList {
		cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Print what would change and change nothing")
	}
	return cmd
}

func (o *Options) platform() string {
	if o.Platform == "" {
		return appreg.PlatformWeb
	}
	return o.Platform
}

// listNeeds are what redirect list reads: the app registration;
// changeNeeds also update its redirect URIs.
var (
	listNeeds   = permissions.Of(permissions.ReadApplications)
	changeNeeds = permissions.Of(permissions.ReadApplications, permissions.WriteApplications)
)

func run(ctx context.Context, opts *Options) error {
	needs := changeNeeds
	if opts.Action == ActionList {
		needs = listNeeds
	}
	g, err := opts.Graph(ctx, needs...)
	if err != nil {
		return err
	}
	app, err := appreg.Find(ctx, g, opts.App)
	if err != nil {
		return err
	}
	if opts.Action == ActionList {
		return list(opts, app.AppID, app.DisplayName, func(p string) []string { return appreg.RedirectURIs(app, p) })
	}
	p := opts.platform()
	have := appreg.RedirectURIs(app, p)
	res := &Result{DryRun: opts.DryRun, AppID: app.AppID, DisplayName: app.DisplayName, Platform: p, Added: []string{}, Removed: []string{}}
	var want []string
	if opts.Action == ActionAdd {
		want = slices.Clone(have)
		for _, u := range opts.URIs {
			if !slices.Contains(want, u) {
				want = append(want, u)
				res.Added = append(res.Added, u)
			}
		}
		if err := redirecturi.ValidateAll(res.Added, p, appreg.CountRedirectURIs(app)); err != nil {
			return cmdutil.FlagErrorWithHint(fmt.Errorf("%s: %w", app.DisplayName, err), validHint)
		}
	} else {
		for _, u := range opts.URIs {
			if !slices.Contains(have, u) {
				return fmt.Errorf("%s has no %s redirect URI %s (registered: %v); nothing was changed", app.DisplayName, p, u, have)
			}
		}
		for _, u := range have {
			if slices.Contains(opts.URIs, u) {
				res.Removed = append(res.Removed, u)
			} else {
				want = append(want, u)
			}
		}
	}
	res.RedirectURIs = want
	if len(res.Added)+len(res.Removed) > 0 && !opts.DryRun {
		if err := consent.CheckRoles(ctx, g, "", consent.OpManageApps); err != nil {
			return err
		}
		if err := g.UpdateApplication(ctx, app.ID, appreg.RedirectUpdate(app, p, want)); err != nil {
			return err
		}
	}
	if res.RedirectURIs == nil {
		res.RedirectURIs = []string{}
	}
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *Result) error {
		prefix := ""
		if res.DryRun {
			fmt.Fprintln(w, "Dry run, nothing was changed:")
			prefix = "would "
		}
		for _, u := range res.Added {
			fmt.Fprintf(w, "%s %sadd %s\n", s.SuccessMark(), prefix, u)
		}
		for _, u := range res.Removed {
			fmt.Fprintf(w, "%s %sremove %s\n", s.SuccessMark(), prefix, u)
		}
		if len(res.Added)+len(res.Removed) == 0 {
			fmt.Fprintln(w, "= nothing to change (already registered)")
		}
		return nil
	})
}

// ListResult is an app's redirect URIs by platform.
type ListResult struct {
	AppID        string              `json:"appId"`
	DisplayName  string              `json:"displayName"`
	RedirectURIs map[string][]string `json:"redirectUris"`
}

func list(opts *Options, appID, name string, uris func(string) []string) error {
	res := &ListResult{AppID: appID, DisplayName: name, RedirectURIs: map[string][]string{}}
	platforms := appreg.Platforms
	if opts.Platform != "" {
		platforms = []string{opts.Platform}
	}
	for _, p := range platforms {
		res.RedirectURIs[p] = uris(p)
	}
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *ListResult) error {
		for _, p := range platforms {
			for _, u := range res.RedirectURIs[p] {
				fmt.Fprintf(w, "%s\t%s\n", p, u)
			}
		}
		return nil
	})
}
