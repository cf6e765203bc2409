package consent

import (
	"strings"

	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
)

// Required lists what a registration requires of the catalog's API, by
// name: delegated scopes and application roles.
func Required(app *graph.Application, cat *permissions.Catalog) (del, roles []string) {
	for _, r := range app.RequiredResourceAccess {
		if !strings.EqualFold(r.ResourceAppID, cat.ResourceAppID) {
			continue
		}
		for _, a := range r.ResourceAccess {
			if a.Type == graph.PermissionTypeRole {
				if p, ok := cat.ByID(permissions.Application, a.ID); ok {
					roles = append(roles, p.Value)
				}
			} else if p, ok := cat.ByID(permissions.Delegated, a.ID); ok {
				del = append(del, p.Value)
			}
		}
	}
	return del, roles
}
