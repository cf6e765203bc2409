// Package requests implements `teamsctl consent requests list|approve|deny`:
// the admin consent workflow's requests, reviewed from the command line.
package requests

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/plan"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// NewCmdRequests builds `teamsctl consent requests`.
func NewCmdRequests(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "requests <command>",
		Short: "List, approve and deny users' admin consent requests",
		Long: `With the admin consent workflow on, a user who may not consent to an app
(a recruiter connecting the vendor's integration) sees "Approval required"
(AADSTS90095) and can send a request to the reviewers. These commands review
those requests: list the pending ones, approve one (grant exactly the
permissions requested, for all users, merged into the app's existing grant
as 'consent grant' does, then record the approval on each user's request) or
deny one with a reason, which Entra passes on to the users.

Reviewing needs ConsentRequest.ReadWrite.All and one of Global Administrator,
Cloud Application Administrator or Application Administrator.`,
		Args: cobra.ArbitraryArgs,
		RunE: cmdutil.RunGroup,
	}
	cmd.AddCommand(NewCmdList(f, nil), NewCmdApprove(f, nil), NewCmdDeny(f, nil))
	return cmd
}

// listNeeds read the requests; approveNeeds also create the enterprise
// app, read and write the delegated grants, read the admin's roles and
// record the decision; denyNeeds read and record.
var (
	listNeeds    = permissions.Of(permissions.ReadConsentRequests)
	approveNeeds = permissions.Of(permissions.ReadConsentRequests, permissions.ReviewConsentRequests, permissions.ReadOrganization,
		permissions.WriteServicePrincipals, permissions.ReadGrants, permissions.WriteGrants, permissions.ReadMyRoles)
	denyNeeds = permissions.Of(permissions.ReadConsentRequests, permissions.ReviewConsentRequests)
)

// ListOptions are the inputs of consent requests list.
type ListOptions struct {
	shared.Deps
}

// ListResult is the pending requests.
type ListResult struct {
	Requests []Request `json:"requests"`
}

// Request is one app's pending request as list shows it.
type Request struct {
	ID             string    `json:"id"`
	AppID          string    `json:"appId"`
	AppDisplayName string    `json:"appDisplayName"`
	PendingScopes  []string  `json:"pendingScopes"`
	Users          []User    `json:"users"`
	FirstRequested time.Time `json:"firstRequested,omitzero"`
}

// User is one user's request.
type User struct {
	ID                string    `json:"id"`
	UserPrincipalName string    `json:"userPrincipalName,omitempty"`
	DisplayName       string    `json:"displayName,omitempty"`
	Reason            string    `json:"reason,omitempty"`
	CreatedDateTime   time.Time `json:"createdDateTime,omitzero"`
}

func toRequest(p consent.PendingRequest) Request {
	r := Request{ID: p.ID, AppID: p.AppID, AppDisplayName: p.AppDisplayName, PendingScopes: p.PendingScopes, Users: []User{}}
	if r.PendingScopes == nil {
		r.PendingScopes = []string{}
	}
	for _, u := range p.Users {
		r.Users = append(r.Users, User{ID: u.ID, UserPrincipalName: u.UserPrincipalName, DisplayName: u.UserDisplayName, Reason: u.Reason, CreatedDateTime: u.CreatedDateTime})
		if !u.CreatedDateTime.IsZero() && (r.FirstRequested.IsZero() || u.CreatedDateTime.Before(r.FirstRequested)) {
			r.FirstRequested = u.CreatedDateTime
		}
	}
	return r
}

// NewCmdList builds `consent requests list`; runF replaces the run step in
// tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Deps: shared.FromFactory(f)}
	return &cobra.Command{
		Use:   "list",
		Short: "List the pending admin consent requests: app, permissions, who asked and when",
		Long: `List the admin consent requests still in progress: one row per app, with the
request id, the app, the permissions requested, the users who asked and when
the first asked. Decided and expired requests are not listed.`,
		Example: `  teamsctl consent requests list
  teamsctl consent requests list -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
}

func listRun(ctx context.Context, opts *ListOptions) error {
	g, err := opts.Graph(ctx, listNeeds...)
	if err != nil {
		return err
	}
	pending, err := consent.Pending(ctx, g)
	if err != nil {
		return explain(err)
	}
	res := &ListResult{Requests: []Request{}}
	for _, p := range pending {
		res.Requests = append(res.Requests, toRequest(p))
	}
	slices.SortFunc(res.Requests, func(a, b Request) int { return a.FirstRequested.Compare(b.FirstRequested) })
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *ListResult) error {
		if len(res.Requests) == 0 {
			fmt.Fprintln(w, "No pending admin consent requests.")
			return nil
		}
		rows := [][]string{}
		for _, r := range res.Requests {
			var who []string
			for _, u := range r.Users {
				who = append(who, cmdOr(u.UserPrincipalName, u.DisplayName, u.ID))
			}
			when := ""
			if !r.FirstRequested.IsZero() {
				when = r.FirstRequested.UTC().Format("2006-01-02 15:04")
			}
			rows = append(rows, []string{r.ID, r.AppDisplayName, r.AppID, strings.Join(r.PendingScopes, " "), strings.Join(who, ", "), when})
		}
		return s.Table(w, []string{"REQUEST", "APP", "APP ID", "PERMISSIONS", "REQUESTED BY", "FIRST REQUESTED (UTC)"}, rows)
	})
}

func cmdOr(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// DecideOptions are the inputs of approve and deny.
type DecideOptions struct {
	shared.Deps
	Request string
	Reason  string
	// Yes skips approve's confirmation.
	Yes bool
}

// DecideResult is what approve or deny did.
type DecideResult struct {
	Request   Request              `json:"request"`
	Decision  string               `json:"decision"` // Approve or Deny
	Delegated *consent.GrantResult `json:"delegated,omitempty"`
	Recorded  []consent.Decision   `json:"recorded"`
	Plan      plan.Steps           `json:"plan,omitempty"`
	// Nothing is set when there was nothing pending (decided already).
	Nothing string `json:"nothingPending,omitempty"`
}

// NewCmdApprove builds `consent requests approve`; runF replaces the run
// step in tests.
func NewCmdApprove(f *cmdutil.Factory, runF func(*DecideOptions) error) *cobra.Command {
	opts := &DecideOptions{Deps: shared.FromFactory(f)}
	cmd := &cobra.Command{
		Use:   "approve REQUEST",
		Short: "Approve a request: grant exactly what was requested, then record the approval",
		Long: `Approve the pending admin consent request REQUEST (its id, or the app's appId
or display name, as 'consent requests list' shows them): the permissions it
requests are granted for all users, merged into the app's existing grant
(nothing is removed; the enterprise app is created first when the tenant has
none), then the approval is recorded on each user's request, with --reason
as the justification. A request a user sends after the list was read stays
pending. Interrupted, running it again finishes the job: the grant is then
unchanged and only the requests not yet recorded are.

Approving asks for confirmation on a terminal, after showing what would be
granted; elsewhere pass --yes (without it, exit 2 and nothing changes). The
prompt (and with --yes, a warning) names high-privilege scopes
(*.ReadWrite.All, Directory.*, AppRoleAssignment.*, RoleManagement.*, ...)
and Microsoft's shared first-party clients (Microsoft Graph Command Line
Tools, Graph Explorer, Azure CLI, Azure PowerShell), whose grant lets any
user's script use those scopes.`,
		Example: `  teamsctl consent requests approve "Vendor Mobile" --reason "recruiting integration, checked with HR"
  teamsctl consent requests approve REQUEST-ID --yes`,
		Args: cmdutil.ExactArgs("REQUEST"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Request = args[0]
			if runF != nil {
				return runF(opts)
			}
			return approveRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "Justification recorded with the approval (default: what was granted)")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "Do not ask for confirmation")
	return cmd
}

// approveRisks are the warnings an approval of req for scopes carries: the
// high-privilege scopes it grants for all users, and a shared Microsoft
// client that any user's tool signs in with.
func approveRisks(req *consent.PendingRequest, scopes []string) []string {
	var out []string
	if high := consent.HighPrivilege(scopes); len(high) > 0 {
		out = append(out, fmt.Sprintf("high-privilege permissions, granted for all users: %s", strings.Join(high, ", ")))
	}
	if name, ok := consent.SharedMicrosoftClient(req.AppID); ok {
		out = append(out, fmt.Sprintf("%s (%s) is a shared Microsoft first-party client: any user's script or tool signing in with it gets these permissions, not one vendor's integration", name, req.AppID))
	}
	return out
}

// confirmApprove shows what approving req grants and asks (on a terminal
// without --yes); off a terminal without --yes it refuses (exit 2). The
// risks are warned about either way.
func confirmApprove(opts *DecideOptions, req *consent.PendingRequest, scopes []string) error {
	risks := approveRisks(req, scopes)
	q := fmt.Sprintf("Grant %s (%s) %s for all users and approve %d user request(s)", req.AppDisplayName, req.AppID, strings.Join(scopes, " "), len(req.Users))
	if opts.Yes || !opts.IO.CanPrompt() {
		for _, r := range risks {
			opts.Warn(r)
		}
		return shared.Confirm(opts.IO, opts.Yes, q)
	}
	fmt.Fprintln(opts.IO.ErrOut, q+".")
	for _, r := range risks {
		opts.Warn(r)
	}
	return shared.Confirm(opts.IO, false, "Approve")
}

// NewCmdDeny builds `consent requests deny`; runF replaces the run step
// in tests.
func NewCmdDeny(f *cmdutil.Factory, runF func(*DecideOptions) error) *cobra.Command {
	opts := &DecideOptions{Deps: shared.FromFactory(f)}
	cmd := &cobra.Command{
		Use:   "deny REQUEST --reason TEXT",
		Short: "Deny a request with a reason the users are told",
		Long: `Deny the pending admin consent request REQUEST (its id, or the app's appId or
display name): the denial and --reason are recorded on each user's request,
and Entra tells the users. Nothing is granted or revoked. A user may ask
again later. Running it again changes nothing.`,
		Example: `  teamsctl consent requests deny "Vendor Mobile" --reason "use the approved ATS integration instead"`,
		Args:    cmdutil.ExactArgs("REQUEST"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Request = args[0]
			if strings.TrimSpace(opts.Reason) == "" {
				return cmdutil.FlagErrorWithHint(errors.New("--reason is required to deny: Entra passes it on to the users who asked"),
					`Add --reason "why", e.g. --reason "use the approved integration instead".`)
			}
			if runF != nil {
				return runF(opts)
			}
			return denyRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "Why the request is denied (required; the users are told)")
	return cmd
}

// find returns the pending request opts names, or a result saying it was
// decided already (a re-run), or an error when there is no such request.
func find(ctx context.Context, g graph.ConsentRequests, ref string) (*consent.PendingRequest, *DecideResult, error) {
	pending, err := consent.Pending(ctx, g)
	if err != nil {
		return nil, nil, explain(err)
	}
	req, err := consent.FindRequest(pending, ref)
	if err != nil {
		return nil, nil, cmdutil.FlagErrorWithHint(err, "Run 'teamsctl consent requests list' to see the request ids.")
	}
	if req != nil {
		return req, nil, nil
	}
	all, err := g.AppConsentRequests(ctx, false)
	if err != nil {
		return nil, nil, explain(err)
	}
	for _, r := range all {
		if strings.EqualFold(r.ID, ref) || strings.EqualFold(r.AppID, ref) || strings.EqualFold(r.AppDisplayName, ref) {
			return nil, &DecideResult{Request: toRequest(consent.PendingRequest{AppConsentRequest: r}), Recorded: []consent.Decision{},
				Nothing: fmt.Sprintf("Nothing pending for %s: its requests were decided already.", r.AppDisplayName)}, nil
		}
	}
	return nil, nil, cmdutil.WithHint(fmt.Errorf("no admin consent request for %q", ref), "Run 'teamsctl consent requests list' to see the pending requests.")
}

func approveRun(ctx context.Context, opts *DecideOptions) error {
	g, err := opts.Graph(ctx, approveNeeds...)
	if err != nil {
		return err
	}
	req, done, err := find(ctx, g, opts.Request)
	if err != nil {
		return err
	}
	if done != nil {
		done.Decision = graph.ReviewApprove
		return printDecision(opts, done)
	}
	org, err := g.Organization(ctx)
	if err != nil {
		return err
	}
	loader := opts.Permissions(g, org.ID)
	cat, err := loader.Load(ctx, graph.MicrosoftGraphAppID)
	if err != nil {
		return err
	}
	scopes, err := cat.Resolve(permissions.Delegated, req.PendingScopes)
	if err != nil {
		return fmt.Errorf("the request for %s names a permission that is not a delegated permission of %s, so teamsctl cannot grant exactly what was asked: %w; nothing was changed",
			req.AppDisplayName, cat.DisplayName, err)
	}
	if err := consent.CheckRoles(ctx, g, "", consent.OpDelegatedTenantWide); err != nil {
		return err
	}
	opts.IO.StopProgress()
	if err := confirmApprove(opts, req, permissions.Values(scopes)); err != nil {
		return err
	}
	justification := opts.Reason
	if justification == "" {
		justification = "Approved with teamsctl: granted " + strings.Join(permissions.Values(scopes), " ") + " for all users."
	}
	eng := &consent.Engine{Graph: g, Wait: opts.Waiter(0), StaleResource: loader.ForgetCached}
	resource := &graph.ServicePrincipal{ID: cat.ResourceSPID, AppID: cat.ResourceAppID, DisplayName: cat.DisplayName}
	gr, decisions, err := eng.ApproveRequest(ctx, g, req, resource, permissions.Values(scopes), justification)
	opts.IO.StopProgress()
	res := &DecideResult{Request: toRequest(*req), Decision: graph.ReviewApprove, Delegated: gr, Recorded: decisions, Plan: eng.Steps}
	if err != nil {
		if len(eng.Steps) > 0 {
			fmt.Fprintln(opts.IO.ErrOut, "Steps so far:")
			eng.Steps.Render(opts.IO.ErrOut, opts.IO.ErrStyles())
		}
		if gr == nil { // the grant failed: the admin's roles explain a refusal
			return consent.ExplainForbidden(err, consent.OpDelegatedTenantWide, "")
		}
		return explain(err)
	}
	return printDecision(opts, res)
}

func denyRun(ctx context.Context, opts *DecideOptions) error {
	g, err := opts.Graph(ctx, denyNeeds...)
	if err != nil {
		return err
	}
	req, done, err := find(ctx, g, opts.Request)
	if err != nil {
		return err
	}
	if done != nil {
		done.Decision = graph.ReviewDeny
		return printDecision(opts, done)
	}
	decisions, err := consent.Review(ctx, g, req, graph.ReviewDeny, opts.Reason)
	if err != nil {
		return explain(err)
	}
	return printDecision(opts, &DecideResult{Request: toRequest(*req), Decision: graph.ReviewDeny, Recorded: decisions})
}

func printDecision(opts *DecideOptions, res *DecideResult) error {
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *DecideResult) error {
		if res.Nothing != "" {
			fmt.Fprintln(w, res.Nothing)
			return nil
		}
		res.Plan.Render(w, s)
		verb := "Approved"
		if res.Decision == graph.ReviewDeny {
			verb = "Denied"
		}
		for _, d := range res.Recorded {
			note := ""
			if d.Already {
				note = " (recorded before)"
			}
			fmt.Fprintf(w, "%s %s the request of %s for %s%s\n", s.SuccessMark(), verb, cmdOr(d.UserPrincipalName, d.UserRequestID), res.Request.AppDisplayName, note)
		}
		if res.Delegated != nil {
			fmt.Fprintf(w, "Delegated permissions now granted for all users: %s\n", strings.Join(res.Delegated.After, " "))
		}
		return nil
	})
}

// explain adds what to do to Graph's refusals of the appConsent API.
func explain(err error) error {
	var fb *graph.Forbidden
	if errors.As(err, &fb) {
		return cmdutil.WithHint(err, "Reviewing admin consent requests needs ConsentRequest.ReadWrite.All ('teamsctl login --scopes ConsentRequest.ReadWrite.All') and one of Global Administrator, Cloud Application Administrator or Application Administrator.")
	}
	var other *consent.DecidedOtherwiseError
	if errors.As(err, &other) {
		return cmdutil.WithHint(err, "A decision cannot be changed; the user can send a new request.")
	}
	return err
}
