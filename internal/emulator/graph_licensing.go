package emulator

import (
	"net/http"
	"strings"
)

// Licences and the tenant-wide protections that come with them: the
// tenant's subscriptions (subscribedSkus), security defaults, and the
// refusal of Entra ID P1 features in tenants without P1.

var typeSubscribedSku = &graphType{
	Name: "microsoft.graph.subscribedSku", Resource: "SubscribedSku",
	Zero: func() map[string]any { return subscribedSkuView(&Tenant{}, &SubscribedSku{}) },
}

// subscribedSkuView follows Graph's subscribedSku resource: id is the
// tenant id and skuId joined by an underscore, prepaidUnits counts the
// licences bought and consumedUnits those assigned.
func subscribedSkuView(t *Tenant, s *SubscribedSku) map[string]any {
	plans := []map[string]any{}
	for _, p := range s.ServicePlans {
		plans = append(plans, map[string]any{"servicePlanId": p.ServicePlanID, "servicePlanName": p.ServicePlanName,
			"provisioningStatus": p.ProvisioningStatus, "appliesTo": p.AppliesTo})
	}
	var id any
	if t.ID != "" {
		id = t.ID + "_" + s.SkuID
	}
	return map[string]any{
		"id": id, "accountId": nullable(t.ID), "accountName": nullable(t.DisplayName), "appliesTo": "User",
		"capabilityStatus": "Enabled", "consumedUnits": t.ConsumedUnits(s.SkuPartNumber),
		"prepaidUnits": map[string]any{"enabled": s.PrepaidUnits, "suspended": 0, "warning": 0, "lockedOut": 0},
		"servicePlans": plans, "skuId": nullable(s.SkuID), "skuPartNumber": nullable(s.SkuPartNumber),
		"subscriptionIds": []string{},
	}
}

func (c *graphCall) listSubscribedSkus() *graphError {
	views := []map[string]any{}
	for _, s := range c.tenant.SubscribedSkus {
		views = append(views, subscribedSkuView(c.tenant, s))
	}
	return c.writeCollection("subscribedSkus", views)
}

func (c *graphCall) getSubscribedSku() *graphError {
	id := keyValue(c.params["sku"])
	for _, s := range c.tenant.SubscribedSkus {
		if strings.EqualFold(c.tenant.ID+"_"+s.SkuID, id) {
			return c.writeEntity(http.StatusOK, "subscribedSkus", subscribedSkuView(c.tenant, s))
		}
	}
	return errNotFound(id)
}

var typeSecurityDefaultsPolicy = &graphType{
	Name: "microsoft.graph.identitySecurityDefaultsEnforcementPolicy", Resource: "IdentitySecurityDefaultsEnforcementPolicy",
	Zero: func() map[string]any { return securityDefaultsView(false) },
}

// securityDefaultsView is policies/identitySecurityDefaultsEnforcementPolicy
// with the id, name and description Graph's "Get
// identitySecurityDefaultsEnforcementPolicy" example shows.
func securityDefaultsView(enabled bool) map[string]any {
	return map[string]any{
		"id": "00000000-0000-0000-0000-000000000005", "deletedDateTime": nil, "displayName": "Security Defaults",
		"description": "Security defaults is a set of basic identity security mechanisms recommended by Microsoft. " +
			"When enabled, these recommendations will be automatically enforced in your organization. " +
			"Administrators and users will be better protected from common identity related attacks.",
		"isEnabled": enabled,
	}
}

func (c *graphCall) getSecurityDefaults() *graphError {
	return c.writeEntity(http.StatusOK, "policies/identitySecurityDefaultsEnforcementPolicy", securityDefaultsView(c.tenant.SecurityDefaults))
}

func (c *graphCall) patchSecurityDefaults() *graphError {
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	spec := propSpec{Type: "microsoft.graph.identitySecurityDefaultsEnforcementPolicy",
		Writable: []string{"isEnabled"}, ReadOnly: []string{"id"}, Unmodelled: []string{"displayName", "description"}}
	if gerr := checkBodyProps(body, spec); gerr != nil {
		return gerr
	}
	enabled := c.tenant.SecurityDefaults
	if gerr := field(body, "isEnabled", &enabled); gerr != nil {
		return gerr
	}
	c.tenant.SecurityDefaults = enabled
	return c.noContent()
}

// requireEntraIDPremium refuses Entra ID P1 features in a tenant without
// P1 or P2. The sign-in log answers this 403 (observed in
// github.com/microsoftgraph/microsoft-graph-docs/issues/4336,
// github.com/microsoftgraph/msgraph-sdk-dotnet/issues/1006 and
// github.com/turbot/steampipe-plugin-azuread/issues/98). Microsoft documents the What If tool as needing P1 but not Graph's
// answer without it; the emulator gives the same refusal (a guess).
func (c *graphCall) requireEntraIDPremium() *graphError {
	if c.tenant.HasEntraIDPremium() {
		return nil
	}
	return newGraphError(http.StatusForbidden, "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
		"Neither tenant is B2C or tenant doesn't have premium license")
}
