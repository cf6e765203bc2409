// Package doctor answers "why can't this recruiter connect the
// integration?": it reads the tenant's consent and Conditional Access
// settings, the app registration, the enterprise app and, per user,
// assignment, consent, licences, Conditional Access and recent sign-ins,
// and turns them into checks with a status, what was seen, why it matters
// and the fix.
//
// It is plain Go over graph interfaces: Run gathers facts (independent
// reads concurrently, in at most three waves), then evaluates every
// check from the facts alone. Commands (doctor, and later setup) build
// Expectations, call Run and print the Report.
package doctor

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// SchemaVersion is the version of the Report's JSON (docs/doctor.md).
// Additive changes keep it; renaming or removing a field bumps it.
const SchemaVersion = 1

// Status is a check's outcome.
type Status string

const (
	Pass Status = "pass"
	Warn Status = "warn"
	Fail Status = "fail"
	// Skip: the check could not run (a missing permission, or a fact it
	// depends on is unknown); Observed says why.
	Skip Status = "skip"
	// Info: a manual check Graph cannot see, with the steps to do it.
	Info Status = "info"
	// Downstream: the check fails or warns only because another check
	// failed (Because names it); fixing that one fixes this one too, so it
	// is not counted as a failure of its own.
	Downstream Status = "downstream"
)

// Group is where a check belongs in the report, in report order.
type Group string

const (
	GroupTenant        Group = "tenant"
	GroupApp           Group = "app"
	GroupEnterpriseApp Group = "enterpriseApp"
	GroupUser          Group = "user"
	GroupTeams         Group = "teams"
)

var groupOrder = []Group{GroupTenant, GroupApp, GroupEnterpriseApp, GroupUser, GroupTeams}

// Fix says how to resolve a finding: a teamsctl command where one exists,
// otherwise a portal path or PowerShell. Automatic is true when doctor
// --fix can apply it (safe and scoped to this app or user). TradeOff is
// set for tenant-wide settings doctor never changes itself.
type Fix struct {
	Command    string `json:"command,omitempty"`
	Portal     string `json:"portal,omitempty"`
	PowerShell string `json:"powershell,omitempty" text:"lines"` // may span lines
	Note       string `json:"note,omitempty"`
	TradeOff   string `json:"tradeOff,omitempty"`
	Automatic  bool   `json:"automatic"`
}

// Check is one finding.
type Check struct {
	ID    string `json:"id"`
	Group Group  `json:"group"`
	// Subject is the user a per-user check is about (UPN as given).
	Subject  string `json:"subject,omitempty"`
	Title    string `json:"title"`
	Status   Status `json:"status"`
	Observed string `json:"observed"`
	Why      string `json:"why,omitempty"`
	Fix      *Fix   `json:"fix,omitempty"`
	// MissingPermissions are what the token lacked for a skipped check.
	MissingPermissions []string `json:"missingPermissions,omitempty"`
	// Fixed is true when --fix repaired what this check found.
	Fixed bool `json:"fixed,omitempty"`
	// Because names the root cause of a downstream check: the failing
	// check's id, with " (subject)" for a per-user check.
	Because string `json:"because,omitempty"`
	// RootCause is true for a failing check other checks are downstream of.
	RootCause bool `json:"rootCause,omitempty"`

	action *Action
}

// Action is the automatic fix of a check, if any.
func (c *Check) Action() *Action { return c.action }

// Expectations are what the integration needs; vendor presets
// fill them, doctor's flags do for now. Zero values mean "unknown": the
// checks then compare against what the app registration asks for, or
// report what they see.
type Expectations struct {
	// App is the APP argument: an appId, object id or display name.
	App string `json:"app,omitempty"`
	// DelegatedScopes are Microsoft Graph delegated permissions (User.Read).
	DelegatedScopes []string `json:"delegatedScopes,omitempty"`
	// ApplicationRoles are Microsoft Graph application permissions.
	ApplicationRoles []string `json:"applicationRoles,omitempty"`
	// RedirectURIs the vendor needs on the Web platform.
	RedirectURIs []string `json:"redirectUris,omitempty"`
	// InstanceRedirects, when RedirectURIs is empty, are the vendor's
	// redirect URIs on the customer's own instance (a preset's
	// {instance}), which doctor reads from the app's registered URIs.
	InstanceRedirects *InstanceRedirects `json:"instanceRedirects,omitempty"`
	// NeedsSecret: the vendor needs a client secret (customer-registered
	// apps). Nil: true when the app has secrets or Web redirect URIs.
	NeedsSecret *bool `json:"needsSecret,omitempty"`
	// NeedsPublicClient: a flow needs "Allow public client flows".
	NeedsPublicClient bool `json:"needsPublicClient,omitempty"`
	// MeetingKind is "onlineMeeting" (Teams meeting), "event" (Outlook
	// event with a Teams link) or "" (unknown).
	MeetingKind string `json:"meetingKind,omitempty"`
	// NeedsTeams and NeedsMailbox say whether each user needs a Microsoft
	// Teams licence and an Exchange Online mailbox. Nil: Teams is needed,
	// and a mailbox for events and mail or calendar permissions (else
	// unknown, and a missing one only warns).
	NeedsTeams   *bool `json:"needsTeams,omitempty"`
	NeedsMailbox *bool `json:"needsMailbox,omitempty"`
	// VerifiedPublisher is the verified publisher Entra shows for a
	// vendor's app, when the vendor is one: before the app's enterprise
	// app exists, it is how doctor knows users may consent to its
	// low-impact permissions.
	VerifiedPublisher string `json:"verifiedPublisher,omitempty"`
	// AccessPolicy names the Teams application access policy an app-only
	// meeting integration needs ("" for the default name).
	AccessPolicy string `json:"accessPolicy,omitempty"`
	// UserConsent: consent is left to each user (setup --consent user), so
	// a missing enterprise app is expected (the first user's consent
	// creates it) and what users may not consent to is the failure.
	UserConsent bool `json:"userConsent,omitempty"`
	// VendorHosted: the app is a vendor's, whose credentials the tenant
	// does not hold, so teamsctl cannot sign in as it.
	VendorHosted bool `json:"vendorHosted,omitempty"`
	// NeedsRooms: the integration lists the tenant's meeting rooms.
	NeedsRooms bool `json:"needsRooms,omitempty"`
	// Licences each user must hold: one SKU of each requirement.
	Licences []LicenceRequirement `json:"licences,omitempty"`
}

// InstanceRedirects describe redirect URIs that depend on the customer's
// vendor instance (https://acme.elevato.net/...), when no instance was
// given: the app registration itself says which instance it was set up
// for.
type InstanceRedirects struct {
	// Templates are the vendor's URIs with {instance}, for people.
	Templates []string `json:"templates"`
	// Default are the URIs on the vendor's default instance, expected
	// when no registered URI is on any instance; empty when the vendor
	// has none.
	Default []string `json:"default,omitempty"`
	// Example are the URIs on an example instance, for the fix.
	Example []string `json:"example,omitempty"`
	// Match returns the vendor's URIs on each instance the registered
	// URIs are on (nil when none is).
	Match func(registered []string) []string `json:"-"`
}

// LicenceRequirement is a licence an integration requires: one of SKUs
// (skuPartNumber values), named for people.
type LicenceRequirement struct {
	Name string   `json:"name"`
	SKUs []string `json:"skus"`
}

// Token describes the caller's sign-in; the pre-flight compares its
// permissions with what each read needs.
type Token struct {
	TenantID    string   `json:"tenantId,omitempty"`
	AppOnly     bool     `json:"appOnly"`
	Permissions []string `json:"permissions"`
}

func (t Token) has(any []string) bool {
	for _, p := range t.Permissions {
		for _, want := range any {
			if strings.EqualFold(p, want) {
				return true
			}
		}
	}
	return false
}

// Graph is what doctor reads.
type Graph interface {
	graph.Policies
	ServicePrincipalByAppID(ctx context.Context, appID string) (*graph.ServicePrincipal, error)
	ApplicationByAppID(ctx context.Context, appID string) (*graph.Application, error)
	Application(ctx context.Context, objectID string) (*graph.Application, error)
	ApplicationsByName(ctx context.Context, name string) ([]graph.Application, error)
	DefaultAppManagementPolicy(ctx context.Context) (*graph.AppManagementPolicy, error)
	AppRoleAssignmentsOf(ctx context.Context, principalSPID string) ([]graph.AppRoleAssignment, error)
}

// DefaultConcurrency bounds doctor's parallel reads: enough for one wave
// of a run with a few users (a run reads at most about 25 objects), well
// under the concurrency at which Graph starts throttling one client.
const DefaultConcurrency = 16

// Options configure Run.
type Options struct {
	Graph Graph
	Token Token
	Now   func() time.Time
	// Users are the --user UPNs (or object ids), in the order given.
	Users []string
	// Concurrency bounds parallel reads (default DefaultConcurrency).
	Concurrency int
}

// AppInfo identifies the app the report is about.
type AppInfo struct {
	Ref                string `json:"ref"`
	AppID              string `json:"appId,omitempty"`
	DisplayName        string `json:"displayName,omitempty"`
	Kind               string `json:"kind"` // own, vendor or unknown
	ServicePrincipalID string `json:"servicePrincipalId,omitempty"`
}

// Report is doctor's result; its JSON is documented in docs/doctor.md.
type Report struct {
	SchemaVersion int          `json:"schemaVersion"`
	App           *AppInfo     `json:"app,omitempty"`
	Users         []string     `json:"users"`
	Expectations  Expectations `json:"expectations"`
	Token         Token        `json:"token"`
	Checks        []Check      `json:"checks"`
	Fixes         []FixResult  `json:"fixes,omitempty"`
	Summary       Summary      `json:"summary"`
}

// Summary counts checks by status. Result is "ok", "warnings" or
// "failed" (warnings count as failures with --strict); downstream checks
// count toward their root cause's result only.
type Summary struct {
	Pass       int    `json:"pass"`
	Warn       int    `json:"warn"`
	Fail       int    `json:"fail"`
	Skip       int    `json:"skip"`
	Info       int    `json:"info"`
	Downstream int    `json:"downstream"`
	Result     string `json:"result"`
}

// Warnings names each check that warned, as "title (subject): observed",
// so a summary line can say what the warning is instead of only counting it.
func (r *Report) Warnings() []string {
	var out []string
	for _, c := range r.Checks {
		if c.Status != Warn {
			continue
		}
		name := c.Title
		if c.Subject != "" {
			name += " (" + c.Subject + ")"
		}
		if c.Observed != "" {
			name += ": " + c.Observed
		}
		out = append(out, name)
	}
	return out
}

// Failed lists the ids (with subject) of failed checks, and of warnings
// when strict. Downstream checks are not listed: their root cause is.
func (r *Report) Failed(strict bool) []string {
	var out []string
	for _, c := range r.Checks {
		if c.Status == Fail || (strict && c.Status == Warn) {
			out = append(out, c.Key())
		}
	}
	return out
}

// Key identifies a check in a report: its id, with " (subject)" for a
// per-user check. Because and the fixes' Checks use it.
func (c *Check) Key() string {
	if c.Subject == "" {
		return c.ID
	}
	return c.ID + " (" + c.Subject + ")"
}

// Fixable returns the checks with an automatic fix, in report order.
func (r *Report) Fixable() []*Check {
	var out []*Check
	for i := range r.Checks {
		if r.Checks[i].action != nil && (r.Checks[i].Status == Fail || r.Checks[i].Status == Warn) {
			out = append(out, &r.Checks[i])
		}
	}
	return out
}

// Run diagnoses the app and users against the expectations.
func Run(ctx context.Context, o Options, exp Expectations) (*Report, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	f, err := gather(ctx, o, exp)
	if err != nil {
		return nil, err
	}
	r := &Report{SchemaVersion: SchemaVersion, Users: append([]string{}, o.Users...), Expectations: exp, Token: o.Token}
	if r.Token.Permissions == nil {
		r.Token.Permissions = []string{}
	}
	r.Token.Permissions = slices.Sorted(slices.Values(r.Token.Permissions))
	if exp.App != "" {
		r.App = f.appInfo()
	}
	r.Checks = evaluate(f)
	r.Summary = summarize(r.Checks, false)
	return r, nil
}

func summarize(checks []Check, strict bool) Summary {
	var s Summary
	for _, c := range checks {
		switch c.Status {
		case Pass:
			s.Pass++
		case Warn:
			s.Warn++
		case Fail:
			s.Fail++
		case Skip:
			s.Skip++
		case Info:
			s.Info++
		case Downstream:
			s.Downstream++
		}
	}
	switch {
	case s.Fail > 0 || (strict && s.Warn > 0):
		s.Result = "failed"
	case s.Warn > 0:
		s.Result = "warnings"
	default:
		s.Result = "ok"
	}
	return s
}

// Strict re-computes the summary with warnings counted as failures.
func (r *Report) Strict() { r.Summary = summarize(r.Checks, true) }

// sortChecks puts checks in report order: group, then the catalog order,
// then subject in the order the users were given.
func sortChecks(checks []Check, users []string) {
	rank := map[string]int{}
	for i, d := range Catalog() {
		rank[d.ID] = i
	}
	userRank := map[string]int{}
	for i, u := range users {
		userRank[strings.ToLower(u)] = i
	}
	slices.SortStableFunc(checks, func(a, b Check) int {
		if d := slices.Index(groupOrder, a.Group) - slices.Index(groupOrder, b.Group); d != 0 {
			return d
		}
		if a.Group == GroupUser {
			if d := userRank[strings.ToLower(a.Subject)] - userRank[strings.ToLower(b.Subject)]; d != 0 {
				return d
			}
		}
		return rank[a.ID] - rank[b.ID]
	})
}
