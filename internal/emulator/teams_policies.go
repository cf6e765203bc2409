package emulator

import (
	"fmt"
	"strings"
)

// Teams application access policies are set with Teams PowerShell
// (New-CsApplicationAccessPolicy, Grant-CsApplicationAccessPolicy), which
// the emulator has no equivalent of; these methods and the control routes
// below play that part. Changes apply at once (Teams takes up to 30 min).

// TeamsPolicyGrant names an app in a policy and grants the policy to a
// user (UPN or id) or, with Global, to everyone.
type TeamsPolicyGrant struct {
	Policy string `json:"policy"`
	AppID  string `json:"appId"`
	User   string `json:"user,omitempty"`
	Global bool   `json:"global,omitempty"`
}

// GrantTeamsAccessPolicy adds the app to the policy and grants it. A user
// holds one policy at a time, as in Teams, so the user leaves any other.
func (s *Server) GrantTeamsAccessPolicy(g TeamsPolicyGrant) error {
	if !IsGUID(g.AppID) {
		return fmt.Errorf("appId %q is not an application (client) id", g.AppID)
	}
	if (g.User == "") == !g.Global {
		return fmt.Errorf("grant the policy either to a user or globally")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.state.HomeTenant()
	policy := t.teamsPolicy(g.Policy)
	if !containsFold(policy.AppIDs, g.AppID) {
		policy.AppIDs = append(policy.AppIDs, g.AppID)
	}
	if g.Global {
		policy.Global = true
		return nil
	}
	u := t.UserByIDOrUPN(g.User)
	if u == nil {
		return fmt.Errorf("no user %q in the tenant", g.User)
	}
	for _, p := range t.TeamsAccessPolicies {
		p.Users = removeFold(p.Users, u.ID)
	}
	policy.Users = append(policy.Users, u.ID)
	return nil
}

// RevokeTeamsAccessPolicy removes the app from every policy.
func (s *Server) RevokeTeamsAccessPolicy(appID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	found := false
	for _, p := range s.state.HomeTenant().TeamsAccessPolicies {
		if containsFold(p.AppIDs, appID) {
			p.AppIDs, found = removeFold(p.AppIDs, appID), true
		}
	}
	if !found {
		return fmt.Errorf("no Teams application access policy names app %s", appID)
	}
	return nil
}

// RemoveTeamsAccessPolicy removes the named policy and its grants, as
// taking it back in Teams PowerShell does (Grant-CsApplicationAccessPolicy
// -PolicyName $null for its users, then Remove-CsApplicationAccessPolicy).
func (s *Server) RemoveTeamsAccessPolicy(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.state.HomeTenant()
	for i, p := range t.TeamsAccessPolicies {
		if strings.EqualFold(p.Identity, name) {
			t.TeamsAccessPolicies = append(t.TeamsAccessPolicies[:i], t.TeamsAccessPolicies[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("no Teams application access policy named %s", name)
}

// TeamsAccessPolicies lists the home tenant's policies.
func (s *Server) TeamsAccessPolicies() []TeamsAccessPolicy {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []TeamsAccessPolicy{}
	for _, p := range s.state.HomeTenant().TeamsAccessPolicies {
		out = append(out, *p)
	}
	return out
}

// TeamsAccessAllowed reports whether a policy lets appID create online
// meetings on behalf of the user.
func (t *Tenant) TeamsAccessAllowed(appID, userID string) bool {
	for _, p := range t.TeamsAccessPolicies {
		if containsFold(p.AppIDs, appID) && (p.Global || containsFold(p.Users, userID)) {
			return true
		}
	}
	return false
}

func (t *Tenant) teamsPolicy(name string) *TeamsAccessPolicy {
	for _, p := range t.TeamsAccessPolicies {
		if strings.EqualFold(p.Identity, name) {
			return p
		}
	}
	p := &TeamsAccessPolicy{Identity: name}
	t.TeamsAccessPolicies = append(t.TeamsAccessPolicies, p)
	return p
}

func removeFold(list []string, v string) []string {
	out := list[:0]
	for _, x := range list {
		if !strings.EqualFold(x, v) {
			out = append(out, x)
		}
	}
	return out
}
