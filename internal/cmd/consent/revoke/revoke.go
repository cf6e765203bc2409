// Package revoke implements `teamsctl consent revoke`.
package revoke

import (
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

// Options are the inputs of consent revoke.
type Options struct {
	shared.Deps
	App                 string
	Delegated           []string
	All                 bool
	Application         []string
	AllApplication      bool
	Resource            string
	User                string
	DeleteEnterpriseApp bool
	DryRun              bool
	Yes                 bool
}

// Result is what consent revoke did (or would do).
type Result struct {
	DryRun               bool                 `json:"dryRun"`
	AppID                string               `json:"appId"`
	DisplayName          string               `json:"displayName"`
	ServicePrincipalID   string               `json:"servicePrincipalId"`
	Delegated            *consent.GrantResult `json:"delegated,omitempty"`
	ApplicationRemoved   []string             `json:"applicationPermissionsRemoved"`
	EnterpriseAppDeleted bool                 `json:"enterpriseAppDeleted"`
	Plan                 plan.Steps           `json:"plan"`
	// NothingToRevoke says why the tenant already was as asked (revoking
	// what is not granted succeeds, so a re-run converges).
	NothingToRevoke string `json:"nothingToRevoke,omitempty"`
}

// NewCmdRevoke builds the command; runF replaces the run step in tests.
func NewCmdRevoke(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f)}
	var delegated, application []string
	cmd := &cobra.Command{
		Use:   "revoke APP",
		Short: "Revoke consent: remove scopes, application permissions or the enterprise app",
		Long: `Revoke consent given to APP (an app of this tenant by name, appId or object
id, or a vendor's appId).

--delegated removes the given scopes from the app's tenant-wide grant (or
the grant of one user with --user), deleting the grant when none remain;
--all removes every scope of that grant. --application removes application
permissions (app role assignments); --all-application removes every
application permission the app holds on the API. --all --all-application
takes back every permission and keeps the enterprise app (a missing
delegated grant is then fine when app roles were removed, and the other way
round). --delete-enterprise-app deletes the
app's enterprise app (service principal), which withdraws every consent
and assignment at once: what vendors' pages tell admins to do.

What would be removed is checked first: revoking something that was never
granted is an error and changes nothing. Revoking asks for confirmation on
a terminal; elsewhere pass --yes. --dry-run prints the plan only.`,
		Example: `  # withdraw one scope from everyone
  teamsctl consent revoke "EBMS Kalenderintegration" --delegated Calendars.ReadWrite --yes
  # withdraw a vendor's consent entirely
  teamsctl consent revoke c0ec60b5-60a8-4768-8053-870f11315492 --delete-enterprise-app
  # take back every delegated and application permission, keep the enterprise app
  teamsctl consent revoke 6a9c2e4f-7d1b-4e3a-8c5f-0b2d4e6f8a91 --all --all-application --yes`,
		Args: cmdutil.ExactArgs("APP"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.App, err = cmdutil.AppArg("APP", args[0]); err != nil {
				return err
			}
			if opts.Delegated, err = permissions.ParseLists(delegated); err != nil {
				return cmdutil.FlagErrorf("--delegated: %v", err)
			}
			if opts.Application, err = permissions.ParseLists(application); err != nil {
				return cmdutil.FlagErrorf("--application: %v", err)
			}
			if opts.All && len(opts.Delegated) > 0 {
				return cmdutil.FlagErrorf("--delegated and --all cannot be combined: --all removes every delegated scope")
			}
			if opts.AllApplication && len(opts.Application) > 0 {
				return cmdutil.FlagErrorf("--application and --all-application cannot be combined: --all-application removes every application permission")
			}
			if !opts.All && !opts.AllApplication && len(opts.Delegated)+len(opts.Application) == 0 && !opts.DeleteEnterpriseApp {
				return cmdutil.FlagErrorf("say what to revoke: --delegated SCOPES, --all, --application ROLES, --all-application or --delete-enterprise-app")
			}
			if opts.User != "" && (len(opts.Application) > 0 || opts.AllApplication || opts.DeleteEnterpriseApp) {
				return cmdutil.FlagErrorf("--user applies to delegated permissions only")
			}
			if opts.Resource != "" && !strings.EqualFold(opts.Resource, "graph") && !appreg.IsGUID(opts.Resource) {
				return cmdutil.FlagErrorf("--resource: %q is neither \"graph\" nor an API's appId", opts.Resource)
			}
			if runF != nil {
				return runF(opts)
			}
			return revokeRun(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&delegated, "delegated", nil, "Delegated permissions to remove, comma or space separated")
	fs.BoolVar(&opts.All, "all", false, "Remove every delegated permission of the grant")
	fs.StringArrayVar(&application, "application", nil, "Application permissions (app roles) to remove, comma or space separated")
	fs.BoolVar(&opts.AllApplication, "all-application", false, "Remove every application permission (app role) the app holds on the API")
	fs.StringVar(&opts.Resource, "resource", "", "The API whose permissions are revoked: graph (default) or its appId")
	fs.StringVar(&opts.User, "user", "", "Revoke the delegated grant of this user (UPN) instead of the tenant-wide one")
	fs.BoolVar(&opts.DeleteEnterpriseApp, "delete-enterprise-app", false, "Delete the enterprise app, withdrawing every consent and assignment")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "Print the plan and change nothing")
	fs.BoolVarP(&opts.Yes, "yes", "y", false, "Do not ask for confirmation")
	return cmd
}

// needs are what consent revoke does: resolve APP in the tenant (and
// --user), read and remove delegated grants and app role assignments, and
// delete the enterprise app teamsctl created when nothing is left.
var needs = permissions.Of(permissions.ReadApplications, permissions.ReadOrganization, permissions.ReadUsers,
	permissions.ReadGrants, permissions.WriteGrants, permissions.WriteAssignments, permissions.WriteServicePrincipals)

func revokeRun(ctx context.Context, opts *Options) error {
	g, err := opts.Graph(ctx, needs...)
	if err != nil {
		return err
	}
	org, t, err := shared.ResolveTargetInTenant(ctx, g, opts.App)
	if err != nil {
		return err
	}
	if t.SP == nil {
		return printNothingToRevoke(opts, &Result{AppID: t.AppID, DisplayName: t.Name, ApplicationRemoved: []string{}, Plan: plan.Steps{}},
			&consent.NotGrantedError{What: fmt.Sprintf("%s has no enterprise app in this tenant, so nothing was ever granted to it", t.Name)})
	}
	sp := t.SP
	if sp.DisplayName == "" {
		sp.DisplayName = t.Name
	}
	resAppID := graph.MicrosoftGraphAppID
	if opts.Resource != "" && !strings.EqualFold(opts.Resource, "graph") {
		resAppID = opts.Resource
	}
	var cat *permissions.Catalog
	if len(opts.Delegated)+len(opts.Application) > 0 || opts.All || opts.AllApplication {
		if cat, err = opts.Permissions(g, org.ID).Load(ctx, resAppID); err != nil {
			return err
		}
	}
	var roles []permissions.Permission
	if opts.AllApplication {
		// Every role of the API, so the removed assignments are named.
		for _, r := range cat.Roles {
			roles = append(roles, permissions.Permission{Kind: permissions.Application, Value: r.Value, ID: r.ID, AdminOnly: true})
		}
	}
	if len(opts.Application) > 0 {
		if roles, err = cat.Resolve(permissions.Application, opts.Application); err != nil {
			return &cmdutil.FlagError{Err: err, HintText: cmdutil.HintFor(err)}
		}
	}
	var delScopes []string
	if len(opts.Delegated) > 0 {
		del, err := cat.Resolve(permissions.Delegated, opts.Delegated)
		if err != nil {
			return &cmdutil.FlagError{Err: err, HintText: cmdutil.HintFor(err)}
		}
		for _, p := range del {
			delScopes = append(delScopes, p.Value)
		}
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
	var ops []consent.Operation
	if len(delScopes) > 0 || opts.All || opts.DeleteEnterpriseApp {
		ops = append(ops, consent.OpDelegatedTenantWide)
	}
	if len(roles) > 0 || opts.AllApplication {
		ops = append(ops, consent.OpGraphAppRoles)
	}
	if err := consent.CheckRoles(ctx, g, "", ops...); err != nil {
		return err
	}

	// Plan first (reads only): something never granted fails here, before
	// anything is asked or written.
	planned, err := revoke(ctx, opts, &consent.Engine{Graph: g, DryRun: true}, t, sp, cat, delScopes, roles, principalID)
	var ng *consent.NotGrantedError
	if errors.As(err, &ng) {
		planned.DryRun = opts.DryRun
		return printNothingToRevoke(opts, planned, ng)
	}
	if err != nil {
		return err
	}
	if !opts.DryRun {
		if opts.IO.CanPrompt() && !opts.Yes {
			fmt.Fprintln(opts.IO.ErrOut, "This will:")
			planned.Plan.Render(opts.IO.ErrOut, opts.IO.ErrStyles())
		}
		if err := shared.Confirm(opts.IO, opts.Yes, fmt.Sprintf("Revoke consent of %s", t.Name)); err != nil {
			return err
		}
		planned, err = revoke(ctx, opts, &consent.Engine{Graph: g}, t, sp, cat, delScopes, roles, principalID)
		if err != nil {
			if planned != nil && len(planned.Plan) > 0 {
				fmt.Fprintln(opts.IO.ErrOut, "Steps so far:")
				planned.Plan.Render(opts.IO.ErrOut, opts.IO.ErrStyles())
			}
			return err
		}
	}
	res := planned
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *Result) error {
		if res.DryRun {
			fmt.Fprintln(w, "Plan (dry run, nothing was changed):")
		}
		res.Plan.Render(w, s)
		if res.Delegated != nil && !res.DryRun && !res.EnterpriseAppDeleted {
			fmt.Fprintf(w, "Delegated permissions still granted: %s\n", orNone(res.Delegated.After))
		}
		return nil
	})
}

func revoke(ctx context.Context, opts *Options, eng *consent.Engine, t *shared.Target, sp *graph.ServicePrincipal,
	cat *permissions.Catalog, delScopes []string, roles []permissions.Permission, principalID string) (*Result, error) {
	res := &Result{DryRun: eng.DryRun, AppID: t.AppID, DisplayName: sp.DisplayName, ServicePrincipalID: sp.ID, ApplicationRemoved: []string{}}
	var errs []error
	// blanket is --all finding no delegated grant while --all-application
	// is given too: an app with application permissions only. It is
	// reported only when nothing at all is revoked.
	var blanket error
	var ng *consent.NotGrantedError
	if cat != nil {
		resource := &graph.ServicePrincipal{ID: cat.ResourceSPID, AppID: cat.ResourceAppID, DisplayName: cat.DisplayName}
		if len(delScopes) > 0 || opts.All {
			gr, err := eng.RevokeDelegated(ctx, consent.DelegatedRequest{Client: sp, Resource: resource, Scopes: delScopes,
				PrincipalID: principalID, PrincipalUPN: opts.User}, opts.All)
			switch {
			case err != nil && opts.All && opts.AllApplication && errors.As(err, &ng):
				blanket = err
			case err != nil:
				errs = append(errs, err)
			}
			res.Delegated = gr
		}
		if len(roles) > 0 || opts.AllApplication {
			removed, err := eng.RevokeAppRoles(ctx, sp, resource, roles, opts.AllApplication)
			if err != nil {
				errs = append(errs, err)
			}
			if removed != nil {
				res.ApplicationRemoved = removed
			}
		}
	}
	if len(errs) == 0 && res.Delegated == nil && len(res.ApplicationRemoved) == 0 && opts.AllApplication && !opts.DeleteEnterpriseApp {
		res.Plan = eng.Steps
		if blanket == nil {
			blanket = &consent.NotGrantedError{What: fmt.Sprintf("%s holds no application permissions", sp.DisplayName)}
		}
		return res, blanket
	}
	// Nothing to revoke is an error only when nothing at all is revoked.
	if err := errors.Join(errs...); err != nil && (!opts.DeleteEnterpriseApp || !errors.As(err, &ng)) {
		res.Plan = eng.Steps
		return res, err
	}
	if opts.DeleteEnterpriseApp {
		if err := eng.DeleteEnterpriseApp(ctx, sp); err != nil {
			res.Plan = eng.Steps
			return res, err
		}
		res.EnterpriseAppDeleted = true
	}
	res.Plan = eng.Steps
	return res, nil
}

// printNothingToRevoke reports a revoke of what is not granted: the tenant
// already is as asked, so it is a result (exit 0), not an error.
func printNothingToRevoke(opts *Options, res *Result, ng *consent.NotGrantedError) error {
	res.NothingToRevoke = ng.What
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *Result) error {
		fmt.Fprintf(w, "Nothing to revoke: %s.\n", ng.What)
		return nil
	})
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none (the grant was deleted)"
	}
	return strings.Join(s, " ")
}
