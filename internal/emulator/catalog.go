package emulator

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// The catalog holds facts that are the same in every tenant: the permissions
// Microsoft Graph publishes and the licence SKUs the seed refers to by name.
// Seeds only name these; Seed.Build fills in the details.

// graphPermission is one Microsoft Graph permission: its delegated scope id
// and consent type, and its application role id, where they exist.
type graphPermission struct {
	Value          string
	ScopeID        string // delegated (oauth2PermissionScopes), "" if none
	ConsentType    string // User or Admin, for the delegated scope
	RoleID         string // application (appRoles), "" if none
	Classification string // "low" where the seed classifies the scope as low risk
	Description    string
}

// graphPermissions are the Graph permissions teamsctl and the vendors use.
// Ids and consent types follow ../shared/reference/graph.md section 12
// (verified against Microsoft's permission reference) except where marked
// "unverified": those are recalled from Graph service principal dumps.
var graphPermissions = []graphPermission{
	{Value: "User.Read", ScopeID: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", ConsentType: "User", Classification: "low", Description: "Sign in and read user profile"},
	{Value: "User.ReadBasic.All", ScopeID: "b340eb25-3456-403f-be2f-af7a0d370277", ConsentType: "User", RoleID: "97235f07-e226-4f63-ace3-39588e11d3a1", Description: "Read all users' basic profiles"},
	{Value: "User.Read.All", ScopeID: "a154be20-db9c-4678-8ab7-66f6cc099a59", ConsentType: "Admin", RoleID: "df021288-bdef-4463-88db-98f22de89214", Description: "Read all users' full profiles"},
	{Value: "OnlineMeetings.Read", ScopeID: "9be106e1-f4e3-4df5-bdff-e4bc531cbe43", ConsentType: "User", Description: "Read user's online meetings"},
	{Value: "OnlineMeetings.Read.All", RoleID: "c1684f21-1984-47fa-9d61-2dc8c296bb70", Description: "Read online meeting details"},
	{Value: "OnlineMeetings.ReadWrite", ScopeID: "a65f2972-a4f8-4f5e-afd7-69ccb046d5dc", ConsentType: "User", Description: "Read and create user's online meetings"},
	{Value: "OnlineMeetings.ReadWrite.All", RoleID: "b8bb2037-6e08-44ac-a4ea-4674e010e2a4", Description: "Read and create online meetings"},
	{Value: "Calendars.Read", ScopeID: "465a38f9-76ea-45b9-9f34-9e8b0d4b0b42", ConsentType: "User", RoleID: "798ee544-9d2d-430c-a058-570e29e34338", Description: "Read user calendars"},
	{Value: "Calendars.ReadWrite", ScopeID: "1ec239c2-d7c9-4623-a91a-a9775856bb36", ConsentType: "User", RoleID: "ef54d2bf-783f-4e0f-bca1-3210c0444d99", Description: "Have full access to user calendars"},
	{Value: "Mail.Send", ScopeID: "e383f46e-2787-4529-855e-0e479a3ffac0", ConsentType: "User", RoleID: "b633e1c5-b582-4048-a93e-9f11b44c7e96", Description: "Send mail as a user"},
	{Value: "Mail.ReadWrite", ScopeID: "024d486e-b451-40bb-833d-3e66d98c5c73", ConsentType: "User", RoleID: "e2a3a72e-5f79-4c64-b1b1-878b674786c9", Description: "Read and write access to user mail"},
	{Value: "Mail.Read", ScopeID: "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", ConsentType: "User", RoleID: "810c84a8-4a9e-49e6-bf7d-12d183f40d01", Description: "Read user mail"},
	{Value: "Place.Read.All", ScopeID: "cb8f45a0-5c2e-4ea1-b803-84b870a7d7ec", ConsentType: "Admin", RoleID: "913b9306-0ce1-42b8-9137-6a7df690a760", Description: "Read all company places"},
	{Value: "offline_access", ScopeID: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", ConsentType: "User", Classification: "low", Description: "Maintain access to data you have given it access to"},
	{Value: "openid", ScopeID: "37f7f235-527c-4136-accd-4a02d197296e", ConsentType: "User", Classification: "low", Description: "Sign users in"},
	{Value: "email", ScopeID: "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", ConsentType: "User", Classification: "low", Description: "View users' email address"},
	{Value: "profile", ScopeID: "14dad69e-099b-42c9-810b-d002981feec1", ConsentType: "User", Classification: "low", Description: "View users' basic profile"},
	{Value: "Application.Read.All", ScopeID: "c79f8feb-a9db-4090-85f9-90d820caa0eb", ConsentType: "Admin", RoleID: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", Description: "Read applications"},
	{Value: "Application.ReadWrite.All", ScopeID: "bdfbf15f-ee85-4955-8675-146e8e5296b5", ConsentType: "Admin", RoleID: "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", Description: "Read and write all applications"},
	{Value: "Application.ReadWrite.OwnedBy", RoleID: "18a4783c-866b-4cc7-a460-3d5e5662c884", Description: "Manage apps that this app creates or owns"},
	{Value: "AppRoleAssignment.ReadWrite.All", ScopeID: "84bccea3-f856-4a8a-967b-dbe0a3d53a64", ConsentType: "Admin", RoleID: "06b708a9-e830-4db3-a914-8e69da51d44f", Description: "Manage app permission grants and app role assignments"},
	// Role id unverified.
	{Value: "DelegatedPermissionGrant.ReadWrite.All", ScopeID: "41ce6ca6-6826-4807-84f1-1c82854f7ee5", ConsentType: "Admin", RoleID: "8e8e4742-1d95-4f68-9d56-6ee75648c72a", Description: "Manage all delegated permission grants"},
	{Value: "Policy.Read.All", ScopeID: "572fea84-0151-49b2-9301-11cb16974376", ConsentType: "Admin", RoleID: "246dd0d5-5bd0-4def-940b-0421030a5b68", Description: "Read your organization's policies"},
	{Value: "Policy.Read.ConditionalAccess", ScopeID: "633e0fce-8c58-4cfb-9495-12bbd5a24f7c", ConsentType: "Admin", RoleID: "37730810-e9ba-4e46-b07e-8ca78d182097", Description: "Read your organization's conditional access policies"},
	{Value: "Policy.Read.PermissionGrant", ScopeID: "414de6ea-2d92-462f-b120-6e2a809a6d01", ConsentType: "Admin", RoleID: "9e640839-a198-48fb-8b9a-013fd6f6cbcd", Description: "Read consent and permission grant policies"},
	{Value: "Policy.ReadWrite.Authorization", ScopeID: "edd3c878-b384-41fd-95ad-e7407dd775be", ConsentType: "Admin", RoleID: "fb221be6-99f2-473f-bd32-01c6a0e9ca3b", Description: "Read and write your organization's authorization policy"},
	{Value: "Policy.ReadWrite.ConsentRequest", ScopeID: "4d135e65-66b8-41a8-9f8b-081452c91774", ConsentType: "Admin", RoleID: "999f8c63-0a38-4f1b-91fd-ed1947bdd1a9", Description: "Read and write your organization's consent request policy"},
	{Value: "Policy.ReadWrite.ConditionalAccess", ScopeID: "ad902697-1014-4ef5-81ef-2b4301988e8c", ConsentType: "Admin", RoleID: "01c0a623-fc9b-48e9-b794-0756f8e8f067", Description: "Read and write your organization's conditional access policies"},
	// Ids unverified.
	{Value: "Policy.ReadWrite.ApplicationConfiguration", ScopeID: "b27add92-efb2-4f16-84f5-8108ba77985c", ConsentType: "Admin", RoleID: "be74164b-cff1-491c-8741-e671cb536e13", Description: "Read and write your organization's application configuration policies"},
	{Value: "Organization.Read.All", ScopeID: "4908d5b9-3fb2-4b1e-9336-1888b7937185", ConsentType: "Admin", RoleID: "498476ce-e0fe-48b0-b801-37ba7e2685c6", Description: "Read organization information"},
	// Ids unverified from here on.
	{Value: "Directory.Read.All", ScopeID: "06da0dbc-49e2-44d2-8312-53f166ab848a", ConsentType: "Admin", RoleID: "7ab1d382-f21e-4acd-a863-ba3e13f7da61", Description: "Read directory data"},
	{Value: "Directory.ReadWrite.All", ScopeID: "c5366453-9fb0-48a5-a156-24f0c49a4b84", ConsentType: "Admin", RoleID: "19dbc75e-c2e2-444c-a770-ec69d8559fc7", Description: "Read and write directory data"},
	{Value: "Directory.AccessAsUser.All", ScopeID: "0e263e50-5827-48a4-b97c-d940288653c7", ConsentType: "Admin", Description: "Access directory as the signed in user"},
	{Value: "Group.Read.All", ScopeID: "5f8c59db-677d-491f-a6b8-5f174b11ec1d", ConsentType: "Admin", RoleID: "5b567255-7703-4780-807c-7be8301ae99b", Description: "Read all groups"},
	{Value: "GroupMember.Read.All", ScopeID: "bc024368-1153-4739-b217-4326f2e966d0", ConsentType: "Admin", RoleID: "98830695-27a2-44f7-8c18-0c3ebc9698f6", Description: "Read group memberships"},
	{Value: "AuditLog.Read.All", ScopeID: "e4c9e354-4dc5-45b8-9e7c-e1393b0b1a20", ConsentType: "Admin", RoleID: "b0afded3-3588-46d8-8b3d-9842eff778da", Description: "Read audit log data"},
	{Value: "RoleManagement.Read.Directory", ScopeID: "741c54c3-0c1e-44a1-818b-3f97ab4e8c83", ConsentType: "Admin", RoleID: "483bed4a-2ad3-4361-a73b-c83ccdbdc53c", Description: "Read directory RBAC settings"},
}

// graphScopesAndRoles builds the Microsoft Graph service principal's
// published delegated scopes and application roles from the catalog.
func graphScopesAndRoles() ([]PermissionScope, []AppRole) {
	var scopes []PermissionScope
	var roles []AppRole
	for _, p := range graphPermissions {
		if p.ScopeID != "" {
			scopes = append(scopes, PermissionScope{
				ID: p.ScopeID, Value: p.Value, Type: p.ConsentType, IsEnabled: true,
				AdminConsentDisplayName: p.Description, AdminConsentDescription: "Allows the app to " + p.Description + " on behalf of the signed-in user.",
				UserConsentDisplayName: p.Description, UserConsentDescription: "Allows the app to " + p.Description + " on your behalf.",
				Classification: p.Classification,
			})
		}
		if p.RoleID != "" {
			roles = append(roles, AppRole{
				ID: p.RoleID, Value: p.Value, DisplayName: p.Description, IsEnabled: true,
				Description:        "Allows the app to " + p.Description + " without a signed-in user.",
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
var licenceSKUs = mustLoadSKUs(skuCatalogYAML)

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
	names := make([]string, 0, len(licenceSKUs))
	for n := range licenceSKUs {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// licenceFor builds a user's licence from the catalog: the SKU's plans,
// those named in disabled with provisioningStatus Disabled, as Graph shows
// plans an admin turned off in the assignment.
func licenceFor(partNumber string, disabled []string) (License, error) {
	sku, ok := licenceSKUs[partNumber]
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
