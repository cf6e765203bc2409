package graph

import (
	"context"
	"slices"
	"strings"
	"time"
)

// ServicePrincipals is the enterprise-app area of the Graph client.
type ServicePrincipals interface {
	// ServicePrincipalByAppID reads the service principal of an appId in
	// this tenant; *NotFound when there is none.
	ServicePrincipalByAppID(ctx context.Context, appID string) (*ServicePrincipal, error)
	// ServicePrincipal reads a service principal by object id.
	ServicePrincipal(ctx context.Context, id string) (*ServicePrincipal, error)
	// UpsertServicePrincipal creates the service principal of an appId (an
	// app of this tenant or a vendor's multi-tenant app) unless the tenant
	// has it (Graph's upsert with Prefer: create-if-missing). created is
	// true when Graph created it (201) and sp is the new one; otherwise sp
	// is nil: read it by appId.
	UpsertServicePrincipal(ctx context.Context, appID string) (sp *ServicePrincipal, created bool, err error)
	// ServicePrincipalsByName returns the service principals whose display
	// name is exactly name (the name an admin finds in Enterprise
	// applications).
	ServicePrincipalsByName(ctx context.Context, name string) ([]ServicePrincipal, error)
	// ListServicePrincipals reads one page of the tenant's service
	// principals (enterprise apps), filtered by q; next is the link to the
	// following page, "" after the last.
	ListServicePrincipals(ctx context.Context, q ServicePrincipalQuery) (page []ServicePrincipal, next string, err error)
	// UpdateServicePrincipal changes the fields of u that are set.
	UpdateServicePrincipal(ctx context.Context, id string, u ServicePrincipalUpdate) error
	// DeleteServicePrincipal deletes the enterprise app (and with it its
	// grants and assignments).
	DeleteServicePrincipal(ctx context.Context, id string) error
}

// Grants is the consent area: delegated permission grants and app role
// assignments.
type Grants interface {
	// DelegatedGrants lists the oauth2PermissionGrants of a client service
	// principal, optionally for one resource ("" for all).
	DelegatedGrants(ctx context.Context, clientID, resourceID string) ([]DelegatedGrant, error)
	// CreateDelegatedGrant records a grant; Graph answers 409 (*Conflict)
	// when one exists for the same client, resource and principal.
	CreateDelegatedGrant(ctx context.Context, g DelegatedGrant) (*DelegatedGrant, error)
	// UpdateDelegatedGrantScope replaces a grant's scope string.
	UpdateDelegatedGrantScope(ctx context.Context, id, scope string) error
	// DeleteDelegatedGrant deletes a grant.
	DeleteDelegatedGrant(ctx context.Context, id string) error

	// AppRoleAssignedTo lists the assignments granted on a resource service
	// principal (users, groups and client apps holding its roles).
	AppRoleAssignedTo(ctx context.Context, resourceID string) ([]AppRoleAssignment, error)
	// AppRoleAssignmentsOf lists the app roles a service principal holds
	// (its application permissions).
	AppRoleAssignmentsOf(ctx context.Context, principalSPID string) ([]AppRoleAssignment, error)
	// AssignAppRole creates an assignment on the resource service principal.
	AssignAppRole(ctx context.Context, a AppRoleAssignment) (*AppRoleAssignment, error)
	// RemoveAppRoleAssignment deletes an assignment from the resource.
	RemoveAppRoleAssignment(ctx context.Context, resourceID, assignmentID string) error
}

// Principals looks up the users and groups that consent and assignment
// commands name.
type Principals interface {
	// UserByID reads a user by object id or user principal name.
	UserByID(ctx context.Context, idOrUPN string) (*User, error)
	// GroupsByName returns the groups whose display name is exactly name.
	GroupsByName(ctx context.Context, name string) ([]Group, error)
	// Group reads a group by object id.
	Group(ctx context.Context, id string) (*Group, error)
	// GroupUserMembers lists the users who are direct members of a group
	// (not those of nested groups).
	GroupUserMembers(ctx context.Context, groupID string) ([]User, error)
}

// Group is an Entra group. SecurityEnabled, MailEnabled and GroupTypes
// ("Unified" for a Microsoft 365 group) tell security groups, Microsoft 365
// groups and distribution lists apart.
type Group struct {
	ID              string   `json:"id"`
	DisplayName     string   `json:"displayName"`
	SecurityEnabled bool     `json:"securityEnabled,omitempty"`
	MailEnabled     bool     `json:"mailEnabled,omitempty"`
	GroupTypes      []string `json:"groupTypes,omitempty"`
}

// Unified reports a Microsoft 365 group.
func (g Group) Unified() bool {
	return slices.ContainsFunc(g.GroupTypes, func(t string) bool { return strings.EqualFold(t, "Unified") })
}

// ServicePrincipal is an enterprise app: an app's presence in this tenant.
type ServicePrincipal struct {
	ID                        string            `json:"id"`
	AppID                     string            `json:"appId"`
	DisplayName               string            `json:"displayName"`
	AppOwnerOrganizationID    string            `json:"appOwnerOrganizationId,omitempty"`
	AccountEnabled            bool              `json:"accountEnabled"`
	AppRoleAssignmentRequired bool              `json:"appRoleAssignmentRequired"`
	SignInAudience            string            `json:"signInAudience,omitempty"`
	AppRoles                  []AppRole         `json:"appRoles,omitempty"`
	OAuth2PermissionScopes    []PermissionScope `json:"oauth2PermissionScopes,omitempty"`
	ServicePrincipalType      string            `json:"servicePrincipalType,omitempty"`
	VerifiedPublisher         string            `json:"verifiedPublisher,omitempty"`
	Tags                      []string          `json:"tags,omitempty"`
	CreatedDateTime           time.Time         `json:"-"`
	ReplyURLs                 []string          `json:"replyUrls,omitempty"`
}

// ServicePrincipalQuery selects service principals to list.
type ServicePrincipalQuery struct {
	// NamePrefix keeps those whose display name starts with it (Graph's
	// startswith, which ignores case).
	NamePrefix string
	// PageSize is Graph's $top (0: Graph's default).
	PageSize int
	// NextLink continues a previous page.
	NextLink string
}

// ServicePrincipalUpdate changes enterprise-app settings; nil is unchanged.
type ServicePrincipalUpdate struct {
	AccountEnabled            *bool
	AppRoleAssignmentRequired *bool
}

// AppRole is an application permission (or an assignable role) an API
// publishes.
type AppRole struct {
	ID                 string   `json:"id"`
	Value              string   `json:"value"`
	DisplayName        string   `json:"displayName,omitempty"`
	Description        string   `json:"description,omitempty"`
	AllowedMemberTypes []string `json:"allowedMemberTypes,omitempty"`
	IsEnabled          bool     `json:"isEnabled"`
}

// PermissionScope is a delegated permission an API publishes. Type is
// "User" (users may consent) or "Admin".
type PermissionScope struct {
	ID                      string `json:"id"`
	Value                   string `json:"value"`
	Type                    string `json:"type"`
	AdminConsentDisplayName string `json:"adminConsentDisplayName,omitempty"`
	IsEnabled               bool   `json:"isEnabled"`
}

// Consent types of delegated grants.
const (
	ConsentAllPrincipals = "AllPrincipals"
	ConsentPrincipal     = "Principal"
)

// DelegatedGrant is an oauth2PermissionGrant: delegated consent of a
// client service principal to a resource, tenant-wide (AllPrincipals) or
// for one user (Principal, PrincipalID set).
type DelegatedGrant struct {
	ID          string `json:"id,omitempty"`
	ClientID    string `json:"clientId"`
	ConsentType string `json:"consentType"`
	PrincipalID string `json:"principalId,omitempty"`
	ResourceID  string `json:"resourceId"`
	Scope       string `json:"scope"`
}

// AppRoleAssignment gives a principal (user, group or service principal)
// an app role of a resource service principal.
type AppRoleAssignment struct {
	ID                   string `json:"id,omitempty"`
	AppRoleID            string `json:"appRoleId"`
	PrincipalID          string `json:"principalId"`
	PrincipalType        string `json:"principalType,omitempty"`
	PrincipalDisplayName string `json:"principalDisplayName,omitempty"`
	ResourceID           string `json:"resourceId"`
	ResourceDisplayName  string `json:"resourceDisplayName,omitempty"`
}
