package doctor

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/teamsctl/teamsctl/internal/aadsts"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// Checks of the "User" group about signing in: Conditional Access and the
// sign-in log.

func (e *evaluator) userCA(u *userFacts) {
	f, subj := e.f, u.ref
	if has, known := f.premium(); known && !has {
		obs := "No Conditional Access: the tenant has no Entra ID P1 or P2."
		if f.secDefaults.ok() && f.secDefaults.v {
			obs += " Security defaults protect sign-ins instead (see " + IDSecurityDefaults + ")."
		}
		e.add(IDUserCA, subj, Pass, obs, "", nil)
		return
	}
	var applied []graph.ConditionalAccessPolicy
	method := "What If evaluation"
	switch {
	case u.whatIf.ok():
		for _, r := range u.whatIf.v {
			if r.Applies {
				applied = append(applied, r.Policy)
			}
		}
	case f.caPolicies.ok() && u.user.ok() && u.members.ok():
		method = "local evaluation (What If unavailable)"
		applied = localCA(f.caPolicies.v, u.user.v, u.members.v, f.appID)
	case !u.user.ok():
		skipFor(e, IDUserCA, subj, u.user)
		return
	case !f.caPolicies.ok():
		skipFor(e, IDUserCA, subj, f.caPolicies)
		return
	default:
		skipFor(e, IDUserCA, subj, u.members)
		return
	}
	var block, device, mfa, reportOnly []string
	for _, p := range applied {
		name := p.DisplayName
		switch {
		case p.State == graph.CAStateReportOnly:
			reportOnly = append(reportOnly, name)
		case p.State != graph.CAStateEnabled:
		case slices.Contains(p.BuiltInControls, graph.CAControlBlock):
			block = append(block, name)
		case slices.Contains(p.BuiltInControls, graph.CAControlCompliant) || slices.Contains(p.BuiltInControls, graph.CAControlDomainJoined):
			device = append(device, name)
		case slices.Contains(p.BuiltInControls, graph.CAControlMFA):
			mfa = append(mfa, name)
		}
	}
	obs := fmt.Sprintf("By %s for a browser sign-in: ", method)
	var parts []string
	if len(block) > 0 {
		parts = append(parts, "blocked by "+strings.Join(block, ", "))
	}
	if len(device) > 0 {
		parts = append(parts, "managed device required by "+strings.Join(device, ", "))
	}
	if len(mfa) > 0 {
		parts = append(parts, "MFA required by "+strings.Join(mfa, ", "))
	}
	if len(reportOnly) > 0 {
		parts = append(parts, "report-only (not enforced): "+strings.Join(reportOnly, ", "))
	}
	if len(parts) == 0 {
		parts = append(parts, "no policy applies")
	}
	obs += strings.Join(parts, "; ") + "."
	caPortal := "Entra admin center > Protection > Conditional Access > Policies"
	tradeOff := "Conditional Access is deliberate security policy: doctor never changes it. Prefer a narrow exclusion (a group of recruiters, this one app) reviewed by whoever owns the policy over disabling it."
	switch {
	case len(block) > 0:
		why := "The sign-in fails with AADSTS53003 (blocked by Conditional Access)."
		if u.user.ok() && strings.EqualFold(u.user.v.UserType, "Guest") {
			why += " Guests are blocked on purpose here; recruiters should connect with a member account of this tenant."
		}
		e.add(IDUserCA, subj, Fail, obs, why, &Fix{Portal: caPortal + " > " + block[0] + " > Users or Target resources: exclude the user or app if the block is not intended", TradeOff: tradeOff})
	case len(device) > 0:
		e.add(IDUserCA, subj, Warn, obs, "From an unmanaged device the sign-in fails with AADSTS53000 (device not compliant).", &Fix{Portal: caPortal, TradeOff: tradeOff})
	default:
		e.add(IDUserCA, subj, Pass, obs, "", nil)
	}
}

// localCA evaluates Conditional Access policies for a browser sign-in of
// user to appID from the user's memberships: users, groups, roles, guests,
// applications and client app types. Disabled policies never apply.
func localCA(policies []graph.ConditionalAccessPolicy, user *graph.UserDetail, m *graph.Memberships, appID string) []graph.ConditionalAccessPolicy {
	guest := strings.EqualFold(user.UserType, "Guest")
	inUsers := func(ids []string) bool {
		for _, id := range ids {
			if strings.EqualFold(id, "All") || strings.EqualFold(id, user.ID) || (guest && strings.EqualFold(id, graph.CAGuestsOrExternalUsers)) {
				return true
			}
		}
		return false
	}
	inGroups := func(ids []string) bool {
		return slices.ContainsFunc(m.Groups, func(g graph.Group) bool { return containsFold(ids, g.ID) })
	}
	inRoles := func(ids []string) bool {
		return slices.ContainsFunc(m.Roles, func(r graph.DirectoryRole) bool { return containsFold(ids, r.RoleTemplateID) })
	}
	var out []graph.ConditionalAccessPolicy
	for _, p := range policies {
		if p.State == graph.CAStateDisabled {
			continue
		}
		if !(inUsers(p.IncludeUsers) || inGroups(p.IncludeGroups) || inRoles(p.IncludeRoles)) {
			continue
		}
		if inUsers(p.ExcludeUsers) || inGroups(p.ExcludeGroups) || inRoles(p.ExcludeRoles) {
			continue
		}
		if !(containsFold(p.IncludeApplications, "All") || containsFold(p.IncludeApplications, appID)) || containsFold(p.ExcludeApplications, appID) {
			continue
		}
		if len(p.ClientAppTypes) > 0 && !containsFold(p.ClientAppTypes, "all") && !containsFold(p.ClientAppTypes, "browser") {
			continue
		}
		out = append(out, p)
	}
	return out
}

func (e *evaluator) signIns(u *userFacts) {
	subj := u.ref
	if !u.signIns.ok() {
		skipFor(e, IDUserSignIns, subj, u.signIns)
		return
	}
	if len(u.signIns.v) == 0 {
		e.add(IDUserSignIns, subj, Pass, "No sign-ins to this app in the log.", "", nil)
		return
	}
	var failures []string
	seen := map[int]bool{}
	var fixes []string
	for _, s := range u.signIns.v {
		if s.ErrorCode == 0 || seen[s.ErrorCode] {
			continue
		}
		seen[s.ErrorCode] = true
		text := fmt.Sprintf("AADSTS%d", s.ErrorCode)
		if entry, ok := aadsts.Explain(s.ErrorCode, aadsts.Context{ClientID: e.f.appID, User: subj, Scopes: e.scopes, Login: "teamsctl meeting test " + e.f.appLabel() + " --user " + subj}); ok {
			text += ": " + entry.Summary
			if entry.Fix != "" {
				fixes = append(fixes, fmt.Sprintf("AADSTS%d: %s", s.ErrorCode, entry.Fix))
			}
		}
		// The tenant's own words beside the code: the log's failure reason
		// and additional details.
		var log []string
		if s.FailureReason != "" {
			log = append(log, strconv.Quote(s.FailureReason))
		}
		if s.AdditionalDetails != "" {
			log = append(log, strconv.Quote(s.AdditionalDetails))
		}
		if len(log) > 0 {
			text += " (sign-in log: " + strings.Join(log, "; ") + ")"
		}
		failures = append(failures, fmt.Sprintf("%s (last %s)", text, s.CreatedDateTime.UTC().Format("2006-01-02 15:04")))
	}
	latest := u.signIns.v[0]
	switch {
	case len(failures) == 0:
		e.add(IDUserSignIns, subj, Pass, fmt.Sprintf("%d recent sign-in(s), none failed.", len(u.signIns.v)), "", nil)
	case latest.ErrorCode == 0:
		e.add(IDUserSignIns, subj, Pass, "The latest sign-in succeeded. Earlier failures: "+strings.Join(failures, "; ")+".", "", nil)
	default:
		obs := "Recent failed sign-ins: " + strings.Join(failures, "; ") + "."
		if seen[90095] {
			obs += requestNote(e.f, u)
		}
		if id, ok := signInCause[latest.ErrorCode]; ok {
			subject := ""
			if definition(id).Group == GroupUser {
				subject = subj
			}
			if root := e.problem(id, subject); root != nil {
				e.downstream(IDUserSignIns, subj, root, obs, "The latest failure has a cause another check still finds.")
				return
			}
		}
		e.add(IDUserSignIns, subj, Warn, obs,
			"These are what the user saw; the checks above find no cause that is still there.",
			&Fix{Note: strings.Join(fixes, "\n")})
	}
}

// signInCause maps sign-in error codes to the check that finds their
// cause (aadsts explains the codes).
var signInCause = map[int]string{
	50105: IDUserAssignment, 50057: IDUserAccount,
	53000: IDUserCA, 53001: IDUserCA, 53002: IDUserCA, 53003: IDUserCA, 530003: IDUserCA,
	65001: IDUserToken, 90094: IDUserToken, 90095: IDUserToken,
	7000112: IDSPEnabled,
	50011:   IDAppRedirectURIs, 500113: IDAppRedirectURIs,
	7000215: IDAppCredentials, 7000222: IDAppCredentials,
	7000218: IDAppPublicClient,
}
