// Package show implements `teamsctl app show`.
package show

import (
	"context"
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
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of app show.
type Options struct {
	shared.Deps
	App string
}

// Permission is one permission the registration requests.
type Permission struct {
	Resource  string `json:"resource"`
	Name      string `json:"name"`
	Type      string `json:"type"` // delegated or application
	Consented bool   `json:"consented"`
}

// EnterpriseApp is the app's service principal in this tenant.
type EnterpriseApp struct {
	ID                 string `json:"id"`
	AssignmentRequired bool   `json:"assignmentRequired"`
	SignInEnabled      bool   `json:"signInEnabled"`
}

// Result describes an app registration.
type Result struct {
	AppID          string              `json:"appId"`
	ObjectID       string              `json:"objectId"`
	DisplayName    string              `json:"displayName"`
	UniqueName     string              `json:"uniqueName,omitempty"`
	SignInAudience string              `json:"signInAudience"`
	ManagedBy      string              `json:"managedBy,omitempty"`
	RedirectURIs   map[string][]string `json:"redirectUris"`
	EnterpriseApp  *EnterpriseApp      `json:"enterpriseApp"`
	Secrets        []appreg.Credential `json:"secrets"`
	Certificates   []appreg.Credential `json:"certificates"`
	Permissions    []Permission        `json:"permissions"`
	ConsentStatus  string              `json:"consentStatus"`
}

// NewCmdShow builds the command; runF replaces the run step in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f)}
	return &cobra.Command{
		Use:   "show APP",
		Short: "Show an app registration: redirect URIs, credentials, permissions, consent",
		Long: `Show an app registration of this tenant (APP: appId, object id or display
name): its redirect URIs, its enterprise app's access settings, its secrets
and certificates with their expiry (expired, or expiring within 30 days),
the Microsoft Graph permissions it requests by name and whether each is
consented tenant-wide.`,
		Example: `  teamsctl app show "elevato - MS Teams integration"
  teamsctl app show 4f8197c9-3167-482c-a6a9-e36cb4c156ba -o json`,
		Args: cmdutil.ExactArgs("APP"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.App = args[0]
			if runF != nil {
				return runF(opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
}

// needs are what app show reads: the registration, its enterprise app
// with its grants and app role assignments, Microsoft Graph's permission
// names, and the tenant.
var needs = permissions.Of(permissions.ReadApplications, permissions.ReadGrants, permissions.ReadOrganization)

func showRun(ctx context.Context, opts *Options) error {
	g, err := opts.Graph(ctx, needs...)
	if err != nil {
		return err
	}
	org, err := g.Organization(ctx)
	if err != nil {
		return err
	}
	app, err := appreg.Find(ctx, g, opts.App)
	if err != nil {
		return err
	}
	now := opts.Now()
	res := &Result{AppID: app.AppID, ObjectID: app.ID, DisplayName: app.DisplayName, UniqueName: app.UniqueName, SignInAudience: app.SignInAudience,
		RedirectURIs: map[string][]string{}, Secrets: appreg.Secrets(app, now), Certificates: appreg.Certificates(app, now), Permissions: []Permission{}}
	for _, t := range app.Tags {
		if t == appreg.Tag {
			res.ManagedBy = "teamsctl"
		}
	}
	for _, p := range appreg.Platforms {
		if uris := appreg.RedirectURIs(app, p); len(uris) > 0 {
			res.RedirectURIs[p] = uris
		}
	}
	sp, err := g.ServicePrincipalByAppID(ctx, app.AppID)
	if err != nil && !graph.IsNotFound(err) {
		return err
	}
	granted := map[string]bool{}
	roles := map[string]bool{}
	if sp != nil {
		res.EnterpriseApp = &EnterpriseApp{ID: sp.ID, AssignmentRequired: sp.AppRoleAssignmentRequired, SignInEnabled: sp.AccountEnabled}
		grants, err := g.DelegatedGrants(ctx, sp.ID, "")
		if err != nil {
			return err
		}
		for _, gr := range grants {
			if gr.ConsentType == graph.ConsentAllPrincipals {
				for _, s := range consent.SplitScopes(gr.Scope) {
					granted[strings.ToLower(gr.ResourceID+"/"+s)] = true
				}
			}
		}
		held, err := g.AppRoleAssignmentsOf(ctx, sp.ID)
		if err != nil {
			return err
		}
		for _, a := range held {
			roles[strings.ToLower(a.ResourceID+"/"+a.AppRoleID)] = true
		}
	}
	loader := opts.Permissions(g, org.ID)
	missing := 0
	for _, rra := range app.RequiredResourceAccess {
		cat, err := loader.Load(ctx, rra.ResourceAppID)
		if err != nil {
			return err
		}
		for _, ra := range rra.ResourceAccess {
			p := Permission{Resource: cat.DisplayName, Name: ra.ID, Type: "delegated"}
			if ra.Type == graph.PermissionTypeRole {
				p.Type = "application"
				if perm, ok := cat.ByID(permissions.Application, ra.ID); ok {
					p.Name = perm.Value
				}
				p.Consented = roles[strings.ToLower(cat.ResourceSPID+"/"+ra.ID)]
			} else {
				if perm, ok := cat.ByID(permissions.Delegated, ra.ID); ok {
					p.Name = perm.Value
				}
				p.Consented = granted[strings.ToLower(cat.ResourceSPID+"/"+p.Name)]
			}
			if !p.Consented {
				missing++
			}
			res.Permissions = append(res.Permissions, p)
		}
	}
	res.ConsentStatus = appreg.ConsentStatus(len(res.Permissions), missing, sp != nil)
	return cmdutil.Print(opts.IO, opts.Output(), res, Render)
}

// Render draws an app show result.
func Render(w io.Writer, s *ui.Styles, r *Result) error {
	fields := []ui.Field{
		{Key: "Name", Value: r.DisplayName},
		{Key: "Application (client) ID", Value: r.AppID},
		{Key: "Object ID", Value: r.ObjectID},
	}
	if r.UniqueName != "" {
		fields = append(fields, ui.Field{Key: "Unique name", Value: r.UniqueName})
	}
	fields = append(fields, ui.Field{Key: "Sign-in audience", Value: r.SignInAudience})
	for _, p := range appreg.Platforms {
		if uris, ok := r.RedirectURIs[p]; ok {
			fields = append(fields, ui.Field{Key: "Redirect URIs (" + p + ")", Value: strings.Join(uris, " ")})
		}
	}
	if e := r.EnterpriseApp; e != nil {
		fields = append(fields, ui.Field{Key: "Enterprise app", Value: fmt.Sprintf("%s (assignment required: %t, enabled for sign-in: %t)", e.ID, e.AssignmentRequired, e.SignInEnabled)})
	} else {
		fields = append(fields, ui.Field{Key: "Enterprise app", Value: "none"})
	}
	for _, c := range append(append([]appreg.Credential{}, r.Secrets...), r.Certificates...) {
		id := c.Hint + "..."
		if c.Kind == "certificate" {
			id = c.Thumbprint
		}
		fields = append(fields, ui.Field{Key: strings.ToUpper(c.Kind[:1]) + c.Kind[1:], Value: fmt.Sprintf("%s %s key %s ends %s (%s)", c.Name, id, c.KeyID, c.EndDateTime.Format("2006-01-02"), c.Status)})
	}
	for _, p := range r.Permissions {
		state := "consented"
		if !p.Consented {
			state = "not consented"
		}
		fields = append(fields, ui.Field{Key: "Permission", Value: fmt.Sprintf("%s %s (%s): %s", p.Resource, p.Name, p.Type, state)})
	}
	fields = append(fields, ui.Field{Key: "Consent", Value: r.ConsentStatus})
	return s.KeyValues(w, fields)
}
