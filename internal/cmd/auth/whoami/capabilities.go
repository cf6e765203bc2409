package whoami

import (
	"strings"

	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// Capability says whether the sign-in may do something, and why.
type Capability struct {
	Allowed bool   `json:"allowed"`
	Why     string `json:"why"`
}

// Capabilities are what the setup commands need to be allowed.
type Capabilities struct {
	// RegisterApps: create app registrations (teamsctl app create).
	RegisterApps Capability `json:"registerApps"`
	// GrantDelegatedConsent: consent to delegated permissions for the
	// whole organisation.
	GrantDelegatedConsent Capability `json:"grantDelegatedConsent"`
	// GrantApplicationPermissions: assign Microsoft Graph application
	// permissions.
	GrantApplicationPermissions Capability `json:"grantApplicationPermissions"`
}

// registerRoles may register applications whatever the tenant's settings:
// the app managers, and Application Developers.
var registerRoles = append([]consent.Role{{Name: "Application Developer", TemplateID: graph.RoleApplicationDeveloper}},
	consent.RolesFor(consent.OpManageApps)...)

// userCapabilities derives what a user may do from their directory roles,
// using the role rules the consent commands enforce. A delegated token
// can do no more than its user.
func userCapabilities(roles []graph.DirectoryRole) Capabilities {
	register := byRole(roles, registerRoles)
	if !register.Allowed {
		register.Why += ", unless the tenant lets every user register applications"
	}
	return Capabilities{
		RegisterApps:                register,
		GrantDelegatedConsent:       byRole(roles, consent.RolesFor(consent.OpDelegatedTenantWide)),
		GrantApplicationPermissions: byRole(roles, consent.RolesFor(consent.OpGraphAppRoles)),
	}
}

func byRole(held []graph.DirectoryRole, allowed []consent.Role) Capability {
	for _, h := range held {
		for _, a := range allowed {
			if strings.EqualFold(h.RoleTemplateID, a.TemplateID) {
				return Capability{Allowed: true, Why: "as " + h.DisplayName}
			}
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = a.Name
	}
	return Capability{Why: "needs " + orList(names)}
}

func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// appCapabilities derives what a service principal may do from the
// application permissions in its token.
func appCapabilities(permissions []string) Capabilities {
	has := func(p string) Capability {
		for _, got := range permissions {
			if strings.EqualFold(got, p) {
				return Capability{Allowed: true, Why: "with the application permission " + p}
			}
		}
		return Capability{Why: "needs the application permission " + p}
	}
	return Capabilities{
		RegisterApps:                has("Application.ReadWrite.All"),
		GrantDelegatedConsent:       has("DelegatedPermissionGrant.ReadWrite.All"),
		GrantApplicationPermissions: has("AppRoleAssignment.ReadWrite.All"),
	}
}
