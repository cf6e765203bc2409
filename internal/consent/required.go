package consent

import (
	"strings"

	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
)

// Required lists what a registration requires of the catalog's API, by
// name: delegated scopes and application roles, and the ids the API does
// not publish (which nobody can consent to).
func Required(app *graph.Application, cat *permissions.Catalog) (del, roles []string, unknown []permissions.Unknown) {
	for _, r := range app.RequiredResourceAccess {
		if !strings.EqualFold(r.ResourceAppID, cat.ResourceAppID) {
			continue
		}
		for _, a := range r.ResourceAccess {
			kind := permissions.Delegated
			if a.Type == graph.PermissionTypeRole {
				kind = permissions.Application
			}
			p, ok := cat.ByID(kind, a.ID)
			switch {
			case !ok:
				unknown = append(unknown, cat.Unknown(kind, a.ID))
			case kind == permissions.Application:
				roles = append(roles, p.Value)
			default:
				del = append(del, p.Value)
			}
		}
	}
	return del, roles, unknown
}
