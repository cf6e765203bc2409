package emulator

import (
	"strings"
	"time"
)

// Conditional Access client app types of the emulated flows.
const (
	clientAppBrowser = "browser"
	clientAppDesktop = "mobileAppsAndDesktopClients"
)

// maxSignIns bounds the sign-in log kept in the state (Entra keeps 30 days).
const maxSignIns = 5000

// signInAttempt is one user sign-in to evaluate.
type signInAttempt struct {
	tenant *Tenant
	client *loginClient
	user   *User  // nil when no account matches upn
	upn    string // what the user typed, for the log
	scopes *scopeRequest
	// interactive sign-ins (authorize, device code approval) can record
	// consent and perform MFA; silent ones (refresh, code redemption) cannot.
	interactive bool
	// mfaWilling: in an interactive sign-in the user completes an MFA
	// challenge, which also needs an MFA-registered account.
	mfaWilling bool
	// mfaDone: MFA was performed by the interactive sign-in this one
	// continues (a refresh token or authorization code remembers it).
	mfaDone       bool
	clientAppType string
}

// signInResult is what a successful sign-in established.
type signInResult struct {
	clientSP *ServicePrincipal // created by consent when it did not exist
	mfa      bool
}

// caOutcome is Conditional Access's verdict on a sign-in.
type caOutcome struct {
	applied []string // ids of enforced policies that applied
	status  string   // success, failure or notApplied (Graph's vocabulary)
	failure *LoginFailure
	mfa     bool // MFA performed or carried over
}

// signIn evaluates and records a sign-in attempt. The caller holds s.mu.
func (s *Server) signIn(st *State, a signInAttempt, now time.Time) (*signInResult, *LoginFailure) {
	res, ca, f := evaluateSignIn(st, a, now)
	recordSignIn(st, a, ca, f, now)
	return res, f
}

// evaluateSignIn applies Entra's rules in order: account, enterprise app
// enabled, assignment, consent, Conditional Access. Consent given in an
// interactive sign-in is written only when every rule passed.
func evaluateSignIn(st *State, a signInAttempt, now time.Time) (*signInResult, caOutcome, *LoginFailure) {
	none := caOutcome{status: "notApplied"}
	t, app := a.tenant, a.client.app
	switch {
	case a.user == nil:
		return nil, none, errUserNotFound(a.upn, t)
	case !a.user.AccountEnabled:
		return nil, none, errUserDisabled()
	}
	sp := t.ServicePrincipalByAppID(app.AppID)
	if sp != nil && !sp.AccountEnabled {
		return nil, none, errAppDisabled(sp)
	}
	if sp != nil && sp.AppRoleAssignmentRequired && !isAssigned(t, sp, a.user) {
		return nil, none, errNotAssigned(app)
	}
	consent := decideConsent(st, t, a, sp)
	if consent.failure != nil {
		if len(consent.request) > 0 {
			recordConsentRequest(st, t, a, consent.request, now)
		}
		return nil, none, consent.failure
	}
	ca := evaluateCA(t, a)
	if ca.failure != nil {
		return nil, ca, ca.failure
	}
	if consent.record {
		var f *LoginFailure
		if sp, f = recordUserConsent(st, t, a, consent.scopes, now); f != nil {
			return nil, ca, f
		}
	}
	return &signInResult{clientSP: sp, mfa: ca.mfa}, ca, nil
}

// isAssigned reports whether the user holds an app role assignment on the
// service principal, directly or through a group they are a direct member
// of. Entra does not follow nested groups for app assignment, counts groups
// only in tenants with Entra ID P1 or P2, and only security-enabled and
// Microsoft 365 groups ("Manage users and groups assignment to an
// application", learn.microsoft.com/entra/identity/enterprise-apps/
// assign-user-or-group-access-portal: "Group-based assignment requires
// Microsoft Entra ID P1 or P2 edition. Nested group memberships aren't
// currently supported").
func isAssigned(t *Tenant, sp *ServicePrincipal, u *User) bool {
	for _, a := range t.AssignmentsTo(sp.ID) {
		if strings.EqualFold(a.PrincipalID, u.ID) {
			return true
		}
		if g := t.GroupByID(a.PrincipalID); g != nil && GroupGrantsAppAccess(t, g) && containsFold(g.Members, u.ID) {
			return true
		}
	}
	return false
}

// GroupGrantsAppAccess reports whether assigning the group to an app gives
// its direct members access: the tenant has Entra ID P1 or P2 and the group
// is security-enabled or a Microsoft 365 group (distribution lists are
// neither; "Working with groups in Microsoft Graph" tells them apart by
// groupTypes, mailEnabled and securityEnabled).
func GroupGrantsAppAccess(t *Tenant, g *Group) bool {
	return t.HasEntraIDPremium() && (g.SecurityEnabled || containsFold(g.GroupTypes, "Unified"))
}

// evaluateCA runs Conditional Access for the sign-in. A user signing in to
// a client app for a Graph token reaches two cloud apps, the client and
// Graph, so a policy applies when it targets either. Only enabled policies
// are enforced; report-only and disabled ones never change the outcome.
func evaluateCA(t *Tenant, a signInAttempt) caOutcome {
	if t.SecurityDefaults {
		return evaluateSecurityDefaults(a)
	}
	out := caOutcome{status: "notApplied", mfa: a.mfaDone}
	forClient := EvaluateConditionalAccess(t, SignInContext{User: a.user, AppID: a.client.app.AppID, ClientAppType: a.clientAppType})
	forResource := EvaluateConditionalAccess(t, SignInContext{User: a.user, AppID: a.scopes.resource.AppID, ClientAppType: a.clientAppType})
	var block, device, mfa []string
	for i, res := range forClient {
		if !res.Enforced || !(res.Applies || forResource[i].Applies) {
			continue
		}
		out.applied = append(out.applied, res.Policy.ID)
		req := res.Policy.Requirement()
		switch {
		case req.Block:
			block = append(block, res.Policy.ID)
		case req.Device:
			device = append(device, res.Policy.ID)
		}
		if req.MFA {
			mfa = append(mfa, res.Policy.ID)
		}
	}
	if len(out.applied) > 0 {
		out.status = "success"
	}
	switch {
	case len(block) > 0:
		out.failure = errCABlocked(block)
	case len(device) > 0:
		out.failure = errDeviceRequired(device)
	case len(mfa) > 0:
		out.failure = satisfyMFA(a, &out, mfa)
	}
	if out.failure != nil {
		out.status = "failure"
	}
	return out
}

// satisfyMFA meets an MFA requirement: carried over from an earlier
// interactive sign-in, or performed now by a registered, willing user.
func satisfyMFA(a signInAttempt, out *caOutcome, policyIDs []string) *LoginFailure {
	switch {
	case a.mfaDone:
		return nil
	case !a.interactive:
		return errMFARequired(a.scopes.resource.AppID, policyIDs)
	case !a.user.MFARegistered:
		return errMFARegistrationRequired(a.scopes.resource.AppID)
	case !a.mfaWilling:
		return errMFAFailed()
	}
	out.mfa = true
	return nil
}

// recordSignIn appends the attempt to the tenant's sign-in log.
func recordSignIn(st *State, a signInAttempt, ca caOutcome, f *LoginFailure, now time.Time) {
	entry := &SignIn{
		ID: st.NewGUID(), CreatedDateTime: now, UserPrincipalName: a.upn,
		AppID: a.client.app.AppID, AppDisplayName: a.client.app.DisplayName,
		ClientAppUsed: clientAppUsed(a.clientAppType), IsInteractive: a.interactive,
		AppliedCAPolicies: ca.applied, ConditionalAccess: ca.status,
	}
	if a.user != nil {
		entry.UserID, entry.UserPrincipalName = a.user.ID, a.user.UserPrincipalName
	}
	if f != nil {
		entry.ErrorCode, entry.FailureReason = f.Code, f.Message
	}
	t := a.tenant
	t.SignIns = append(t.SignIns, entry)
	if n := len(t.SignIns); n > maxSignIns {
		t.SignIns = append([]*SignIn(nil), t.SignIns[n-maxSignIns:]...)
	}
}

// clientAppUsed is the sign-in log's name for a client app type.
func clientAppUsed(clientAppType string) string {
	switch clientAppType {
	case clientAppBrowser:
		return "Browser"
	case clientAppDesktop:
		return "Mobile Apps and Desktop clients"
	case "exchangeActiveSync":
		return "Exchange ActiveSync"
	default:
		return "Other clients"
	}
}
