package auth

import (
	"slices"
	"strings"
)

// Need is one delegated permission a Microsoft Graph request requires,
// given as the alternatives Graph accepts for it, least privileged first,
// as the request's permission table in Graph's reference lists them
// ("least privileged" then "higher privileged"): a token with any one of
// them may make the request. A request Graph documents as needing two
// permissions together ("Application.ReadWrite.All and Directory.Read.All")
// is two Needs. Package permissions holds the table of the requests
// teamsctl makes.
type Need []string

// satisfiedBy returns the granted permission that satisfies the need: the
// first alternative granted, or a granted ReadWrite permission of a Read
// alternative (Graph lists it among the higher ones everywhere).
func (n Need) satisfiedBy(granted []string) (string, bool) {
	for _, alt := range n {
		for _, g := range granted {
			if strings.EqualFold(g, alt) || strings.EqualFold(g, readWriteOf(alt)) {
				return g, true
			}
		}
	}
	return "", false
}

// implies reports whether every permission satisfying n also satisfies
// m: n's alternatives are among m's.
func (n Need) implies(m Need) bool {
	for _, alt := range n {
		if !containsFold(m, alt) {
			return false
		}
	}
	return true
}

// ReduceNeeds is what a command needs, computed once from the Needs of
// every Graph request it makes: duplicates removed, and a Need dropped
// when another one implies it (anything that satisfies Application.ReadWrite.All
// also satisfies "Application.Read.All or Application.ReadWrite.All or
// Directory.Read.All").
func ReduceNeeds(needs ...Need) []Need {
	var out []Need
	for i, n := range needs {
		if len(n) == 0 {
			continue
		}
		implied := false
		for j, m := range needs {
			// m implies n, and m is not n itself or an equal Need that
			// comes later (of equal Needs the first is kept).
			if i != j && len(m) > 0 && m.implies(n) && (!n.implies(m) || j < i) {
				implied = true
				break
			}
		}
		if !implied {
			out = append(out, slices.Clone(n))
		}
	}
	return out
}

// ScopesFor are the permissions to ask Entra for so a token covers needs:
// for each Need, the alternative the sign-in already has (so no consent
// is asked for a permission a granted higher one makes unnecessary), else
// its least privileged alternative. granted are the sign-in's delegated
// permissions.
func ScopesFor(needs []Need, granted []string) Scopes {
	var out Scopes
	for _, n := range ReduceNeeds(needs...) {
		if g, ok := n.satisfiedBy(granted); ok {
			out = out.with(g)
		} else {
			out = out.with(n[0])
		}
	}
	return out
}

// Satisfies reports whether granted permissions satisfy every need, and
// which needs they do not.
func Satisfies(granted []string, needs ...Need) (bool, []Need) {
	var missing []Need
	for _, n := range ReduceNeeds(needs...) {
		if _, ok := n.satisfiedBy(granted); !ok {
			missing = append(missing, n)
		}
	}
	return len(missing) == 0, missing
}

// ScopesFor is the package function for this sign-in: the scopes to ask
// for so its tokens cover needs, preferring the permissions it has been
// granted (the saved sign-in's, or TEAMSCTL_ACCESS_TOKEN's).
func (a *Authenticator) ScopesFor(needs ...Need) Scopes {
	return ScopesFor(needs, a.grantedScopes())
}

// grantedScopes are the delegated permissions the current sign-in was
// last seen to hold. Without a sign-in they are DefaultLoginScopes: the
// next sign-in is `teamsctl login` (or the sandbox's own), which asks for
// them.
func (a *Authenticator) grantedScopes() []string {
	if raw := strings.TrimSpace(a.getenv(EnvAccessToken)); raw != "" {
		if c, err := ParseClaims(raw); err == nil {
			return c.Scopes()
		}
		return nil
	}
	s, err := a.files.loadSession()
	if err != nil || s == nil || a.unusable(s) != "" {
		return DefaultLoginScopes
	}
	return s.Scopes
}
