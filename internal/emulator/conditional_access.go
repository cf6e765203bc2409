package emulator

import "strings"

// SignInContext describes a user sign-in for Conditional Access evaluation:
// who signs in, to which application, with which kind of client.
type SignInContext struct {
	User  *User
	AppID string
	// ClientAppType is browser, mobileAppsAndDesktopClients,
	// exchangeActiveSync or other (legacy authentication).
	ClientAppType string
}

// CAResult is the evaluation of one policy, in the vocabulary of Graph's
// what-if API: Applies with Reasons "notSet", or the conditions that kept it
// from applying ("users", "application", "clientApps", "policyNotEnabled").
type CAResult struct {
	Policy  *ConditionalAccessPolicy
	Applies bool
	Reasons []string
	// Enforced is true only for enabled policies; report-only and disabled
	// policies are evaluated but never change the outcome of a sign-in.
	Enforced bool
}

// Conditional Access policy states.
const (
	CAStateEnabled    = "enabled"
	CAStateDisabled   = "disabled"
	CAStateReportOnly = "enabledForReportingButNotEnforced"
)

// EvaluateConditionalAccess evaluates every policy of the tenant against the
// sign-in, in the tenant's policy order. Conditions the emulator does not
// model (platforms, locations, risk) are treated as not configured, so a
// policy applies when its users, applications and client app types match.
func EvaluateConditionalAccess(t *Tenant, in SignInContext) []CAResult {
	results := make([]CAResult, 0, len(t.ConditionalAccess))
	// The user's groups once, not once per policy (500 policies over
	// 5,000 groups in the large tenant).
	var groups []string
	if in.User != nil {
		groups = t.TransitiveGroupIDs(in.User.ID)
	}
	for _, p := range t.ConditionalAccess {
		results = append(results, evaluatePolicy(p, in, groups))
	}
	return results
}

func evaluatePolicy(p *ConditionalAccessPolicy, in SignInContext, groups []string) CAResult {
	res := CAResult{Policy: p, Enforced: p.State == CAStateEnabled}
	var reasons []string
	if p.State == CAStateDisabled {
		reasons = append(reasons, "policyNotEnabled")
	}
	if !caUsersMatch(p, in.User, groups) {
		reasons = append(reasons, "users")
	}
	if !caApplicationsMatch(p, in.AppID) {
		reasons = append(reasons, "application")
	}
	if !caClientAppTypeMatches(p, in.ClientAppType) {
		reasons = append(reasons, "clientApps")
	}
	if len(reasons) == 0 {
		res.Applies, res.Reasons = true, []string{"notSet"}
	} else {
		res.Reasons = reasons
	}
	return res
}

// caUsersMatch applies Entra's rule: a user is in scope when any include
// condition (users, groups, roles) matches and no exclude condition does;
// groups are the user's groups, transitively.
func caUsersMatch(p *ConditionalAccessPolicy, u *User, groups []string) bool {
	if u == nil {
		return false
	}
	included := caUserListMatches(p.IncludeUsers, u) ||
		intersectsFold(p.IncludeGroups, groups) ||
		intersectsFold(p.IncludeRoles, u.DirectoryRoles)
	excluded := caUserListMatches(p.ExcludeUsers, u) ||
		intersectsFold(p.ExcludeGroups, groups) ||
		intersectsFold(p.ExcludeRoles, u.DirectoryRoles)
	return included && !excluded
}

func caUserListMatches(list []string, u *User) bool {
	for _, v := range list {
		switch {
		case strings.EqualFold(v, "All"):
			return true
		case strings.EqualFold(v, "GuestsOrExternalUsers"):
			if strings.EqualFold(u.UserType, "Guest") {
				return true
			}
		case strings.EqualFold(v, u.ID):
			return true
		}
	}
	return false
}

// caApplicationsMatch checks the cloud-app condition. "Office365" stands
// for Microsoft's productivity apps; the emulator counts Microsoft Graph
// among them, which matters only for policies that target it explicitly.
func caApplicationsMatch(p *ConditionalAccessPolicy, appID string) bool {
	matches := func(list []string) bool {
		for _, v := range list {
			if strings.EqualFold(v, "All") || strings.EqualFold(v, appID) ||
				(strings.EqualFold(v, "Office365") && strings.EqualFold(appID, GraphAppID)) {
				return true
			}
		}
		return false
	}
	return matches(p.IncludeApplications) && !matches(p.ExcludeApplications)
}

// caClientAppTypeMatches: an empty list or "all" covers every client type.
func caClientAppTypeMatches(p *ConditionalAccessPolicy, clientAppType string) bool {
	if len(p.ClientAppTypes) == 0 {
		return true
	}
	for _, v := range p.ClientAppTypes {
		if strings.EqualFold(v, "all") || strings.EqualFold(v, clientAppType) {
			return true
		}
	}
	return false
}

// GrantRequirement is what an enforced policy demands of a sign-in.
type GrantRequirement struct {
	Block bool
	// MFA can be satisfied by an interactive sign-in of a registered user.
	MFA bool
	// Device requires a compliant or joined device, which the emulator never has.
	Device bool
}

// Requirement summarises the grant controls of an applying policy. With the
// OR operator one satisfiable control suffices, so MFA wins over a device
// requirement; with AND every control must be met.
func (p *ConditionalAccessPolicy) Requirement() GrantRequirement {
	var req GrantRequirement
	var mfa, device bool
	for _, c := range p.BuiltInControls {
		switch strings.ToLower(c) {
		case "block":
			req.Block = true
		case "mfa":
			mfa = true
		case "compliantdevice", "domainjoineddevice":
			device = true
		}
	}
	if req.Block {
		return req
	}
	if strings.EqualFold(p.GrantOperator, "AND") {
		req.MFA, req.Device = mfa, device
		return req
	}
	if mfa {
		req.MFA = true
	} else {
		req.Device = device
	}
	return req
}

func intersectsFold(a, b []string) bool {
	for _, x := range a {
		if containsFold(b, x) {
			return true
		}
	}
	return false
}
