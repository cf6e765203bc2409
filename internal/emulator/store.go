package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Lookups below assume the caller holds Server.mu. They ignore replication
// lag; handlers that must honour it check Replicated.VisibleAt themselves,
// because whether a not-yet-replicated object is visible depends on the call.

// VisibleAtTime reports whether the object has replicated at time now.
func (r Replicated) VisibleAtTime(now time.Time) bool {
	return r.VisibleAt.IsZero() || !now.Before(r.VisibleAt)
}

// HomeTenant returns the customer tenant that the emulator serves by default.
func (st *State) HomeTenant() *Tenant {
	for _, t := range st.Tenants {
		if t.Home {
			return t
		}
	}
	if len(st.Tenants) > 0 {
		return st.Tenants[0]
	}
	return nil
}

// TenantByIDOrDomain resolves the tenant segment of a login URL or a tenant
// reference: a tenant id or any verified domain, case-insensitively.
func (st *State) TenantByIDOrDomain(ref string) *Tenant {
	for _, t := range st.Tenants {
		if strings.EqualFold(t.ID, ref) {
			return t
		}
		for _, d := range t.Domains {
			if strings.EqualFold(d.Name, ref) {
				return t
			}
		}
	}
	return nil
}

// ApplicationAnywhere finds an application registration by appId in any
// tenant, which is how a multi-tenant app is resolved when another tenant
// signs in to it or creates its service principal.
func (st *State) ApplicationAnywhere(appID string) (*Application, *Tenant) {
	for _, t := range st.Tenants {
		if a := t.ApplicationByAppID(appID); a != nil {
			return a, t
		}
	}
	return nil, nil
}

// identifierURIsByAppID maps the appId (lower case) of every application,
// in any tenant, that has identifier URIs to them: ApplicationAnywhere for
// many service principals at once.
func (st *State) identifierURIsByAppID() map[string][]string {
	out := map[string][]string{}
	for _, t := range st.Tenants {
		for _, a := range t.Applications {
			key := strings.ToLower(a.AppID)
			if _, seen := out[key]; !seen && len(a.IdentifierURIs) > 0 {
				out[key] = a.IdentifierURIs
			}
		}
	}
	return out
}

// DefaultDomain is the tenant's default verified domain.
func (t *Tenant) DefaultDomain() string {
	for _, d := range t.Domains {
		if d.IsDefault {
			return d.Name
		}
	}
	if len(t.Domains) > 0 {
		return t.Domains[0].Name
	}
	return ""
}

// InitialDomain is the tenant's *.onmicrosoft.com domain.
func (t *Tenant) InitialDomain() string {
	for _, d := range t.Domains {
		if d.IsInitial {
			return d.Name
		}
	}
	return t.DefaultDomain()
}

// UserByIDOrUPN finds a user by object id or user principal name.
func (t *Tenant) UserByIDOrUPN(ref string) *User {
	for _, u := range t.Users {
		if strings.EqualFold(u.ID, ref) || strings.EqualFold(u.UserPrincipalName, ref) {
			return u
		}
	}
	return nil
}

// GroupByID finds a group by object id.
func (t *Tenant) GroupByID(id string) *Group {
	for _, g := range t.Groups {
		if strings.EqualFold(g.ID, id) {
			return g
		}
	}
	return nil
}

// ApplicationByID finds an application by object id.
func (t *Tenant) ApplicationByID(id string) *Application {
	for _, a := range t.Applications {
		if strings.EqualFold(a.ID, id) {
			return a
		}
	}
	return nil
}

// ApplicationByAppID finds an application by appId (client id).
func (t *Tenant) ApplicationByAppID(appID string) *Application {
	for _, a := range t.Applications {
		if strings.EqualFold(a.AppID, appID) {
			return a
		}
	}
	return nil
}

// ServicePrincipalByID finds a service principal by object id.
func (t *Tenant) ServicePrincipalByID(id string) *ServicePrincipal {
	for _, sp := range t.ServicePrincipals {
		if strings.EqualFold(sp.ID, id) {
			return sp
		}
	}
	return nil
}

// ServicePrincipalByAppID finds the service principal of an appId.
func (t *Tenant) ServicePrincipalByAppID(appID string) *ServicePrincipal {
	for _, sp := range t.ServicePrincipals {
		if strings.EqualFold(sp.AppID, appID) {
			return sp
		}
	}
	return nil
}

// TransitiveGroupIDs returns the ids of every group the object belongs to,
// directly or through nested groups.
func (t *Tenant) TransitiveGroupIDs(objectID string) []string {
	seen := map[string]bool{}
	frontier := []string{objectID}
	for len(frontier) > 0 {
		member := frontier[0]
		frontier = frontier[1:]
		for _, g := range t.Groups {
			if seen[g.ID] || !containsFold(g.Members, member) {
				continue
			}
			seen[g.ID] = true
			frontier = append(frontier, g.ID)
		}
	}
	ids := make([]string, 0, len(seen))
	for _, g := range t.Groups { // keep tenant order for stable output
		if seen[g.ID] {
			ids = append(ids, g.ID)
		}
	}
	return ids
}

// DelegatedGrants returns the grants of client on resource that apply to
// user: the tenant-wide grant and the user's own grant.
func (t *Tenant) DelegatedGrants(clientSPID, resourceSPID, userID string) []*PermissionGrant {
	var out []*PermissionGrant
	for _, g := range t.Grants {
		if !strings.EqualFold(g.ClientID, clientSPID) || !strings.EqualFold(g.ResourceID, resourceSPID) {
			continue
		}
		if g.ConsentType == "AllPrincipals" || strings.EqualFold(g.PrincipalID, userID) {
			out = append(out, g)
		}
	}
	return out
}

// AssignmentsOf lists the app role assignments held by a principal.
func (t *Tenant) AssignmentsOf(principalID string) []*AppRoleAssignment {
	var out []*AppRoleAssignment
	for _, a := range t.AppRoleAssignments {
		if strings.EqualFold(a.PrincipalID, principalID) {
			out = append(out, a)
		}
	}
	return out
}

// AssignmentsTo lists the app role assignments granted on a resource
// service principal.
func (t *Tenant) AssignmentsTo(resourceSPID string) []*AppRoleAssignment {
	var out []*AppRoleAssignment
	for _, a := range t.AppRoleAssignments {
		if strings.EqualFold(a.ResourceID, resourceSPID) {
			out = append(out, a)
		}
	}
	return out
}

// NewGUID returns a fresh object id. Ids derive from the tenant salt and a
// sequence number so a seeded emulator produces the same ids on every run,
// which keeps golden files and state dumps comparable.
func (st *State) NewGUID() string {
	st.Sequence++
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%d", st.salt(), st.Sequence)))
	b := sum[:16]
	b[6] = (b[6] & 0x0f) | 0x40 // version 4
	b[8] = (b[8] & 0x3f) | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// NewOpaqueID returns an id in the style Graph uses for grants and
// assignments (base64url, not a GUID).
func (st *State) NewOpaqueID() string {
	st.Sequence++
	sum := sha256.Sum256([]byte(fmt.Sprintf("opaque/%s/%d", st.salt(), st.Sequence)))
	return base64.RawURLEncoding.EncodeToString(sum[:32])[:43]
}

func (st *State) salt() string {
	if t := st.HomeTenant(); t != nil {
		return t.ID
	}
	return "emulator"
}

// NewSecret returns unpredictable text for client secrets, codes and
// refresh tokens. Unlike ids these must not be derivable from the seed.
func NewSecret(n int) string {
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err)) // the platform is broken; nothing sensible to do
	}
	return base64.RawURLEncoding.EncodeToString(buf)[:n]
}

// IsGUID reports whether s is a GUID in the 8-4-4-4-12 form Graph accepts.
func IsGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
	}
	return true
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// SubscribedSku finds a licence subscription by skuPartNumber.
func (t *Tenant) SubscribedSku(partNumber string) *SubscribedSku {
	for _, s := range t.SubscribedSkus {
		if strings.EqualFold(s.SkuPartNumber, partNumber) {
			return s
		}
	}
	return nil
}

// ConsumedUnits counts the users holding the SKU.
func (t *Tenant) ConsumedUnits(partNumber string) int {
	n := 0
	for _, u := range t.Users {
		for _, l := range u.Licenses {
			if strings.EqualFold(l.SkuPartNumber, partNumber) {
				n++
			}
		}
	}
	return n
}

// HasEntraIDPremium reports whether the tenant subscribes to Microsoft Entra
// ID P1 or P2, on its own or in a suite: Conditional Access, group-based app
// assignment and the sign-in log need it (learn.microsoft.com/entra/
// fundamentals/licensing).
func (t *Tenant) HasEntraIDPremium() bool {
	for _, s := range t.SubscribedSkus {
		for _, p := range s.ServicePlans {
			if containsFold(EntraIDPremiumPlanIDs, p.ServicePlanID) {
				return true
			}
		}
	}
	return false
}
