package emulator

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// The catalog holds facts that are the same in every tenant: the permissions
// Microsoft Graph publishes and the licence SKUs the seed refers to by name.
// Seeds only name these; Seed.Build fills in the details.

// graphPermission is one Microsoft Graph permission: its delegated scope id
// and consent type, and its application role id, where they exist
// (catalog/graph-permissions.yaml).
type graphPermission struct {
	Value          string `yaml:"value"`
	ScopeID        string `yaml:"scopeId"`        // delegated (oauth2PermissionScopes), "" if none
	ConsentType    string `yaml:"consent"`        // User or Admin, for the delegated scope
	Display        string `yaml:"display"`        // the scope's display name
	RoleID         string `yaml:"roleId"`         // application (appRoles), "" if none
	RoleDisplay    string `yaml:"roleDisplay"`    // the app role's display name
	Classification string `yaml:"classification"` // "low" where the seed classifies the scope as low impact
}

//go:embed catalog/graph-permissions.yaml
var graphPermissionsYAML []byte

// graphPermissions are the Graph permissions teamsctl, the vendors and
// Graph's meeting, calendar, mail and rooms APIs use. Parsed on first use,
// not at start-up: every teamsctl process links the emulator, and most
// (--version, a real tenant's commands) never look at the catalog.
var graphPermissions = sync.OnceValue(func() []graphPermission { return mustLoadGraphPermissions(graphPermissionsYAML) })

func mustLoadGraphPermissions(raw []byte) []graphPermission {
	var doc struct {
		Permissions []graphPermission `yaml:"permissions"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		panic("emulator: catalog/graph-permissions.yaml: " + err.Error())
	}
	return doc.Permissions
}

// graphScopesAndRoles builds the Microsoft Graph service principal's
// published delegated scopes and application roles from the catalog.
func graphScopesAndRoles() ([]PermissionScope, []AppRole) {
	var scopes []PermissionScope
	var roles []AppRole
	for _, p := range graphPermissions() {
		if p.ScopeID != "" {
			scopes = append(scopes, PermissionScope{
				ID: p.ScopeID, Value: p.Value, Type: p.ConsentType, IsEnabled: true,
				AdminConsentDisplayName: p.Display, AdminConsentDescription: p.Display + " (" + p.Value + "), on behalf of the signed-in user.",
				UserConsentDisplayName: p.Display, UserConsentDescription: p.Display + " (" + p.Value + "), on your behalf.",
				Classification: p.Classification,
			})
		}
		if p.RoleID != "" {
			roles = append(roles, AppRole{
				ID: p.RoleID, Value: p.Value, DisplayName: p.RoleDisplay, IsEnabled: true,
				Description:        p.RoleDisplay + " (" + p.Value + "), without a signed-in user.",
				AllowedMemberTypes: []string{"Application"},
			})
		}
	}
	return scopes, roles
}

//go:embed catalog/skus.yaml
var skuCatalogYAML []byte

// catalogSku is one entry of catalog/skus.yaml.
type catalogSku struct {
	SkuPartNumber string `yaml:"skuPartNumber"`
	SkuID         string `yaml:"skuId"`
	DisplayName   string `yaml:"displayName"`
	ServicePlans  []struct {
		ID        string `yaml:"servicePlanId"`
		Name      string `yaml:"servicePlanName"`
		AppliesTo string `yaml:"appliesTo"`
	} `yaml:"servicePlans"`
}

// licenceSKUs are the SKUs a seed may name by skuPartNumber, with every
// plan provisioned (Success).
// Parsed on first use, like graphPermissions.
var licenceSKUs = sync.OnceValue(func() map[string]License { return mustLoadSKUs(skuCatalogYAML) })

func mustLoadSKUs(raw []byte) map[string]License {
	var doc struct {
		Skus []catalogSku `yaml:"skus"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		panic("emulator: catalog/skus.yaml: " + err.Error())
	}
	out := map[string]License{}
	for _, s := range doc.Skus {
		plans := make([]ServicePlan, len(s.ServicePlans))
		for i, p := range s.ServicePlans {
			plans[i] = ServicePlan{ServicePlanID: p.ID, ServicePlanName: p.Name, ProvisioningStatus: "Success", AppliesTo: p.AppliesTo}
		}
		out[s.SkuPartNumber] = License{SkuID: s.SkuID, SkuPartNumber: s.SkuPartNumber, ServicePlans: plans}
	}
	return out
}

// knownSKUNames lists the catalog's part numbers for error messages.
func knownSKUNames() string {
	names := make([]string, 0, len(licenceSKUs()))
	for n := range licenceSKUs() {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// licenceFor builds a user's licence from the catalog: the SKU's plans,
// those named in disabled with provisioningStatus Disabled, as Graph shows
// plans an admin turned off in the assignment.
func licenceFor(partNumber string, disabled []string) (License, error) {
	sku, ok := licenceSKUs()[partNumber]
	if !ok {
		return License{}, fmt.Errorf("unknown licence %q (known: %s)", partNumber, knownSKUNames())
	}
	plans := slices.Clone(sku.ServicePlans)
	for _, name := range disabled {
		i := slices.IndexFunc(plans, func(p ServicePlan) bool { return strings.EqualFold(p.ServicePlanName, name) })
		if i < 0 {
			return License{}, fmt.Errorf("licence %s has no service plan %q to disable", partNumber, name)
		}
		plans[i].ProvisioningStatus = "Disabled"
	}
	return License{SkuID: sku.SkuID, SkuPartNumber: sku.SkuPartNumber, DisabledPlans: disabled, ServicePlans: plans}, nil
}

// Service plan ids the emulator itself evaluates.
const (
	planTeams              = "57ff2da0-773e-42df-b2af-ffb7a2317929" // TEAMS1
	planExchangeStandard   = "9aaf7827-d63c-4b61-89c3-182f06f82e5c" // EXCHANGE_S_STANDARD
	planExchangeEnterprise = "efb87545-963c-4e0d-99df-69c6916d9eb0" // EXCHANGE_S_ENTERPRISE
	planExchangeDeskless   = "4a82b400-a79f-41a4-b4e2-e94f5787b113" // EXCHANGE_S_DESKLESS (Kiosk)
	planEntraIDP1          = "41781fb2-bc02-4b7c-bd55-b576c07bb09d" // AAD_PREMIUM
	planEntraIDP2          = "eec0eb4f-6444-4f95-aba0-50c24d67f998" // AAD_PREMIUM_P2
)

// TeamsServicePlanIDs are the service plans that give a user Teams.
var TeamsServicePlanIDs = []string{planTeams}

// ExchangeServicePlanIDs are the service plans that give a user a mailbox.
// EXCHANGE_S_FOUNDATION is not one of them: it supports other services and
// comes without a mailbox.
var ExchangeServicePlanIDs = []string{planExchangeStandard, planExchangeEnterprise, planExchangeDeskless}

// EntraIDPremiumPlanIDs are the service plans that give a tenant Microsoft
// Entra ID P1 features (Conditional Access, group-based app assignment,
// sign-in logs).
var EntraIDPremiumPlanIDs = []string{planEntraIDP1, planEntraIDP2}
