// Package url implements `teamsctl consent url`.
package url

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
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/redirecturi"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of consent url.
type Options struct {
	shared.Deps
	App         string
	Delegated   []string
	RedirectURI string
	// Preset fills APP and the permissions the link asks for.
	Preset cmdutil.PresetFlags
}

// Result is the admin-consent link.
type Result struct {
	URL         string `json:"url"`
	AppID       string `json:"appId"`
	DisplayName string `json:"displayName"`
	TenantID    string `json:"tenantId"`
	// Scopes are the delegated permissions the link asks for; empty means
	// everything the app's registration requires (the v1 form).
	Scopes      []string `json:"scopes"`
	RedirectURI string   `json:"redirectUri,omitempty"`
}

// NewCmdURL builds the command; runF replaces the run step in tests.
func NewCmdURL(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f)}
	var delegated []string
	cmd := &cobra.Command{
		Use:   "url APP",
		Short: "Print the admin-consent link to hand to an administrator",
		Long: `Print the link an administrator opens to consent for this tenant, for when
the one running teamsctl may not consent (see the roles 'consent grant'
names). The link is for the current cloud and the signed-in tenant.

With --delegated the link asks for exactly those Microsoft Graph
permissions (the v2.0 admin-consent endpoint); without it, for everything
the app's registration requires (the v1 form). APP is an app of this tenant
(name, appId or object id), a vendor's appId, or the admin-consent link the
vendor sent. Entra returns the admin to --redirect-uri, which must be
registered on the app.

--preset (a vendor preset, 'teamsctl presets list') or --preset-file fills
APP (the vendor's appId or the preset's app name) and the delegated
permissions; a preset with application permissions gets the v1 form, since
only it covers them.`,
		Example: `  teamsctl consent url "elevato - MS Teams integration"
  teamsctl consent url c0ec60b5-60a8-4768-8053-870f11315492 --delegated User.Read,OnlineMeetings.ReadWrite
  teamsctl consent url --preset ebms`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && (opts.Preset.Name != "" || opts.Preset.File != "") {
				return nil // APP from the preset
			}
			return cmdutil.ExactArgs("APP")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if len(args) == 1 {
				if opts.App, err = cmdutil.AppArg("APP", args[0]); err != nil {
					return err
				}
			}
			if err := applyPreset(opts, &delegated); err != nil {
				return err
			}
			if opts.Delegated, err = permissions.ParseLists(delegated); err != nil {
				return cmdutil.FlagErrorf("--delegated: %v", err)
			}
			if opts.RedirectURI != "" {
				if err := redirecturi.Validate(opts.RedirectURI, appreg.PlatformWeb); err != nil {
					return cmdutil.FlagErrorf("--redirect-uri: %v", err)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return urlRun(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&delegated, "delegated", nil, "Ask for exactly these delegated permissions, comma or space separated")
	fs.StringVar(&opts.RedirectURI, "redirect-uri", "", "Where Entra sends the administrator afterwards (registered on the app)")
	cmdutil.AddPresetFlags(cmd, &opts.Preset, "APP and the permissions", false)
	return cmd
}

// applyPreset fills APP and, unless --delegated is given, the delegated
// permissions from the preset. The v2.0 link asks for delegated
// permissions only; a preset that also needs application permissions
// gets the v1 link, which covers everything the vendor's app requires.
func applyPreset(opts *Options, delegated *[]string) error {
	pre, err := opts.Preset.Load()
	if err != nil || pre == nil {
		return err
	}
	if opts.App == "" {
		if opts.App, err = cmdutil.PresetApp(pre); err != nil {
			return err
		}
	}
	if len(*delegated) == 0 && len(pre.Application) == 0 {
		*delegated = pre.Delegated
	}
	return nil
}

// needs are what consent url reads: APP and the tenant.
var needs = permissions.Of(permissions.ReadApplications, permissions.ReadOrganization)

func urlRun(ctx context.Context, opts *Options) error {
	ep, err := opts.Endpoints()
	if err != nil {
		return err
	}
	g, err := opts.Graph(ctx, needs...)
	if err != nil {
		return err
	}
	org, t, err := shared.ResolveTargetInTenant(ctx, g, opts.App)
	if err != nil {
		return err
	}
	res := &Result{AppID: t.AppID, DisplayName: t.Name, TenantID: org.ID, Scopes: []string{}, RedirectURI: opts.RedirectURI}
	if len(opts.Delegated) > 0 {
		cat, err := opts.Permissions(g, org.ID).Load(ctx, graph.MicrosoftGraphAppID)
		if err != nil {
			return err
		}
		del, err := cat.Resolve(permissions.Delegated, opts.Delegated)
		if err != nil {
			return &cmdutil.FlagError{Err: err, HintText: cmdutil.HintFor(err)}
		}
		for _, p := range del {
			res.Scopes = append(res.Scopes, p.Value)
		}
	}
	if opts.RedirectURI != "" && t.Registration != nil && !registered(t.Registration, opts.RedirectURI) {
		opts.Warn(fmt.Sprintf("%s is not a redirect URI of %s; Entra will refuse to send the administrator back to it", opts.RedirectURI, t.Name))
	}
	res.URL = consent.AdminConsentURL(consent.URLRequest{LoginURL: ep.LoginURL, Tenant: org.ID, ClientID: t.AppID,
		Scopes: res.Scopes, Resource: ep.GraphResource, RedirectURI: opts.RedirectURI})
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, _ *ui.Styles, res *Result) error {
		_, err := fmt.Fprintln(w, res.URL)
		return err
	})
}

func registered(app *graph.Application, uri string) bool {
	for _, p := range appreg.Platforms {
		if slices.Contains(appreg.RedirectURIs(app, p), uri) {
			return true
		}
	}
	return false
}
