package consent

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// Operation is a privileged write whose directory roles are checked
// before anything is written.
type Operation int

const (
	// OpDelegatedTenantWide is tenant-wide (AllPrincipals) delegated consent.
	OpDelegatedTenantWide Operation = iota
	// OpGraphAppRoles is granting Microsoft Graph application permissions.
	OpGraphAppRoles
	// OpManageApps is creating and changing app registrations and
	// enterprise apps.
	OpManageApps
)

// Role is a directory role by name and template id.
type Role struct{ Name, TemplateID string }

var (
	roleGlobal     = Role{"Global Administrator", graph.RoleGlobalAdministrator}
	rolePrivileged = Role{"Privileged Role Administrator", graph.RolePrivilegedRoleAdministrator}
	roleCloudApp   = Role{"Cloud Application Administrator", graph.RoleCloudApplicationAdministrator}
	roleApp        = Role{"Application Administrator", graph.RoleApplicationAdministrator}
)

// RolesFor lists the roles that may perform op, least privileged first.
func RolesFor(op Operation) []Role {
	switch op {
	case OpGraphAppRoles:
		return []Role{rolePrivileged, roleGlobal}
	case OpDelegatedTenantWide:
		return []Role{roleCloudApp, roleApp, rolePrivileged, roleGlobal}
	default:
		return []Role{roleCloudApp, roleApp, roleGlobal}
	}
}

func (op Operation) String() string {
	switch op {
	case OpGraphAppRoles:
		return "grant Microsoft Graph application permissions"
	case OpDelegatedTenantWide:
		return "grant tenant-wide consent to delegated permissions"
	default:
		return "manage app registrations and enterprise apps"
	}
}

// RoleReader reads the signed-in user's directory roles (graph.Directory).
type RoleReader interface {
	MyDirectoryRoles(ctx context.Context) ([]graph.DirectoryRole, error)
}

// MissingRoleError says the signed-in user lacks a role the operation
// needs, which roles would do, and the admin-consent link to hand to
// someone who holds one.
type MissingRoleError struct {
	Op         Operation
	Needed     []Role
	Held       []string
	ConsentURL string
}

func (e *MissingRoleError) Error() string {
	names := make([]string, len(e.Needed))
	for i, r := range e.Needed {
		names[i] = r.Name
	}
	held := "no administrator role"
	if len(e.Held) > 0 {
		held = strings.Join(e.Held, ", ")
	}
	return fmt.Sprintf("your account cannot %s: that needs one of the directory roles %s (you have %s)",
		e.Op, strings.Join(names, ", "), held)
}

// Hint implements the hint convention.
func (e *MissingRoleError) Hint() string {
	if e.ConsentURL != "" {
		return "Ask someone with one of these roles to run the command, or to open this admin-consent link: " + e.ConsentURL
	}
	return "Ask someone with one of these roles to run the command, or sign in as them: teamsctl login."
}

// CheckRoles fails early with a MissingRoleError when the signed-in user
// holds none of the roles every op needs. consentURL is put in the hint.
// An app-only sign-in (no user, so no roles to read) is not checked here:
// Graph itself then decides by the app's permissions.
func CheckRoles(ctx context.Context, r RoleReader, consentURL string, ops ...Operation) error {
	roles, err := r.MyDirectoryRoles(ctx)
	if err != nil {
		return nil // cannot tell: let Graph decide (its 403 is mapped too)
	}
	var held, heldIDs []string
	for _, role := range roles {
		held = append(held, role.DisplayName)
		heldIDs = append(heldIDs, strings.ToLower(role.RoleTemplateID))
	}
	for _, op := range ops {
		need := RolesFor(op)
		if !slices.ContainsFunc(need, func(r Role) bool { return slices.Contains(heldIDs, r.TemplateID) }) {
			return &MissingRoleError{Op: op, Needed: need, Held: held, ConsentURL: consentURL}
		}
	}
	return nil
}

// ExplainForbidden turns a Graph 403 during op into a MissingRoleError,
// the safety net behind CheckRoles; other errors pass through.
func ExplainForbidden(err error, op Operation, consentURL string) error {
	var f *graph.Forbidden
	if err == nil || !asForbidden(err, &f) {
		return err
	}
	return &MissingRoleError{Op: op, Needed: RolesFor(op), ConsentURL: consentURL}
}
