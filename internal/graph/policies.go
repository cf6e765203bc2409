package graph

import (
	"context"
	"strings"
	"time"
)

// Policies is the diagnostic area of the Graph client (doctor):
// the tenant's consent and Conditional Access policies, the sign-in log,
// and the per-user facts (licences, memberships, assignments, grants)
// that decide whether one user can connect an integration. Every read is
// bounded: filtered server-side to one user, app or principal set, never
// a listing of the whole tenant.
type Policies interface {
	// AuthorizationPolicy is the tenant's user consent and app
	// registration settings (GET /policies/authorizationPolicy).
	AuthorizationPolicy(ctx context.Context) (*AuthorizationPolicy, error)
	// AdminConsentRequestPolicy is the admin consent workflow.
	AdminConsentRequestPolicy(ctx context.Context) (*AdminConsentRequestPolicy, error)
	// ConditionalAccessPolicies lists the Conditional Access policies.
	ConditionalAccessPolicies(ctx context.Context) ([]ConditionalAccessPolicy, error)
	// EvaluateConditionalAccess is Conditional Access What If for a user
	// (object id) signing in to an app (appId) from a browser: every policy
	// with whether it applies.
	EvaluateConditionalAccess(ctx context.Context, userID, appID string) ([]WhatIfResult, error)
	// SignIns returns recent sign-ins matching q, newest first.
	SignIns(ctx context.Context, q SignInQuery) ([]SignIn, error)
	// UserDetail reads a user with the fields diagnostics need.
	UserDetail(ctx context.Context, idOrUPN string) (*UserDetail, error)
	// LicenseDetails lists a user's licences with their service plans.
	LicenseDetails(ctx context.Context, idOrUPN string) ([]LicenseDetail, error)
	// TransitiveMemberships lists the groups and directory roles a user is
	// in, directly or through nested groups.
	TransitiveMemberships(ctx context.Context, idOrUPN string) (*Memberships, error)
	// DirectMemberships lists the groups and directory roles a user is a
	// direct member of (app assignment counts only these groups).
	DirectMemberships(ctx context.Context, idOrUPN string) (*Memberships, error)
	// NestedGroups lists the groups among a group's transitive members:
	// the groups nested in it, at any depth.
	NestedGroups(ctx context.Context, groupID string) ([]Group, error)
	// SubscribedSkus lists the tenant's licence subscriptions.
	SubscribedSkus(ctx context.Context) ([]SubscribedSku, error)
	// SecurityDefaultsEnabled reads whether security defaults are on
	// (policies/identitySecurityDefaultsEnforcementPolicy).
	SecurityDefaultsEnabled(ctx context.Context) (bool, error)
	// AssignmentsTo lists one page of the app role assignments on a
	// resource service principal, filtered server-side (see
	// AssignmentFilter).
	AssignmentsTo(ctx context.Context, resourceID string, f AssignmentFilter) ([]AppRoleAssignment, error)
	// ClientGrants lists a client service principal's tenant-wide
	// (AllPrincipals) delegated grants when userID is "", otherwise the
	// per-user grants of that user (object id).
	ClientGrants(ctx context.Context, clientID, userID string) ([]DelegatedGrant, error)
}

// User consent policy entries of the authorization policy.
const (
	UserConsentPrefix       = "ManagePermissionGrantsForSelf."
	UserConsentLegacy       = "microsoft-user-default-legacy"
	UserConsentLow          = "microsoft-user-default-low"
	UserConsentRecommended  = "microsoft-user-default-recommended"
	UserConsentAllowApps    = "microsoft-user-default-allow-consent-apps"
	CAStateEnabled          = "enabled"
	CAStateDisabled         = "disabled"
	CAStateReportOnly       = "enabledForReportingButNotEnforced"
	CAControlBlock          = "block"
	CAControlMFA            = "mfa"
	CAControlCompliant      = "compliantDevice"
	CAControlDomainJoined   = "domainJoinedDevice"
	CAGuestsOrExternalUsers = "GuestsOrExternalUsers"
)

// AssignmentFilter narrows AssignmentsTo: to one principal (a user's
// direct assignment), to a principal type ("Group": the groups assigned
// to the app, usually few), and to at most Top results (0: Graph's page).
type AssignmentFilter struct {
	PrincipalID   string
	PrincipalType string
	Top           int
}

// AuthorizationPolicy is the part of the tenant's authorization policy
// that decides who may consent to and register apps.
type AuthorizationPolicy struct {
	AllowedToCreateApps             bool     `json:"allowedToCreateApps"`
	AllowUserConsentForRiskyApps    bool     `json:"allowUserConsentForRiskyApps"`
	PermissionGrantPoliciesAssigned []string `json:"permissionGrantPoliciesAssigned"`
}

// UserConsentPolicies are the permission grant policy ids users may
// consent under (the ManagePermissionGrantsForSelf entries, compared
// case-insensitively as Graph's casing varies); none means user consent
// is off.
func (p *AuthorizationPolicy) UserConsentPolicies() []string {
	var out []string
	for _, e := range p.PermissionGrantPoliciesAssigned {
		if len(e) > len(UserConsentPrefix) && strings.EqualFold(e[:len(UserConsentPrefix)], UserConsentPrefix) {
			out = append(out, e[len(UserConsentPrefix):])
		}
	}
	return out
}

// AdminConsentRequestPolicy is the admin consent workflow.
type AdminConsentRequestPolicy struct {
	IsEnabled       bool     `json:"isEnabled"`
	NotifyReviewers bool     `json:"notifyReviewers"`
	Reviewers       []string `json:"reviewers"` // the reviewer queries, e.g. /users/{id}
}

// ConditionalAccessPolicy is a Conditional Access policy, reduced to the
// conditions and controls teamsctl evaluates.
type ConditionalAccessPolicy struct {
	ID                  string   `json:"id"`
	DisplayName         string   `json:"displayName"`
	State               string   `json:"state"`
	IncludeUsers        []string `json:"includeUsers"`
	ExcludeUsers        []string `json:"excludeUsers"`
	IncludeGroups       []string `json:"includeGroups"`
	ExcludeGroups       []string `json:"excludeGroups"`
	IncludeRoles        []string `json:"includeRoles"`
	ExcludeRoles        []string `json:"excludeRoles"`
	IncludeApplications []string `json:"includeApplications"`
	ExcludeApplications []string `json:"excludeApplications"`
	ClientAppTypes      []string `json:"clientAppTypes"`
	GrantOperator       string   `json:"grantOperator,omitempty"`
	BuiltInControls     []string `json:"builtInControls"`
}

// WhatIfResult is one policy in a What If evaluation.
type WhatIfResult struct {
	Policy          ConditionalAccessPolicy `json:"policy"`
	Applies         bool                    `json:"policyApplies"`
	AnalysisReasons string                  `json:"analysisReasons,omitempty"`
}

// SignInQuery filters the sign-in log. At least one of UserPrincipalName
// and AppID should be set so the read stays small.
type SignInQuery struct {
	UserPrincipalName string
	AppID             string
	Since             time.Time
	Top               int
}

// SignIn is one entry of the sign-in log.
type SignIn struct {
	ID                string    `json:"id"`
	CreatedDateTime   time.Time `json:"createdDateTime"`
	UserPrincipalName string    `json:"userPrincipalName"`
	AppID             string    `json:"appId"`
	AppDisplayName    string    `json:"appDisplayName,omitempty"`
	ErrorCode         int       `json:"errorCode"`
	FailureReason     string    `json:"failureReason,omitempty"`
	// AdditionalDetails is the log's status.additionalDetails.
	AdditionalDetails string `json:"additionalDetails,omitempty"`
	ConditionalAccess string `json:"conditionalAccessStatus,omitempty"`
}

// UserDetail is a user with the fields diagnostics need.
type UserDetail struct {
	User
	AccountEnabled bool   `json:"accountEnabled"`
	UserType       string `json:"userType,omitempty"` // Member or Guest
}

// LicenseDetail is one licence (SKU) of a user.
type LicenseDetail struct {
	SkuID         string        `json:"skuId"`
	SkuPartNumber string        `json:"skuPartNumber"`
	ServicePlans  []ServicePlan `json:"servicePlans"`
}

// ServicePlan is a service inside a licence; ProvisioningStatus "Success"
// means it is on.
type ServicePlan struct {
	ServicePlanID      string `json:"servicePlanId"`
	ServicePlanName    string `json:"servicePlanName"`
	ProvisioningStatus string `json:"provisioningStatus"`
	// AppliesTo is "User", or "Company" for a plan that serves the whole
	// organisation (EXCHANGE_S_FOUNDATION gives no user a mailbox).
	AppliesTo string `json:"appliesTo,omitempty"`
}

// SubscribedSku is one of the tenant's licence subscriptions.
type SubscribedSku struct {
	SkuID         string `json:"skuId"`
	SkuPartNumber string `json:"skuPartNumber"`
	// CapabilityStatus is Enabled, Warning (in its grace period),
	// Suspended, Deleted or LockedOut.
	CapabilityStatus string        `json:"capabilityStatus"`
	ServicePlans     []ServicePlan `json:"servicePlans"`
}

// Service plans of Microsoft Entra ID P1 and P2 (Microsoft's licensing
// service plan reference): Conditional Access, group-based app assignment
// and the sign-in log through Graph need one of them.
const (
	PlanEntraIDP1 = "41781fb2-bc02-4b7c-bd55-b576c07bb09d" // AAD_PREMIUM
	PlanEntraIDP2 = "eec0eb4f-6444-4f95-aba0-50c24d67f998" // AAD_PREMIUM_P2
)

// EntraIDPremium returns the subscription that gives the tenant Entra ID
// P1 or P2 (on its own or in a suite such as Microsoft 365 E3/E5 or
// Business Premium), or "" when none does.
func EntraIDPremium(skus []SubscribedSku) string {
	for _, s := range skus {
		if !strings.EqualFold(s.CapabilityStatus, "Enabled") && !strings.EqualFold(s.CapabilityStatus, "Warning") {
			continue
		}
		for _, p := range s.ServicePlans {
			if strings.EqualFold(p.ServicePlanID, PlanEntraIDP1) || strings.EqualFold(p.ServicePlanID, PlanEntraIDP2) {
				return s.SkuPartNumber
			}
		}
	}
	return ""
}

// GroupGrantsAccess says whether assigning a group to an app lets its
// direct members sign in, and if not why: group-based assignment needs
// Entra ID P1 or P2, and works for security-enabled groups and Microsoft
// 365 groups only, never for distribution lists
// (learn.microsoft.com/entra/identity/enterprise-apps/assign-user-or-group-access-portal).
func GroupGrantsAccess(g Group, premium bool) (bool, string) {
	switch {
	case !premium:
		return false, "group-based assignment needs Microsoft Entra ID P1 or P2, which this tenant does not have"
	case !g.SecurityEnabled && !g.Unified():
		return false, g.DisplayName + " is not security-enabled (a distribution list), and only security groups and Microsoft 365 groups can be assigned"
	}
	return true, ""
}

// Memberships are a user's transitive groups and directory roles.
type Memberships struct {
	Groups []Group         `json:"groups"`
	Roles  []DirectoryRole `json:"roles"`
}
