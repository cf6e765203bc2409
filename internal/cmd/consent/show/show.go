// Package show implements `teamsctl consent show`.
package show

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of consent show.
type Options struct {
	shared.Deps
	App         string
	Users       bool
	Delegated   []string
	Application []string
	// Preset fills APP and the permissions to compare with.
	Preset cmdutil.PresetFlags
	// presetName is set when the permissions compared with are the preset's.
	presetName string
	// Profiles runs consent show across profiles.
	Profiles cmdutil.ProfilesFlags
	factory  *cmdutil.Factory
}

// What the missing permissions are compared with.
const (
	ComparedRegistration = "registration"
	ComparedGiven        = "given"
	ComparedNothing      = "nothing"
	ComparedPreset       = "preset"
)

// UserGrant is one user's own delegated grant.
type UserGrant struct {
	UserPrincipalName string   `json:"userPrincipalName"`
	ID                string   `json:"id"`
	Scopes            []string `json:"scopes"`
}

// Result is what is consented for an app, on Microsoft Graph.
type Result struct {
	AppID              string `json:"appId"`
	DisplayName        string `json:"displayName"`
	Vendor             bool   `json:"vendorApp"`
	ServicePrincipalID string `json:"servicePrincipalId,omitempty"`
	Resource           string `json:"resource"`
	// Delegated are the scopes granted for all users.
	Delegated []string `json:"delegated"`
	// UserGrants counts the per-user grants; Users lists them with --users.
	UserGrants  int         `json:"userGrants"`
	Users       []UserGrant `json:"users,omitempty"`
	Application []string    `json:"application"`
	// ComparedWith is registration, given (the flags), preset (what the
	// vendor preset needs) or nothing (a vendor's app without flags).
	ComparedWith string `json:"comparedWith"`
	// Preset names the preset compared with.
	Preset             string   `json:"preset,omitempty"`
	MissingDelegated   []string `json:"missingDelegated"`
	MissingApplication []string `json:"missingApplication"`
	// Unknown are permission ids the registration requires that the API
	// does not publish: never consented, so always missing.
	Unknown []permissions.Unknown `json:"unknown,omitempty"`
}

// NewCmdShow builds the command; runF replaces the run step in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f), factory: f}
	var delegated, application []string
	cmd := &cobra.Command{
		Use:   "show APP",
		Short: "Show what is consented for an app, and what is missing",
		Long: `Show the Microsoft Graph consent of APP (an app of this tenant by name, appId
or object id, or a vendor's appId): the delegated permissions granted for
all users, the number of per-user grants (and the users with --users), and
the application permissions assigned.

What is missing is compared with --delegated and --application when given,
else with what the vendor preset needs (--preset or --preset-file, which
also fills APP: the vendor's appId or the preset's app name), otherwise
with what the app's registration requires (an app of this tenant).
'teamsctl consent grant' adds what is missing.

APP may also be the admin-consent link the vendor sent
(https://login.microsoftonline.com/TENANT/adminconsent?client_id=APPID).

--all-profiles (or --profiles a,b,c) shows APP's consent in each profile's
tenant, concurrently (at most --max-parallel at once), in one result with
the profile on every line; a profile that fails does not stop the others,
and the exit status is the worst profile's.`,
		Example: `  teamsctl consent show "elevato - MS Teams integration"
  # a vendor's app, against the scopes the vendor documents
  teamsctl consent show c0ec60b5-60a8-4768-8053-870f11315492 --delegated User.Read,OnlineMeetings.ReadWrite --users`,
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
			if err := applyPreset(opts, &delegated, &application); err != nil {
				return err
			}
			if opts.Delegated, err = permissions.ParseLists(delegated); err != nil {
				return cmdutil.FlagErrorf("--delegated: %v", err)
			}
			if opts.Application, err = permissions.ParseLists(application); err != nil {
				return cmdutil.FlagErrorf("--application: %v", err)
			}
			if err := opts.Profiles.Validate(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.Profiles.Enabled() {
				return profilesRun(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&opts.Users, "users", false, "List the users with their own grants")
	fs.StringArrayVar(&delegated, "delegated", nil, "Compare with these delegated permissions, comma or space separated")
	fs.StringArrayVar(&application, "application", nil, "Compare with these application permissions (app roles), comma or space separated")
	cmdutil.AddPresetFlags(cmd, &opts.Preset, "APP and the permissions to compare with", false)
	cmdutil.AddProfilesFlags(cmd, &opts.Profiles)
	return cmd
}

// applyPreset fills APP and, unless --delegated or --application is
// given, the permissions to compare with from the preset.
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
		opts.presetName = pre.Name
	}
	return nil
}

// needs are what consent show reads: APP in the tenant, its grants and
// app role assignments, and the users they name.
var needs = permissions.Of(permissions.ReadApplications, permissions.ReadOrganization, permissions.ReadGrants, permissions.ReadUsers)

func showRun(ctx context.Context, opts *Options) error {
	res, err := show(ctx, opts)
	if err != nil {
		return err
	}
	return cmdutil.Print(opts.IO, opts.Output(), res, Render)
}

// profilesRun shows APP's consent in each profile's tenant and prints one
// result.
func profilesRun(ctx context.Context, opts *Options) error {
	names, err := opts.Profiles.Names(opts.Getenv)
	if err != nil {
		return err
	}
	runs := cmdutil.RunProfiles(ctx, opts.factory, names, opts.Profiles.MaxParallel,
		func(ctx context.Context, pf *cmdutil.Factory) (*Result, error) {
			po := *opts
			po.Deps = shared.FromFactory(pf)
			return show(ctx, &po)
		})
	if err := cmdutil.PrintProfiles(opts.IO, opts.Output(), runs, Render); err != nil {
		return err
	}
	return cmdutil.WorstError(runs)
}

// show reads what is consented for APP.
func show(ctx context.Context, opts *Options) (*Result, error) {
	g, err := opts.Graph(ctx, needs...)
	if err != nil {
		return nil, err
	}
	org, t, err := shared.ResolveTargetInTenant(ctx, g, opts.App)
	if err != nil {
		return nil, err
	}
	// The catalog and the client's grants and app roles are independent
	// reads: one round trip.
	var cat *permissions.Catalog
	var held *heldConsent
	var catErr, heldErr error
	var wg sync.WaitGroup
	if t.SP != nil {
		wg.Go(func() { held, heldErr = readHeld(ctx, g, t.SP.ID) })
	}
	cat, catErr = opts.Permissions(g, org.ID).Load(ctx, graph.MicrosoftGraphAppID)
	wg.Wait()
	if err := errors.Join(catErr, heldErr); err != nil {
		return nil, err
	}
	res := &Result{AppID: t.AppID, DisplayName: t.Name, Vendor: t.Registration == nil, Resource: cat.DisplayName,
		Delegated: []string{}, Application: []string{}, ComparedWith: ComparedNothing}
	wantDel, wantApp := opts.Delegated, opts.Application
	switch {
	case len(wantDel)+len(wantApp) > 0:
		del, derr := cat.Resolve(permissions.Delegated, wantDel)
		roles, rerr := cat.Resolve(permissions.Application, wantApp)
		if err := errors.Join(derr, rerr); err != nil {
			return nil, &cmdutil.FlagError{Err: err, HintText: cmdutil.HintFor(err)}
		}
		wantDel, wantApp = permissions.Values(del), permissions.Values(roles)
		res.ComparedWith = ComparedGiven
		if opts.presetName != "" {
			res.ComparedWith, res.Preset = ComparedPreset, opts.presetName
		}
	case t.Registration != nil:
		wantDel, wantApp, res.Unknown = consent.Required(t.Registration, cat)
		res.ComparedWith = ComparedRegistration
	}
	if t.SP != nil {
		res.ServicePrincipalID = t.SP.ID
		if err := readConsent(ctx, g, opts.Users, held, cat, res); err != nil {
			return nil, err
		}
	}
	res.MissingDelegated = missing(wantDel, res.Delegated)
	res.MissingApplication = missing(wantApp, res.Application)
	return res, nil
}

// heldConsent is what a client service principal holds on any API.
type heldConsent struct {
	grants      []graph.DelegatedGrant
	assignments []graph.AppRoleAssignment
}

// readHeld lists the client's delegated grants and app role assignments
// together.
func readHeld(ctx context.Context, g graph.Client, clientID string) (*heldConsent, error) {
	h := &heldConsent{}
	var grantsErr error
	var wg sync.WaitGroup
	wg.Go(func() { h.grants, grantsErr = g.DelegatedGrants(ctx, clientID, "") })
	assignments, err := g.AppRoleAssignmentsOf(ctx, clientID)
	wg.Wait()
	if err := errors.Join(grantsErr, err); err != nil {
		return nil, err
	}
	h.assignments = assignments
	return h, nil
}

// readConsent fills in what the client holds on the catalog's API; with
// users, it reads the users of the per-user grants, all at once.
func readConsent(ctx context.Context, g graph.Client, users bool, held *heldConsent, cat *permissions.Catalog, res *Result) error {
	var perUser []graph.DelegatedGrant
	for _, gr := range held.grants {
		if gr.ResourceID != cat.ResourceSPID {
			continue
		}
		if strings.EqualFold(gr.ConsentType, graph.ConsentAllPrincipals) {
			res.Delegated = append(res.Delegated, consent.SplitScopes(gr.Scope)...)
			continue
		}
		res.UserGrants++
		perUser = append(perUser, gr)
	}
	if users {
		ugs, err := readUserGrants(ctx, g, perUser)
		if err != nil {
			return err
		}
		res.Users = ugs
	}
	for _, a := range held.assignments {
		if !strings.EqualFold(a.ResourceID, cat.ResourceSPID) {
			continue
		}
		name := a.AppRoleID
		if p, ok := cat.ByID(permissions.Application, a.AppRoleID); ok {
			name = p.Value
		}
		res.Application = append(res.Application, name)
	}
	return nil
}

// userLookups bounds the concurrent user reads of --users.
const userLookups = 8

// readUserGrants names the user of each per-user grant, reading the users
// concurrently; a deleted user keeps its object id.
func readUserGrants(ctx context.Context, g graph.Client, grants []graph.DelegatedGrant) ([]UserGrant, error) {
	out := make([]UserGrant, len(grants))
	errs := make([]error, len(grants))
	sem := make(chan struct{}, userLookups)
	var wg sync.WaitGroup
	for i, gr := range grants {
		out[i] = UserGrant{UserPrincipalName: gr.PrincipalID, ID: gr.PrincipalID, Scopes: consent.SplitScopes(gr.Scope)}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			u, err := g.UserByID(ctx, gr.PrincipalID)
			switch {
			case err == nil:
				out[i].UserPrincipalName = u.UserPrincipalName
			case !graph.IsNotFound(err):
				errs[i] = err
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// missing returns the names in want that have is without (case-insensitively).
func missing(want, have []string) []string {
	out := []string{}
	for _, w := range want {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, w) }) {
			out = append(out, w)
		}
	}
	return out
}

// Render draws a consent show result.
func Render(w io.Writer, s *ui.Styles, r *Result) error {
	sp := r.ServicePrincipalID
	if sp == "" {
		sp = "none (nothing is consented)"
	}
	fields := []ui.Field{
		{Key: "App", Value: fmt.Sprintf("%s (%s)", r.DisplayName, r.AppID)},
		{Key: "Enterprise app", Value: sp},
		{Key: "Delegated, all users", Value: orNone(r.Delegated)},
		{Key: "Per-user grants", Value: fmt.Sprint(r.UserGrants)},
	}
	for _, u := range r.Users {
		fields = append(fields, ui.Field{Key: "User", Value: fmt.Sprintf("%s: %s", u.UserPrincipalName, strings.Join(u.Scopes, " "))})
	}
	fields = append(fields, ui.Field{Key: "Application", Value: orNone(r.Application)})
	switch r.ComparedWith {
	case ComparedNothing:
		fields = append(fields, ui.Field{Key: "Missing", Value: "unknown: a vendor's app; give --delegated or --application to compare"})
	default:
		against := "the registration"
		switch r.ComparedWith {
		case ComparedGiven:
			against = "the given permissions"
		case ComparedPreset:
			against = "what preset " + r.Preset + " needs"
		}
		fields = append(fields,
			ui.Field{Key: "Missing delegated", Value: withUnknown(r.MissingDelegated, r.Unknown, permissions.Delegated) + " (compared with " + against + ")"},
			ui.Field{Key: "Missing application", Value: withUnknown(r.MissingApplication, r.Unknown, permissions.Application) + " (compared with " + against + ")"})
	}
	return s.KeyValues(w, fields)
}

// withUnknown lists the missing names and then the unknown ids of kind.
func withUnknown(names []string, unknown []permissions.Unknown, kind permissions.Kind) string {
	var parts []string
	if len(names) > 0 {
		parts = append(parts, strings.Join(names, " "))
	}
	for _, u := range unknown {
		if u.Kind == kind {
			parts = append(parts, u.String())
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, " ")
}
