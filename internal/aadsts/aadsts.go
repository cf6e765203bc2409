// Package aadsts explains Microsoft Entra sign-in error codes (AADSTSnnnn)
// in plain language, with the fix an admin can act on: a teamsctl command,
// a portal path, or whom to ask. login, doctor and meeting test share it.
//
// Microsoft warns that codes and their wording may change; the table keeps
// to codes whose meaning is documented in the Entra error-code reference
// (graph.md section 11) or was observed there.
package aadsts

import (
	"slices"
	"strconv"
	"strings"

	"github.com/teamsctl/teamsctl/internal/lazyregexp"
)

// Kind groups codes by what the user must do next.
type Kind int

const (
	// Failure needs a change somewhere (tenant setting, app, credential);
	// signing in again alone will not help.
	Failure Kind = iota
	// Reauthenticate means the saved sign-in is no longer usable: running
	// teamsctl login again fixes it.
	Reauthenticate
	// Pending is a device code that has not been approved yet.
	Pending
)

// Entry explains one code.
type Entry struct {
	Code int
	// Summary says what happened, in words an IT admin (not an OAuth
	// expert) recognises.
	Summary string
	// Fix says what to do. Summary and Fix may contain the placeholders
	// {client_id}, {tenant}, {login}, {user} and {scopes}, filled by
	// Explain.
	Fix string
	// FixUser, when set, replaces Fix for a sign-in as a named user who
	// must stay that user (meeting test's test user): signing in as an
	// administrator instead would test something else. It proposes the
	// least privilege first (a grant to that user only) and the
	// tenant-wide fix with its trade-off.
	FixUser string
	Kind    Kind
}

// Context fills an entry's placeholders.
type Context struct {
	ClientID string
	Tenant   string
	// TenantSource says where Tenant came from, as the admin would
	// correct it: "--tenant", "TEAMSCTL_TENANT" or a profile's tenant
	// setting. Empty means --tenant.
	TenantSource string
	// Login is the command that signs in again (teamsctl login, or the
	// meeting test that failed); fixes name it as the step after the fix.
	Login string
	// User is the user signing in (UPN), when the sign-in is as a named
	// user; it selects FixUser.
	User string
	// Scopes are the delegated permissions the sign-in asked for.
	Scopes []string
}

// scopeNames are the permission names of scopes as consent grant takes
// them: resource prefixes and .default dropped.
func scopeNames(scopes []string) string {
	var out []string
	for _, s := range scopes {
		if i := strings.LastIndex(s, "/"); i >= 0 {
			s = s[i+1:]
		}
		if s != "" && !strings.EqualFold(s, ".default") && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return "<permissions>"
	}
	return strings.Join(out, ",")
}

// Lookup returns the entry for code.
func Lookup(code int) (Entry, bool) {
	e, ok := table[code]
	return e, ok
}

// Explain returns the entry for code with its placeholders filled; ok is
// false for codes the table does not know.
func Explain(code int, c Context) (Entry, bool) {
	e, ok := Lookup(code)
	if !ok {
		return Entry{}, false
	}
	if c.Tenant == "" {
		c.Tenant = "your tenant"
	}
	if c.Login == "" {
		c.Login = "teamsctl login"
	}
	if c.TenantSource == "" {
		c.TenantSource = "--tenant"
	}
	if c.User != "" && e.FixUser != "" {
		e.Fix = e.FixUser
	}
	e.FixUser = ""
	user := c.User
	if user == "" {
		user = "UPN"
	}
	fill := strings.NewReplacer("{client_id}", c.ClientID, "{tenant}", c.Tenant, "{login}", c.Login, "{user}", user, "{scopes}", scopeNames(c.Scopes), "{tenant_source}", c.TenantSource)
	e.Summary, e.Fix = fill.Replace(e.Summary), fill.Replace(e.Fix)
	return e, true
}

// Codes lists every known code in ascending order, for docs and tests.
func Codes() []int {
	codes := make([]int, 0, len(table))
	for code := range table {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	return codes
}

var codePattern = lazyregexp.New(`AADSTS(\d+)`)

// FromText finds the first AADSTS code in text, such as an
// error_description or an error page.
func FromText(text string) (int, bool) {
	m := codePattern.FindStringSubmatch(text)
	if m == nil {
		return 0, false
	}
	code, err := strconv.Atoi(m[1])
	return code, err == nil
}
