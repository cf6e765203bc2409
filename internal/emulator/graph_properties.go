package emulator

import (
	"fmt"
	"net/http"
)

// Property segments: OData addresses a structural property of an entity
// as a path segment (OData v4.01 URL conventions, 4.6 "Addressing a
// Property"), and Graph serves it, e.g. GET /servicePrincipals/{id}/appRoles
// answers {"@odata.context": "...#servicePrincipals('{id}')/appRoles",
// "value": [...]}. A primitive or collection comes wrapped in "value", a
// complex value is the object itself with its context, and a null value is
// 204 No Content (OData JSON format 4.01, section 11 "Individual
// Property"). A segment that names no structural property of the entity is
// a navigation property, action or function the emulator does not model:
// 501, never a claim that Graph lacks it.

// propertyEntity resolves the entity of a property route: its view and
// the context path of the entity ("servicePrincipals('id')").
type propertyEntity func(c *graphCall) (string, map[string]any, *graphError)

// propertyRoute serves the structural properties of entity type t. Like
// Graph, which parses the URL before looking anything up, it tells an
// unmodelled segment apart before resolving the entity.
func propertyRoute(pattern string, entity propertyEntity, t *graphType) *graphRoute {
	return route("GET", pattern, func(c *graphCall) *graphError { return c.serveProperty(entity, t) }, 0, nil)
}

func (c *graphCall) serveProperty(entity propertyEntity, t *graphType) *graphError {
	name, ok := canonicalProp(t.Zero(), c.params["property"])
	if !ok {
		return errNotModelled(fmt.Sprintf("GET %s", c.r.URL.Path))
	}
	ctxPath, view, gerr := entity(c)
	if gerr != nil {
		return gerr
	}
	context := "https://graph.microsoft.com/" + c.version + "/$metadata#" + ctxPath + "/" + name
	switch v := view[name].(type) {
	case nil:
		return c.noContent()
	case map[string]any:
		out := map[string]any{"@odata.context": context}
		for k, x := range v {
			out[k] = x
		}
		return c.writeRaw(http.StatusOK, out)
	default:
		return c.writeRaw(http.StatusOK, map[string]any{"@odata.context": context, "value": v})
	}
}

func (c *graphCall) servicePrincipalEntity() (string, map[string]any, *graphError) {
	sp, gerr := c.findServicePrincipal(c.params["sp"])
	if gerr != nil {
		return "", nil, gerr
	}
	return "servicePrincipals('" + sp.ID + "')", c.spView(sp), nil
}

func (c *graphCall) applicationEntity() (string, map[string]any, *graphError) {
	a, gerr := c.findApplication(c.params["app"])
	if gerr != nil {
		return "", nil, gerr
	}
	return "applications('" + a.ID + "')", applicationView(a, false), nil
}

func (c *graphCall) userEntity() (string, map[string]any, *graphError) {
	u, gerr := c.targetUser()
	if gerr != nil {
		return "", nil, gerr
	}
	return "users('" + u.ID + "')", userView(u), nil
}

func (c *graphCall) groupEntity() (string, map[string]any, *graphError) {
	g, gerr := c.targetGroup()
	if gerr != nil {
		return "", nil, gerr
	}
	return "groups('" + g.ID + "')", groupView(g, c.tenant.DefaultDomain()), nil
}
