// Package grant implements `teamsctl consent grant`.
package grant

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/plan"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of consent grant.
type Options struct {
	shared.Deps
	App         string
	Delegated   []string
	Application []string
	Resource    string
	User        string
	DryRun      bool
	// Preset fills APP and the permissions the flags leave out.
	Preset cmdutil.PresetFlags
}

// Result is what consent grant did.
type Result struct {
	DryRun             bool                 `json:"dryRun"`
	AppID              string               `json:"appId"`
	DisplayName        string               `json:"displayName"`
	Vendor             bool                 `json:"vendorApp"`
	ServicePrincipalID string               `json:"servicePrincipalId,omitempty"`
	Delegated          *consent.GrantResult `json:"delegated,omitempty"`
	Application        []string             `json:"applicationPermissionsAdded"`
	Plan               plan.Steps           `json:"plan"`
}

// NewCmdGrant builds the command; runF replaces the run step in tests.
func NewCmdGrant(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f)}
	var delegated, application []string
	cmd := &cobra.Command{
		Use:   "grant [APP]",
		Short: "Grant admin consent, merging into existing grants",
		Long: `Grant consent for APP: an app of this tenant (name, appId or object id) or a
vendor's multi-tenant appId (or the admin-consent link the vendor sent, whose
client_id is the appId). A missing enterprise app (service principal) is
created first, waiting for Entra to replicate it.

Delegated permissions are merged into the app's existing grant for the API
(tenant-wide by default, or for one user with --user); a grant is created
only when none exists. Application permissions are assigned only where
missing. Nothing that was granted before is removed.

Without --delegated or --application, an app of this tenant is granted what
its registration requires; a vendor's app needs the permissions given.

--preset (a vendor preset, 'teamsctl presets list') or --preset-file fills
the permissions, and APP: the vendor's appId, or the name of the app
registered for a customer-registered preset. Flags given explicitly win:
APP, and --delegated or --application (which replace both preset lists).`,
		Example: `  # eRecruiter (vendor-hosted)
  teamsctl consent grant 11111111-2222-3333-4444-555555555555 --delegated User.Read,OnlineMeetings.ReadWrite,offline_access
  # an app registered here: everything its registration requires
  teamsctl consent grant "elevato - MS Teams integration"
  # EBMS (vendor-hosted): its appId and permissions from the preset
  teamsctl consent grant --preset ebms`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && (opts.Preset.Name != "" || opts.Preset.File != "") {
				return nil // APP from the preset
			}
			return cmdutil.ExactArgs("APP")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				app, err := cmdutil.AppArg("APP", args[0])
				if err != nil {
					return err
				}
				opts.App = app
			}
			if err := applyPreset(opts, &delegated, &application); err != nil {
				return err
			}
			var err error
			if opts.Delegated, err = permissions.ParseLists(delegated); err != nil {
				return cmdutil.FlagErrorf("--delegated: %v", err)
			}
			if opts.Application, err = permissions.ParseLists(application); err != nil {
				return cmdutil.FlagErrorf("--application: %v", err)
			}
			if opts.User != "" && len(opts.Application) > 0 {
				return cmdutil.FlagErrorf("--user applies to delegated permissions only; application permissions are always tenant-wide")
			}
			if opts.Resource != "" && !strings.EqualFold(opts.Resource, "graph") && !strings.EqualFold(opts.Resource, graph.MicrosoftGraphAppID) {
				if !appreg.IsGUID(opts.Resource) {
					return cmdutil.FlagErrorf("--resource: %q is neither \"graph\" nor an API's appId", opts.Resource)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return grantRun(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&delegated, "delegated", nil, "Delegated permissions, comma or space separated")
	fs.StringArrayVar(&application, "application", nil, "Application permissions (app roles), comma or space separated")
	fs.StringVar(&opts.Resource, "resource", "", "The API whose permissions are granted: graph (default) or its appId")
	fs.StringVar(&opts.User, "user", "", "Grant delegated permissions for this user (UPN) only")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "Print the plan and change nothing")
	cmdutil.AddPresetFlags(cmd, &opts.Preset, "APP and the permissions", false)
	return cmd
}

// applyPreset fills APP and the permissions the flags left out from
// --preset or --preset-file.
func applyPreset(opts *Options, delegated, application *[]string) error {
	pre, err := opts.Preset.Load()
	if err != nil || pre == nil {
		return err
	}
	if opts.App == "" {
		if opts.App, err = cmdutil.PresetApp(pre); err != nil {
			return err
		}
	}
	if len(*delegated)+len(*application) == 0 {
		*delegated, *application = pre.Delegated, pre.Application
	}
	return nil
}

func resourceAppID(r string) string {
	if r == "" || strings.EqualFold(r, "graph") {
		return graph.MicrosoftGraphAppID
	}
	return r
}

// needs are what consent grant does: resolve APP in the tenant (and
// --user), create the enterprise app if there is none, read and write
// the delegated grants and app role assignments, and read the admin's
// roles to explain a refusal.
var needs = permissions.Of(permissions.ReadApplications, permissions.ReadOrganization, permissions.ReadUsers,
	permissions.WriteServicePrincipals, permissions.ReadGrants, permissions.WriteGrants, permissions.WriteAssignments,
	permissions.ReadMyRoles)

func grantRun(ctx context.Context, opts *Options) error {
	g, err := opts.Graph(ctx, needs...)
	if err != nil {
		return err
	}
	org, t, err := shared.ResolveTargetInTenant(ctx, g, opts.App)
	if err != nil {
		return err
	}
	resApp := resourceAppID(opts.Resource)
	loader := opts.Permissions(g, org.ID)
	cat, err := loader.Load(ctx, resApp)
	if err != nil {
		return err
	}
	delNames, appNames := opts.Delegated, opts.Application
	if len(delNames)+len(appNames) == 0 {
		if t.Registration == nil {
			return cmdutil.FlagErrorWithHint(fmt.Errorf("%s is not an app of this tenant, so teamsctl cannot read what it requires; give the permissions to grant", t.AppID),
				"Add --delegated with the scopes the vendor documents, e.g. --delegated User.Read,OnlineMeetings.ReadWrite.")
		}
		var unknown []permissions.Unknown
		delNames, appNames, unknown = consent.Required(t.Registration, cat)
		for _, u := range unknown {
			fmt.Fprintf(opts.IO.ErrOut, "note: %s requires an %s; it cannot be granted and is left out\n", t.Name, u)
		}
		if len(delNames)+len(appNames) == 0 {
			return fmt.Errorf("%s requires no permissions of %s; give --delegated or --application", t.Name, cat.DisplayName)
		}
	}
	del, derr := cat.Resolve(permissions.Delegated, delNames)
	roles, rerr := cat.Resolve(permissions.Application, appNames)
	if err := errors.Join(derr, rerr); err != nil {
		return &cmdutil.FlagError{Err: err, HintText: cmdutil.HintFor(err)}
	}
	var principalID string
	if opts.User != "" {
		u, err := g.UserByID(ctx, opts.User)
		if err != nil {
			if graph.IsNotFound(err) {
				return fmt.Errorf("--user %s: no such user in this tenant", opts.User)
			}
			return err
		}
		principalID = u.ID
	}
	consentURL := consentLink(opts, org.ID, t.AppID, permissions.Values(del))
	var ops []consent.Operation
	if len(del) > 0 && principalID == "" {
		ops = append(ops, consent.OpDelegatedTenantWide)
	}
	if len(roles) > 0 {
		ops = append(ops, consent.OpGraphAppRoles)
	}
	if principalID != "" {
		ops = append(ops, consent.OpDelegatedTenantWide) // granting for another user needs the same roles
	}
	if err := consent.CheckRoles(ctx, g, consentURL, ops...); err != nil {
		return err
	}
	eng := &consent.Engine{Graph: g, Wait: opts.Waiter(0), DryRun: opts.DryRun, StaleResource: loader.ForgetCached}
	res := &Result{DryRun: opts.DryRun, AppID: t.AppID, DisplayName: t.Name, Vendor: t.Registration == nil, Application: []string{}}
	defer opts.IO.StopProgress()
	sp, _, err := eng.EnsureServicePrincipal(ctx, t.AppID, t.Name)
	if err != nil {
		res.Plan = eng.Steps
		return err
	}
	res.ServicePrincipalID, res.DisplayName = sp.ID, cmp.Or(sp.DisplayName, t.Name)
	if sp.DisplayName == "" {
		sp.DisplayName = t.Name
	}
	resource := &graph.ServicePrincipal{ID: cat.ResourceSPID, AppID: cat.ResourceAppID, DisplayName: cat.DisplayName}
	if len(del) > 0 {
		gr, err := eng.GrantDelegated(ctx, consent.DelegatedRequest{Client: sp, Resource: resource, Scopes: permissions.Values(del),
			PrincipalID: principalID, PrincipalUPN: opts.User})
		if err != nil {
			return consent.ExplainForbidden(err, consent.OpDelegatedTenantWide, consentURL)
		}
		res.Delegated = gr
	}
	if len(roles) > 0 {
		added, err := eng.AssignAppRoles(ctx, sp, resource, roles)
		if err != nil {
			return consent.ExplainForbidden(err, consent.OpGraphAppRoles, consentURL)
		}
		if added != nil {
			res.Application = added
		}
	}
	res.Plan = eng.Steps
	opts.IO.StopProgress()
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *Result) error {
		if res.DryRun {
			fmt.Fprintln(w, "Plan (dry run, nothing was changed):")
		}
		res.Plan.Render(w, s)
		if res.Delegated != nil && !res.DryRun {
			fmt.Fprintf(w, "Delegated permissions now granted: %s\n", strings.Join(res.Delegated.After, " "))
		}
		return nil
	})
}

func consentLink(opts *Options, tenant, appID string, scopes []string) string {
	ep, err := opts.Endpoints()
	if err != nil {
		return ""
	}
	return consent.AdminConsentURL(consent.URLRequest{LoginURL: ep.LoginURL, Tenant: tenant, ClientID: appID,
		Scopes: scopes, Resource: ep.GraphResource})
}
