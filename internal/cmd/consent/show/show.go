// Package show implements `teamsctl consent show`.
package show

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

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
}

// What the missing permissions are compared with.
const (
	ComparedRegistration = "registration"
	ComparedGiven        = "given"
	ComparedNothing      = "nothing"
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
	// ComparedWith is registration, given (the flags) or nothing (a
	// vendor's app without flags).
	ComparedWith       string   `json:"comparedWith"`
	MissingDelegated   []string `json:"missingDelegated"`
	MissingApplication []string `json:"missingApplication"`
	// Unknown are permission ids the registration requires that the API
	// does not publish: never consented, so always missing.
	Unknown []permissions.Unknown `json:"unknown,omitempty"`
}

// NewCmdShow builds the command; runF replaces the run step in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f)}
	var delegated, application []string
	cmd := &cobra.Command{
		Use:   "show APP",
		Short: "Show what is consented for an app, and what is missing",
		Long: `Show the Microsoft Graph consent of APP (an app of this tenant by name, appId
or object id, or a vendor's appId): the delegated permissions granted for
all users, the number of per-user grants (and the users with --users), and
the application permissions assigned.

What is missing is compared with --delegated and --application when given,
otherwise with what the app's registration requires (an app of this
tenant). 'teamsctl consent grant' adds what is missing.`,
		Example: `  teamsctl consent show "elevato - MS Teams integration"
  # a vendor's app, against the scopes the vendor documents
  teamsctl consent show c0ec60b5-60a8-4768-8053-870f11315492 --delegated User.Read,OnlineMeetings.ReadWrite --users`,
		Args: cmdutil.ExactArgs("APP"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.App = args[0]
			var err error
			if opts.Delegated, err = permissions.ParseLists(delegated); err != nil {
				return cmdutil.FlagErrorf("--delegated: %v", err)
			}
			if opts.Application, err = permissions.ParseLists(application); err != nil {
				return cmdutil.FlagErrorf("--application: %v", err)
			}
			if runF != nil {
				return runF(opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&opts.Users, "users", false, "List the users with their own grants")
	fs.StringArrayVar(&delegated, "delegated", nil, "Compare with these delegated permissions, comma or space separated")
	fs.StringArrayVar(&application, "application", nil, "Compare with these application permissions (app roles), comma or space separated")
	return cmd
}

func showRun(ctx context.Context, opts *Options) error {
	g, err := opts.Graph(ctx, shared.ReadScopes...)
	if err != nil {
		return err
	}
	org, t, err := shared.ResolveTargetInTenant(ctx, g, opts.App)
	if err != nil {
		return err
	}
	cat, err := opts.Permissions(g, org.ID).Load(ctx, graph.MicrosoftGraphAppID)
	if err != nil {
		return err
	}
	res := &Result{AppID: t.AppID, DisplayName: t.Name, Vendor: t.Registration == nil, Resource: cat.DisplayName,
		Delegated: []string{}, Application: []string{}, ComparedWith: ComparedNothing}
	wantDel, wantApp := opts.Delegated, opts.Application
	switch {
	case len(wantDel)+len(wantApp) > 0:
		del, derr := cat.Resolve(permissions.Delegated, wantDel)
		roles, rerr := cat.Resolve(permissions.Application, wantApp)
		if err := errors.Join(derr, rerr); err != nil {
			return &cmdutil.FlagError{Err: err, HintText: cmdutil.HintFor(err)}
		}
		wantDel, wantApp = permissions.Values(del), permissions.Values(roles)
		res.ComparedWith = ComparedGiven
	case t.Registration != nil:
		wantDel, wantApp, res.Unknown = consent.Required(t.Registration, cat)
		res.ComparedWith = ComparedRegistration
	}
	if t.SP != nil {
		res.ServicePrincipalID = t.SP.ID
		if err := readConsent(ctx, g, opts.Users, t.SP.ID, cat, res); err != nil {
			return err
		}
	}
	res.MissingDelegated = missing(wantDel, res.Delegated)
	res.MissingApplication = missing(wantApp, res.Application)
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles) error { return Render(w, s, res) })
}

// readConsent fills in the grants and app role assignments of the client
// service principal on the catalog's API.
func readConsent(ctx context.Context, g graph.Client, users bool, clientID string, cat *permissions.Catalog, res *Result) error {
	grants, err := g.DelegatedGrants(ctx, clientID, cat.ResourceSPID)
	if err != nil {
		return err
	}
	for _, gr := range grants {
		if gr.ResourceID != cat.ResourceSPID {
			continue
		}
		if strings.EqualFold(gr.ConsentType, graph.ConsentAllPrincipals) {
			res.Delegated = append(res.Delegated, consent.SplitScopes(gr.Scope)...)
			continue
		}
		res.UserGrants++
		if !users {
			continue
		}
		ug := UserGrant{UserPrincipalName: gr.PrincipalID, ID: gr.PrincipalID, Scopes: consent.SplitScopes(gr.Scope)}
		u, err := g.UserByID(ctx, gr.PrincipalID)
		switch {
		case err == nil:
			ug.UserPrincipalName = u.UserPrincipalName
		case !graph.IsNotFound(err): // a deleted user keeps its object id
			return err
		}
		res.Users = append(res.Users, ug)
	}
	held, err := g.AppRoleAssignmentsOf(ctx, clientID)
	if err != nil {
		return err
	}
	for _, a := range held {
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
		if r.ComparedWith == ComparedGiven {
			against = "the given permissions"
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
