package emulator

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

//go:embed seeds/*.yaml
var seedFiles embed.FS

// Seed is a tenant fixture: the State schema (docs/sandbox.md) written in
// YAML or JSON, where ids may be omitted and several references may use
// names instead of ids (Build resolves them):
//   - users[].directoryRoles: role names ("Global Administrator") or ids;
//   - users[].licenses: a bare skuPartNumber from the catalog;
//   - groups[].members, conditional access include/exclude users: UPNs;
//   - conditional access include/exclude groups: group display names;
//   - servicePrincipals: only appId; the rest comes from the application
//     (in any tenant) or, for Microsoft Graph, from the built-in catalog.
type Seed struct {
	name  string
	state State
}

// builtInSeeds are the fixtures teamsctl ships, by the name --seed takes.
var builtInSeeds = map[string]string{
	// Contoso: Microsoft 365 E3 licences and Entra ID P1, Conditional Access.
	"contoso": "seeds/contoso.yaml",
	// Fabrikam: Microsoft 365 Business Standard, no Entra ID P1, security
	// defaults instead of Conditional Access.
	"smb": "seeds/smb.yaml",
}

// thirdPartySeed holds Microsoft's and the vendors' tenants, which every
// fixture gets unless it defines a tenant with the same id.
const thirdPartySeed = "seeds/thirdparty.yaml"

// BuiltInSeedNames lists the names of the built-in fixtures.
func BuiltInSeedNames() []string {
	names := make([]string, 0, len(builtInSeeds))
	for n := range builtInSeeds {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// DefaultSeed returns the built-in Contoso tenant.
func DefaultSeed() (*Seed, error) { return BuiltInSeed("contoso") }

// BuiltInSeed returns a built-in fixture by name.
func BuiltInSeed(name string) (*Seed, error) {
	file, ok := builtInSeeds[name]
	if !ok {
		return nil, fmt.Errorf("no built-in seed %q (built in: %s)", name, strings.Join(BuiltInSeedNames(), ", "))
	}
	raw, err := seedFiles.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return ParseSeed(path.Base(file)+" (built in)", raw)
}

// thirdPartyTenants parses seeds/thirdparty.yaml once.
var thirdPartyTenants = sync.OnceValues(func() (*Seed, error) {
	raw, err := seedFiles.ReadFile(thirdPartySeed)
	if err != nil {
		return nil, err
	}
	return ParseSeed(path.Base(thirdPartySeed)+" (built in)", raw)
})

// addThirdPartyTenants adds Microsoft's and the vendors' tenants that the
// fixture does not define itself (by tenant id): they exist whatever the
// customer's tenant looks like.
func addThirdPartyTenants(st *State) error {
	shared, err := thirdPartyTenants()
	if err != nil {
		return err
	}
	tenants, err := cloneState(&shared.state)
	if err != nil {
		return err
	}
	for _, t := range tenants.Tenants {
		if !slices.ContainsFunc(st.Tenants, func(o *Tenant) bool { return strings.EqualFold(o.ID, t.ID) }) {
			st.Tenants = append(st.Tenants, t)
		}
	}
	return nil
}

// LoadSeed returns the built-in fixture of that name (contoso, smb) or
// reads a fixture file (YAML or JSON); ./NAME reads a file called NAME.
func LoadSeed(nameOrPath string) (*Seed, error) {
	if _, ok := builtInSeeds[nameOrPath]; ok {
		return BuiltInSeed(nameOrPath)
	}
	raw, err := os.ReadFile(nameOrPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("seed %q: no such file, and no built-in fixture of that name (built in: %s)", nameOrPath, strings.Join(BuiltInSeedNames(), ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("read seed: %w", err)
	}
	return ParseSeed(filepath.Base(nameOrPath), raw)
}

// ParseSeed parses a fixture, rejecting unknown fields with their name.
func ParseSeed(name string, raw []byte) (*Seed, error) {
	var generic any
	if err := yaml.Unmarshal(raw, &generic); err != nil {
		return nil, fmt.Errorf("seed %s: %w", name, err)
	}
	asJSON, err := json.Marshal(normalizeYAML(generic))
	if err != nil {
		return nil, fmt.Errorf("seed %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(asJSON))
	dec.DisallowUnknownFields()
	seed := &Seed{name: name}
	if err := dec.Decode(&seed.state); err != nil {
		return nil, fmt.Errorf("seed %s: %w", name, err)
	}
	if len(seed.state.Tenants) == 0 {
		return nil, fmt.Errorf("seed %s: no tenants", name)
	}
	return seed, nil
}

// normalizeYAML turns yaml.v3's map[string]any trees into JSON-encodable
// values (it already uses string keys; nested maps need no conversion, but
// timestamps decode as time.Time and stay encodable).
func normalizeYAML(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = normalizeYAML(e)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = normalizeYAML(e)
		}
		return t
	default:
		return v
	}
}

// Build turns the fixture into a ready state: ids filled in, names
// resolved, first-party details added. It never mutates the seed.
func (s *Seed) Build(now time.Time) (*State, error) {
	st, err := cloneState(&s.state)
	if err != nil {
		return nil, err
	}
	if err := addThirdPartyTenants(st); err != nil {
		return nil, err
	}
	if st.HomeTenant() == nil {
		return nil, fmt.Errorf("seed %s: no tenants", s.name)
	}
	for _, t := range st.Tenants {
		if err := buildTenant(st, t, now); err != nil {
			return nil, fmt.Errorf("seed %s: tenant %q: %w", s.name, t.DisplayName, err)
		}
	}
	// Service principals resolve applications across tenants, so they come
	// after every tenant's own objects.
	for _, t := range st.Tenants {
		for _, sp := range t.ServicePrincipals {
			if err := completeServicePrincipal(st, t, sp, now); err != nil {
				return nil, fmt.Errorf("seed %s: tenant %q: %w", s.name, t.DisplayName, err)
			}
		}
		if err := resolveGrantsAndAssignments(t, now); err != nil {
			return nil, fmt.Errorf("seed %s: tenant %q: %w", s.name, t.DisplayName, err)
		}
	}
	return st, nil
}

func buildTenant(st *State, t *Tenant, now time.Time) error {
	if !IsGUID(t.ID) {
		return fmt.Errorf("id %q is not a GUID", t.ID)
	}
	for _, u := range t.Users {
		if err := completeUser(st, u); err != nil {
			return err
		}
	}
	if err := completeSubscribedSkus(t); err != nil {
		return err
	}
	if t.CreatedDateTime.IsZero() {
		t.CreatedDateTime = now
	}
	for _, g := range t.Groups {
		if g.ID == "" {
			g.ID = st.NewGUID()
		}
		if g.CreatedDateTime.IsZero() {
			g.CreatedDateTime = now
		}
	}
	for _, g := range t.Groups {
		for i, m := range g.Members {
			id, err := resolvePrincipalRef(t, m)
			if err != nil {
				return fmt.Errorf("group %q member: %w", g.DisplayName, err)
			}
			g.Members[i] = id
		}
	}
	for _, a := range t.Applications {
		if a.ID == "" {
			a.ID = st.NewGUID()
		}
		if a.AppID == "" {
			a.AppID = st.NewGUID()
		}
		if a.CreatedDateTime.IsZero() {
			a.CreatedDateTime = now
		}
		if a.SignInAudience == "" {
			a.SignInAudience = "AzureADMyOrg"
		}
		if a.PublisherDomain == "" {
			a.PublisherDomain = t.InitialDomain()
		}
		completeVerifiedPublisher(a.VerifiedPublisher, a.CreatedDateTime)
	}
	if len(t.PermissionGrantPolicies) == 0 {
		t.PermissionGrantPolicies = builtInPermissionGrantPolicies()
	}
	for _, p := range t.ConditionalAccess {
		if err := resolveCAPolicy(st, t, p, now); err != nil {
			return fmt.Errorf("conditional access policy %q: %w", p.DisplayName, err)
		}
	}
	return nil
}

// completeSubscribedSkus fills the seeded subscriptions from the catalog
// and adds one for every SKU a user holds that the seed does not list, with
// as many licences as are assigned.
func completeSubscribedSkus(t *Tenant) error {
	for _, s := range t.SubscribedSkus {
		lic, err := licenceFor(s.SkuPartNumber, nil)
		if err != nil {
			return fmt.Errorf("subscribedSkus: %w", err)
		}
		s.SkuID, s.ServicePlans = lic.SkuID, lic.ServicePlans
	}
	for _, u := range t.Users {
		for _, l := range u.Licenses {
			if t.SubscribedSku(l.SkuPartNumber) != nil {
				continue
			}
			lic, err := licenceFor(l.SkuPartNumber, nil)
			if err != nil {
				return fmt.Errorf("user %s: %w", u.UserPrincipalName, err)
			}
			t.SubscribedSkus = append(t.SubscribedSkus, &SubscribedSku{SkuID: lic.SkuID,
				SkuPartNumber: lic.SkuPartNumber, ServicePlans: lic.ServicePlans,
				PrepaidUnits: t.ConsumedUnits(lic.SkuPartNumber)})
		}
	}
	return nil
}

func completeUser(st *State, u *User) error {
	if u.ID == "" {
		u.ID = st.NewGUID()
	}
	if u.UserType == "" {
		u.UserType = "Member"
	}
	if u.Mail == "" && u.UserType == "Member" {
		u.Mail = u.UserPrincipalName
	}
	for i, r := range u.DirectoryRoles {
		id, err := roleTemplateID(r)
		if err != nil {
			return fmt.Errorf("user %s: %w", u.UserPrincipalName, err)
		}
		u.DirectoryRoles[i] = id
	}
	for i, l := range u.Licenses {
		if len(l.ServicePlans) > 0 {
			continue
		}
		lic, err := licenceFor(l.SkuPartNumber, l.DisabledPlans)
		if err != nil {
			return fmt.Errorf("user %s: %w", u.UserPrincipalName, err)
		}
		u.Licenses[i] = lic
	}
	return nil
}

func roleTemplateID(ref string) (string, error) {
	if IsGUID(ref) {
		return strings.ToLower(ref), nil
	}
	for id, name := range DirectoryRoleNames {
		if strings.EqualFold(name, ref) {
			return id, nil
		}
	}
	return "", fmt.Errorf("unknown directory role %q", ref)
}

// resolvePrincipalRef accepts an object id, a UPN or a group display name.
func resolvePrincipalRef(t *Tenant, ref string) (string, error) {
	if IsGUID(ref) {
		return ref, nil
	}
	if u := t.UserByIDOrUPN(ref); u != nil {
		return u.ID, nil
	}
	for _, g := range t.Groups {
		if strings.EqualFold(g.DisplayName, ref) {
			return g.ID, nil
		}
	}
	return "", fmt.Errorf("no user or group %q", ref)
}

// caKeywords are the values Conditional Access accepts besides ids.
var caKeywords = []string{"All", "None", "GuestsOrExternalUsers", "Office365", "MicrosoftAdminPortals"}

func resolveCAPolicy(st *State, t *Tenant, p *ConditionalAccessPolicy, now time.Time) error {
	if p.ID == "" {
		p.ID = st.NewGUID()
	}
	if p.CreatedDateTime.IsZero() {
		p.CreatedDateTime = now
	}
	if p.State == "" {
		p.State = "enabled"
	}
	for _, list := range [][]string{p.IncludeUsers, p.ExcludeUsers, p.IncludeGroups, p.ExcludeGroups} {
		for i, ref := range list {
			if containsFold(caKeywords, ref) {
				continue
			}
			id, err := resolvePrincipalRef(t, ref)
			if err != nil {
				return err
			}
			list[i] = id
		}
	}
	for _, list := range [][]string{p.IncludeRoles, p.ExcludeRoles} {
		for i, ref := range list {
			id, err := roleTemplateID(ref)
			if err != nil {
				return err
			}
			list[i] = id
		}
	}
	return nil
}

// completeServicePrincipal fills a seeded service principal from its
// application, wherever that lives.
func completeServicePrincipal(st *State, t *Tenant, sp *ServicePrincipal, now time.Time) error {
	if sp.ID == "" {
		sp.ID = st.NewGUID()
	}
	if sp.CreatedDateTime.IsZero() {
		sp.CreatedDateTime = now
	}
	if sp.ServicePrincipalType == "" {
		sp.ServicePrincipalType = "Application"
	}
	app, home := st.ApplicationAnywhere(sp.AppID)
	if app == nil {
		return fmt.Errorf("service principal for appId %s: no application with that appId in any tenant", sp.AppID)
	}
	if sp.DisplayName == "" {
		sp.DisplayName = app.DisplayName
	}
	sp.AppOwnerOrganizationID = home.ID
	sp.SignInAudience = app.SignInAudience
	if sp.VerifiedPublisher == nil {
		sp.VerifiedPublisher = app.VerifiedPublisher
	}
	if sp.PublisherName == "" {
		sp.PublisherName = cmp.Or(app.VerifiedPublisher.Name(), home.DisplayName)
	}
	if len(sp.ReplyURLs) == 0 {
		sp.ReplyURLs = append(append([]string{}, app.WebRedirectURIs...), app.PublicClientRedirects...)
	}
	if strings.EqualFold(sp.AppID, GraphAppID) {
		sp.Scopes, sp.AppRoles = graphScopesAndRoles()
	} else {
		sp.Scopes, sp.AppRoles = app.Scopes, app.AppRoles
	}
	return nil
}

// completeVerifiedPublisher fills what a seed may leave out of a verified
// publisher: the Microsoft Partner Network id (a stable number derived from
// the name, as MPN ids are opaque digits) and the date it was added.
func completeVerifiedPublisher(v *VerifiedPublisher, added time.Time) {
	if v == nil || v.DisplayName == "" {
		return
	}
	if v.VerifiedPublisherID == "" {
		sum := sha256.Sum256([]byte(v.DisplayName))
		v.VerifiedPublisherID = strconv.FormatUint(1_000_000+binary.BigEndian.Uint64(sum[:8])%9_000_000, 10)
	}
	if v.AddedDateTime.IsZero() {
		v.AddedDateTime = added
	}
}

// resolveGrantsAndAssignments fills ids and display names of seeded grants
// and assignments, which may name service principals by appId.
func resolveGrantsAndAssignments(t *Tenant, now time.Time) error {
	spRef := func(ref string) (*ServicePrincipal, error) {
		if sp := t.ServicePrincipalByID(ref); sp != nil {
			return sp, nil
		}
		if sp := t.ServicePrincipalByAppID(ref); sp != nil {
			return sp, nil
		}
		return nil, fmt.Errorf("no service principal %q", ref)
	}
	for i, g := range t.Grants {
		client, err := spRef(g.ClientID)
		if err != nil {
			return fmt.Errorf("grant %d clientId: %w", i, err)
		}
		resource, err := spRef(g.ResourceID)
		if err != nil {
			return fmt.Errorf("grant %d resourceId: %w", i, err)
		}
		g.ClientID, g.ResourceID = client.ID, resource.ID
		if g.ID == "" {
			g.ID = fmt.Sprintf("seed-grant-%d", i+1)
		}
		if g.PrincipalID != "" {
			u := t.UserByIDOrUPN(g.PrincipalID)
			if u == nil {
				return fmt.Errorf("grant %d principalId: no user %q", i, g.PrincipalID)
			}
			g.PrincipalID = u.ID
		}
	}
	for i, a := range t.AppRoleAssignments {
		resource, err := spRef(a.ResourceID)
		if err != nil {
			return fmt.Errorf("app role assignment %d resourceId: %w", i, err)
		}
		a.ResourceID, a.ResourceDisplayName = resource.ID, resource.DisplayName
		if a.ID == "" {
			a.ID = fmt.Sprintf("seed-assignment-%d", i+1)
		}
		if a.CreatedDateTime.IsZero() {
			a.CreatedDateTime = now
		}
		if a.AppRoleID == "" {
			a.AppRoleID = DefaultAppRoleID
		}
		if err := resolveAssignmentPrincipal(t, a, spRef); err != nil {
			return fmt.Errorf("app role assignment %d: %w", i, err)
		}
	}
	return nil
}

func resolveAssignmentPrincipal(t *Tenant, a *AppRoleAssignment, spRef func(string) (*ServicePrincipal, error)) error {
	if u := t.UserByIDOrUPN(a.PrincipalID); u != nil {
		a.PrincipalID, a.PrincipalType, a.PrincipalDisplayName = u.ID, "User", u.DisplayName
		return nil
	}
	for _, g := range t.Groups {
		if strings.EqualFold(g.ID, a.PrincipalID) || strings.EqualFold(g.DisplayName, a.PrincipalID) {
			a.PrincipalID, a.PrincipalType, a.PrincipalDisplayName = g.ID, "Group", g.DisplayName
			return nil
		}
	}
	sp, err := spRef(a.PrincipalID)
	if err != nil {
		return fmt.Errorf("principalId: %w", err)
	}
	a.PrincipalID, a.PrincipalType, a.PrincipalDisplayName = sp.ID, "ServicePrincipal", sp.DisplayName
	return nil
}

// builtInPermissionGrantPolicies are the Microsoft-managed consent policies
// every tenant has (graph.md section 5), reduced to what consent evaluation
// needs.
func builtInPermissionGrantPolicies() []*PermissionGrantPolicy {
	all := []string{"all"}
	cond := func(id, classification, permType string) PermissionGrantCondition {
		return PermissionGrantCondition{
			ID: id, PermissionClassification: classification, PermissionType: permType,
			ResourceApplication: "any", Permissions: all, ClientApplicationIDs: all,
			ClientApplicationTenantIDs: all, ClientApplicationPublisherIDs: all,
		}
	}
	return []*PermissionGrantPolicy{
		{ID: "microsoft-user-default-low", DisplayName: "Default User Low Risk Policy",
			Description: "Allows users to consent to apps from verified publishers or apps of this organization, for permissions classified as low impact.",
			Includes:    []PermissionGrantCondition{cond("low-verified", "low", "delegated")}},
		{ID: "microsoft-user-default-legacy", DisplayName: "Default User Legacy Policy",
			Description: "Allows users to consent to any delegated permission that does not require admin consent, for any app.",
			Includes:    []PermissionGrantCondition{cond("legacy-user-consentable", "all", "delegatedUserConsentable")}},
		{ID: "microsoft-application-admin", DisplayName: "Application Administrator",
			Description: "Permissions consentable by Application Administrators: all delegated permissions and application permissions except Microsoft Graph.",
			Includes:    []PermissionGrantCondition{cond("all-delegated", "all", "delegated")}},
		{ID: "microsoft-company-admin", DisplayName: "Global Administrator",
			Description: "All permissions, delegated and application.",
			Includes:    []PermissionGrantCondition{cond("all-delegated", "all", "delegated"), cond("all-application", "all", "application")}},
	}
}
