// Package assign implements `teamsctl app assign`, `app unassign` and
// `app assignments`: which users and groups may use an enterprise app.
package assign

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/plan"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of app assign and app unassign.
type Options struct {
	shared.Deps
	App    string
	User   string
	Group  string
	DryRun bool
	Remove bool
	// AsUsers assigns the group's direct members as users instead of the
	// group (a tenant without Entra ID P1, or a group that cannot be
	// assigned).
	AsUsers bool
}

// Result is what app assign or unassign did.
type Result struct {
	DryRun             bool              `json:"dryRun"`
	AppID              string            `json:"appId"`
	DisplayName        string            `json:"displayName"`
	ServicePrincipalID string            `json:"servicePrincipalId"`
	Principal          consent.Principal `json:"principal"`
	// Members are the group's direct members assigned as users (--as-users).
	Members            []consent.Principal `json:"members,omitempty"`
	AssignmentRequired bool                `json:"assignmentRequired"`
	Plan               plan.Steps          `json:"plan"`
}

// NewCmdAssign builds `app assign`; runF replaces the run step in tests.
func NewCmdAssign(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	return newCmd(f, runF, false)
}

// NewCmdUnassign builds `app unassign`; runF replaces the run step in tests.
func NewCmdUnassign(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	return newCmd(f, runF, true)
}

func newCmd(f *cmdutil.Factory, runF func(*Options) error, remove bool) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f), Remove: remove}
	cmd := &cobra.Command{
		Use:   "assign APP (--user UPN | --group NAME)",
		Short: "Let a user or group use an enterprise app that requires assignment",
		Long: `Assign a user or a group to APP's enterprise app (default access). When the
app requires assignment ('teamsctl app access APP --assignment-required=true'),
only assigned users and direct members of assigned groups may sign in;
others get AADSTS50105. Assigning someone already assigned changes nothing.

A group gives its members access only in a tenant with Microsoft Entra ID P1
or P2, and only when it is a security group or a Microsoft 365 group (not a
distribution list); members of groups nested in it get nothing. Before
assigning a group that would give nobody access, app assign says why and
offers to assign the group's direct members as users instead (--as-users;
colleagues who join the group later then need assigning too).

APP is an app of this tenant (name, appId or object id) or a vendor's appId
whose enterprise app exists here.`,
		Example: `  teamsctl app assign c0ec60b5-60a8-4768-8053-870f11315492 --group Recruiters
  teamsctl app assign "elevato - MS Teams integration" --user rita.recruiter@contoso.onmicrosoft.com
  # a tenant without Entra ID P1: assign the group's members one by one
  teamsctl app assign c0ec60b5-60a8-4768-8053-870f11315492 --group Recruiting --as-users`,
		Args: cmdutil.ExactArgs("APP"),
		RunE: func(cmd *cobra.Command, args []string) error {
			app, err := cmdutil.AppArg("APP", args[0])
			if err != nil {
				return err
			}
			opts.App = app
			if (opts.User == "") == (opts.Group == "") {
				return cmdutil.FlagErrorf("give exactly one of --user UPN or --group NAME")
			}
			if opts.AsUsers && opts.Group == "" {
				return cmdutil.FlagErrorf("--as-users assigns a group's members: give --group NAME")
			}
			if runF != nil {
				return runF(opts)
			}
			return assignRun(cmd.Context(), opts)
		},
	}
	if remove {
		cmd.Use = "unassign APP (--user UPN | --group NAME)"
		cmd.Short = "Remove a user's or group's assignment to an enterprise app"
		cmd.Long = `Remove the assignments of a user or a group to APP's enterprise app. When the
app requires assignment, they can no longer sign in (AADSTS50105).
Removing someone who is not assigned is an error and changes nothing.`
		cmd.Example = `  teamsctl app unassign c0ec60b5-60a8-4768-8053-870f11315492 --group Recruiters`
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.User, "user", "", "The user, by UPN or object id")
	fs.StringVar(&opts.Group, "group", "", "The group, by display name or object id")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "Print the plan and change nothing")
	if !remove {
		fs.BoolVar(&opts.AsUsers, "as-users", false, "Assign the group's direct members as users instead of the group")
	}
	return cmd
}

// assignNeeds are what assign and unassign do: resolve APP to its
// enterprise app and the user or group, read the app's assignments and
// the signed-in admin's roles, then add or remove an assignment.
var assignNeeds = permissions.Of(permissions.ReadApplications, permissions.ReadUsers, permissions.ReadGroups,
	permissions.ReadSubscriptions, permissions.ReadMyRoles, permissions.WriteAssignments)

// listNeeds are what assignments reads: the enterprise app and its
// assignments.
var listNeeds = permissions.Of(permissions.ReadApplications)

func assignRun(ctx context.Context, opts *Options) error {
	g, err := opts.Graph(ctx, assignNeeds...)
	if err != nil {
		return err
	}
	t, err := shared.ResolveEnterpriseApp(ctx, g, opts.App)
	if err != nil {
		return err
	}
	p, err := shared.ResolvePrincipal(ctx, g, opts.User, opts.Group)
	if err != nil {
		return err
	}
	if err := consent.CheckRoles(ctx, g, "", consent.OpManageApps); err != nil {
		return err
	}
	var members []consent.Principal
	if p.Type == "Group" && !opts.Remove {
		if members, err = membersInstead(ctx, opts, g, t.SP, p); err != nil {
			return err
		}
	}
	eng := &consent.Engine{Graph: g, DryRun: opts.DryRun}
	switch {
	case opts.Remove:
		err = eng.Unassign(ctx, t.SP, p)
	case members != nil:
		err = eng.AssignAll(ctx, t.SP, members)
	default:
		err = eng.Assign(ctx, t.SP, p)
	}
	if err != nil {
		return err
	}
	res := &Result{DryRun: opts.DryRun, AppID: t.AppID, DisplayName: t.SP.DisplayName, ServicePrincipalID: t.SP.ID,
		Principal: p, Members: members, AssignmentRequired: t.SP.AppRoleAssignmentRequired, Plan: eng.Steps}
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *Result) error {
		if res.DryRun {
			fmt.Fprintln(w, "Plan (dry run, nothing was changed):")
		}
		res.Plan.Render(w, s)
		if !res.AssignmentRequired && !res.DryRun {
			fmt.Fprintf(opts.IO.ErrOut, "note: %s does not require assignment, so every user may sign in; 'teamsctl app access APP --assignment-required=true' restricts it\n", res.DisplayName)
		}
		if res.Members != nil {
			fmt.Fprintf(opts.IO.ErrOut, "note: %d direct member(s) of %s assigned as users; colleagues who join %s later need assigning too\n", len(res.Members), p.Name, p.Name)
		}
		return nil
	})
}

// membersInstead decides, before anything is written, whether a group is
// assigned as itself or through its direct members as users: with
// --as-users, or when assigning the group would give nobody access and the
// admin agrees at the prompt. It returns nil to assign the group itself.
// Off a terminal, a group that would give nobody access is an error that
// names --as-users.
func membersInstead(ctx context.Context, opts *Options, g graph.Client, sp *graph.ServicePrincipal, p consent.Principal) ([]consent.Principal, error) {
	if !opts.AsUsers {
		group, err := g.Group(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		skus, err := g.SubscribedSkus(ctx)
		if err != nil {
			return nil, err
		}
		ok, why := graph.GroupGrantsAccess(*group, graph.EntraIDPremium(skus) != "")
		if ok {
			return nil, nil
		}
		problem := fmt.Errorf("assigning %s to %s would give nobody access: %s; nothing was changed", p.Name, sp.DisplayName, why)
		instead := fmt.Sprintf("teamsctl app assign %s --group %s --as-users", sp.AppID, shellQuote(p.Name))
		if !opts.IO.CanPrompt() {
			return nil, cmdutil.WithHint(problem, "Assign the group's direct members as users instead: "+instead+" (colleagues who join the group later need assigning too).")
		}
		fmt.Fprintf(opts.IO.ErrOut, "%s.\n", strings.TrimSuffix(problem.Error(), "; nothing was changed"))
		if err := shared.Confirm(opts.IO, false, "Assign its direct members as users instead?"); err != nil {
			return nil, err
		}
	}
	users, err := g.GroupUserMembers(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, fmt.Errorf("%s has no users as direct members; nothing was changed", p.Name)
	}
	members := make([]consent.Principal, 0, len(users))
	for _, u := range users {
		members = append(members, consent.Principal{ID: u.ID, Type: "User", Name: u.UserPrincipalName})
	}
	return members, nil
}

func shellQuote(s string) string {
	if strings.ContainsAny(s, " '\"$") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

// ListOptions are the inputs of app assignments.
type ListOptions struct {
	shared.Deps
	App string
}

// ListResult is who is assigned to an enterprise app.
type ListResult struct {
	AppID              string                    `json:"appId"`
	DisplayName        string                    `json:"displayName"`
	ServicePrincipalID string                    `json:"servicePrincipalId"`
	AssignmentRequired bool                      `json:"assignmentRequired"`
	Assignments        []graph.AppRoleAssignment `json:"assignments"`
}

// NewCmdAssignments builds `app assignments`.
func NewCmdAssignments(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Deps: shared.FromFactory(f)}
	return &cobra.Command{
		Use:   "assignments APP",
		Short: "List the users and groups assigned to an enterprise app",
		Long: `List the users and groups assigned to APP's enterprise app, and whether the
app requires assignment.`,
		Example: `  teamsctl app assignments c0ec60b5-60a8-4768-8053-870f11315492`,
		Args:    cmdutil.ExactArgs("APP"),
		RunE: func(cmd *cobra.Command, args []string) error {
			app, err := cmdutil.AppArg("APP", args[0])
			if err != nil {
				return err
			}
			opts.App = app
			if runF != nil {
				return runF(opts)
			}
			return assignmentsRun(cmd.Context(), opts)
		},
	}
}

func assignmentsRun(ctx context.Context, opts *ListOptions) error {
	g, err := opts.Graph(ctx, listNeeds...)
	if err != nil {
		return err
	}
	t, err := shared.ResolveEnterpriseApp(ctx, g, opts.App)
	if err != nil {
		return err
	}
	list, err := (&consent.Engine{Graph: g}).Assignments(ctx, t.SP)
	if err != nil {
		return err
	}
	res := &ListResult{AppID: t.AppID, DisplayName: t.SP.DisplayName, ServicePrincipalID: t.SP.ID,
		AssignmentRequired: t.SP.AppRoleAssignmentRequired, Assignments: list}
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *ListResult) error {
		if opts.IO.IsStdoutTTY() {
			fmt.Fprintf(w, "%s: assignment required: %t\n", res.DisplayName, res.AssignmentRequired)
		}
		rows := [][]string{}
		for _, a := range res.Assignments {
			rows = append(rows, []string{a.PrincipalType, a.PrincipalDisplayName, a.PrincipalID})
		}
		if len(rows) == 0 {
			if opts.IO.IsStdoutTTY() {
				fmt.Fprintln(w, "No users or groups are assigned.")
			}
			return nil
		}
		return s.Table(w, []string{"TYPE", "NAME", "ID"}, rows)
	})
}
