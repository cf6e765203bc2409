package emulator

import (
	"encoding/json"
	"time"
)

// The model holds the emulated directory in the shape Entra stores it, not in
// the shape Graph returns it: Graph views are built by the handlers (see
// graph_*.go), so secrets, internal flags and replication timestamps never leak
// into responses by accident. Every field is exported and JSON-tagged so the
// whole state can be saved to and restored from the sandbox state file.

// Well-known identifiers used across the emulator.
const (
	// GraphAppID is the appId of Microsoft Graph in every tenant.
	GraphAppID = "00000003-0000-0000-c000-000000000000"
	// GraphCommandLineToolsAppID is Microsoft's first-party public client
	// ("Microsoft Graph Command Line Tools"), teamsctl's default sign-in client.
	GraphCommandLineToolsAppID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
	// MicrosoftServicesTenantID owns Microsoft's first-party applications.
	MicrosoftServicesTenantID = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
	// DefaultAppRoleID is the implicit "default access" role used for user and
	// group assignments to apps that declare no app roles.
	DefaultAppRoleID = "00000000-0000-0000-0000-000000000000"
)

// Directory role template ids (stable across tenants).
const (
	RoleGlobalAdministrator            = "62e90394-69f5-4237-9190-012177145e10"
	RolePrivilegedRoleAdministrator    = "e8611ab8-c189-46e8-94e1-60213ab1f814"
	RoleApplicationAdministrator       = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
	RoleCloudApplicationAdministrator  = "158c047a-c907-4556-b7ef-446551a6b5f7"
	RoleApplicationDeveloper           = "cf1c38e5-3621-4004-a7cb-879624dced7c"
	RoleGlobalReader                   = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
	RoleSecurityReader                 = "5d6b6bb7-de71-4623-b4af-96380a352509"
	RoleConditionalAccessAdministrator = "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9"
	RoleSecurityAdministrator          = "194ae4cb-b126-40b2-bd5b-6091b380977d"
)

// DirectoryRoleNames maps role template ids to their display names.
var DirectoryRoleNames = map[string]string{
	RoleGlobalAdministrator:            "Global Administrator",
	RolePrivilegedRoleAdministrator:    "Privileged Role Administrator",
	RoleApplicationAdministrator:       "Application Administrator",
	RoleCloudApplicationAdministrator:  "Cloud Application Administrator",
	RoleApplicationDeveloper:           "Application Developer",
	RoleGlobalReader:                   "Global Reader",
	RoleSecurityReader:                 "Security Reader",
	RoleConditionalAccessAdministrator: "Conditional Access Administrator",
	RoleSecurityAdministrator:          "Security Administrator",
}

// State is the whole emulated world: the customer tenant that teamsctl
// manages, plus the home tenants of Microsoft's and the vendors' multi-tenant
// applications (only their application objects matter there).
type State struct {
	Tenants []*Tenant `json:"tenants"`
	// DeviceCodes and AuthCodes are pending login transactions.
	DeviceCodes []*DeviceCode `json:"deviceCodes,omitempty"`
	AuthCodes   []*AuthCode   `json:"authCodes,omitempty"`
	// RefreshTokens maps an opaque refresh token to what it was issued for.
	RefreshTokens []*RefreshToken `json:"refreshTokens,omitempty"`
	// Throttles remembers, per client and workload, until when requests are
	// refused with 429 (a client that retries early is throttled again).
	Throttles []*Throttle `json:"throttles,omitempty"`
	// Sequence makes generated ids deterministic for a seed.
	Sequence uint64 `json:"sequence"`
	// SigningKey is the PEM RSA key that signs tokens; it is part of the
	// state so tokens cached by a client stay valid across sandbox runs.
	SigningKey string `json:"signingKey,omitempty"`
}

// Tenant is one Entra directory.
type Tenant struct {
	ID          string    `json:"id"`
	DisplayName string    `json:"displayName"`
	Country     string    `json:"countryLetterCode,omitempty"`
	Domains     []*Domain `json:"domains"`
	// Home marks the tenant that Graph calls and sign-ins address by default.
	Home bool `json:"home,omitempty"`
	// CreatedDateTime is when the tenant was created (the organization's
	// createdDateTime); a seed without one gets the time it is built.
	CreatedDateTime time.Time `json:"createdDateTime,omitempty"`

	// SubscribedSkus are the tenant's licence subscriptions (Graph's
	// subscribedSkus). SKUs users hold but the seed does not list are
	// derived from the users' licences (prepaid = consumed).
	SubscribedSkus []*SubscribedSku `json:"subscribedSkus,omitempty"`
	// SecurityDefaults is policies/identitySecurityDefaultsEnforcementPolicy
	// isEnabled: MFA for everyone and legacy authentication blocked.
	SecurityDefaults bool `json:"securityDefaults,omitempty"`

	Users              []*User              `json:"users,omitempty"`
	Groups             []*Group             `json:"groups,omitempty"`
	Applications       []*Application       `json:"applications,omitempty"`
	ServicePrincipals  []*ServicePrincipal  `json:"servicePrincipals,omitempty"`
	Grants             []*PermissionGrant   `json:"oauth2PermissionGrants,omitempty"`
	AppRoleAssignments []*AppRoleAssignment `json:"appRoleAssignments,omitempty"`

	AuthorizationPolicy       AuthorizationPolicy       `json:"authorizationPolicy"`
	AdminConsentRequestPolicy AdminConsentRequestPolicy `json:"adminConsentRequestPolicy"`
	// AppConsentRequests are the admin consent workflow's requests.
	AppConsentRequests      []*AppConsentRequest       `json:"appConsentRequests,omitempty"`
	PermissionGrantPolicies []*PermissionGrantPolicy   `json:"permissionGrantPolicies,omitempty"`
	AppManagementPolicy     AppManagementPolicy        `json:"defaultAppManagementPolicy"`
	ConditionalAccess       []*ConditionalAccessPolicy `json:"conditionalAccessPolicies,omitempty"`
	// TeamsAccessPolicies model Teams application access policies
	// (New-/Grant-CsApplicationAccessPolicy). Graph cannot read them; they
	// only gate app-only online meeting creation.
	TeamsAccessPolicies []*TeamsAccessPolicy `json:"teamsApplicationAccessPolicies,omitempty"`

	OnlineMeetings []*OnlineMeeting `json:"onlineMeetings,omitempty"`
	Events         []*Event         `json:"events,omitempty"`
	SignIns        []*SignIn        `json:"signIns,omitempty"`

	// InteractiveUser is who signs in at the authorize and admin consent
	// endpoints when the request names nobody (the emulator has no login UI).
	InteractiveUser *InteractiveUser `json:"interactiveUser,omitempty"`
}

// InteractiveUser is the account the emulated login page signs in.
type InteractiveUser struct {
	UserID string `json:"userId"`
	// MFA says whether the user completes an MFA challenge when asked
	// (which also requires an MFA-registered account).
	MFA bool `json:"mfa"`
}

// Domain is a verified domain of a tenant.
type Domain struct {
	Name      string `json:"name"`
	IsDefault bool   `json:"isDefault,omitempty"`
	IsInitial bool   `json:"isInitial,omitempty"`
}

// Replicated carries the moment from which a freshly written object is
// visible to calls other than the one that created it (replication lag).
type Replicated struct {
	VisibleAt time.Time `json:"visibleAt,omitempty"`
}

// User is a member or guest account.
type User struct {
	Replicated
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
	DisplayName       string `json:"displayName"`
	GivenName         string `json:"givenName,omitempty"`
	Surname           string `json:"surname,omitempty"`
	Mail              string `json:"mail,omitempty"`
	JobTitle          string `json:"jobTitle,omitempty"`
	UserType          string `json:"userType"` // Member or Guest
	AccountEnabled    bool   `json:"accountEnabled"`
	// Password is checked by the password grant (ROPC); users without one
	// cannot use it. Dumps redact it.
	Password       string    `json:"password,omitempty"`
	DirectoryRoles []string  `json:"directoryRoles,omitempty"`
	Licenses       []License `json:"licenses,omitempty"`
	// HasMailbox is false for users without an Exchange mailbox, whose
	// calendar calls fail like Graph's MailboxNotEnabledForRESTAPI.
	HasMailbox bool `json:"hasMailbox"`
	// MFARegistered users can satisfy an MFA grant control interactively.
	MFARegistered bool `json:"mfaRegistered,omitempty"`
}

// License is one assigned SKU with its service plans. A seed names the SKU
// by skuPartNumber and may list DisabledPlans (service plan names the admin
// turned off in the assignment); Build fills in the plans from the catalog,
// the disabled ones with provisioningStatus Disabled.
type License struct {
	SkuID         string        `json:"skuId"`
	SkuPartNumber string        `json:"skuPartNumber"`
	DisabledPlans []string      `json:"disabledPlans,omitempty"`
	ServicePlans  []ServicePlan `json:"servicePlans"`
}

// SubscribedSku is a licence subscription of the tenant.
type SubscribedSku struct {
	SkuID         string `json:"skuId"`
	SkuPartNumber string `json:"skuPartNumber"`
	// PrepaidUnits is how many licences were bought (prepaidUnits.enabled).
	PrepaidUnits int           `json:"prepaidUnits"`
	ServicePlans []ServicePlan `json:"servicePlans,omitempty"`
}

// ServicePlan is one service inside a SKU.
type ServicePlan struct {
	ServicePlanID      string `json:"servicePlanId"`
	ServicePlanName    string `json:"servicePlanName"`
	ProvisioningStatus string `json:"provisioningStatus"` // Success, Disabled, PendingInput, ...
	AppliesTo          string `json:"appliesTo"`
}

// Group is a security or Microsoft 365 group; members may be users or groups.
type Group struct {
	Replicated
	ID string `json:"id"`
	// CreatedDateTime defaults to the time the seed is built.
	CreatedDateTime time.Time `json:"createdDateTime,omitempty"`
	DisplayName     string    `json:"displayName"`
	Description     string    `json:"description,omitempty"`
	MailNickname    string    `json:"mailNickname,omitempty"`
	SecurityEnabled bool      `json:"securityEnabled"`
	MailEnabled     bool      `json:"mailEnabled"`
	// GroupTypes is ["Unified"] for a Microsoft 365 group, empty for
	// security groups and distribution lists.
	GroupTypes []string `json:"groupTypes,omitempty"`
	Members    []string `json:"members,omitempty"` // object ids of users or groups
}

// Application is an app registration.
type Application struct {
	Replicated
	ID              string    `json:"id"`
	AppID           string    `json:"appId"`
	DisplayName     string    `json:"displayName"`
	Description     string    `json:"description,omitempty"`
	SignInAudience  string    `json:"signInAudience"`
	PublisherDomain string    `json:"publisherDomain,omitempty"`
	CreatedDateTime time.Time `json:"createdDateTime"`
	IdentifierURIs  []string  `json:"identifierUris,omitempty"`
	Tags            []string  `json:"tags,omitempty"`
	Notes           string    `json:"notes,omitempty"`
	UniqueName      string    `json:"uniqueName,omitempty"`
	// IsFallbackPublicClient is null until set, as in Graph.
	IsFallbackPublicClient *bool                    `json:"isFallbackPublicClient,omitempty"`
	WebRedirectURIs        []string                 `json:"webRedirectUris,omitempty"`
	SpaRedirectURIs        []string                 `json:"spaRedirectUris,omitempty"`
	PublicClientRedirects  []string                 `json:"publicClientRedirectUris,omitempty"`
	HomePageURL            string                   `json:"homePageUrl,omitempty"`
	RequiredResourceAccess []RequiredResourceAccess `json:"requiredResourceAccess,omitempty"`
	PasswordCredentials    []*PasswordCredential    `json:"passwordCredentials,omitempty"`
	KeyCredentials         []*KeyCredential         `json:"keyCredentials,omitempty"`
	AppRoles               []AppRole                `json:"appRoles,omitempty"`
	Scopes                 []PermissionScope        `json:"oauth2PermissionScopes,omitempty"`
	Owners                 []string                 `json:"owners,omitempty"`
	VerifiedPublisher      *VerifiedPublisher       `json:"verifiedPublisher,omitempty"`
	// PreAuthorizedApplications is api.preAuthorizedApplications: client
	// apps whose users need no consent for the listed delegated
	// permissions of this API. Microsoft's APIs pre-authorize its own
	// clients this way (Microsoft Graph and Azure Resource Manager the
	// Azure CLI and Azure PowerShell).
	PreAuthorizedApplications []PreAuthorizedApplication `json:"preAuthorizedApplications,omitempty"`
}

// PreAuthorizedApplication is one client an API pre-authorizes ("Users
// aren't required to consent to any preauthorized application (for the
// permissions specified)", preAuthorizedApplication resource type).
type PreAuthorizedApplication struct {
	AppID string `json:"appId"`
	// Permissions are delegated permission values of the API (Graph shows
	// their ids as delegatedPermissionIds).
	Permissions []string `json:"permissions"`
}

// VerifiedPublisher is the Microsoft Partner Network identity that
// verified an application's publisher (Graph's verifiedPublisher). A seed
// may give just the display name; Build fills the id and date.
type VerifiedPublisher struct {
	DisplayName         string    `json:"displayName"`
	VerifiedPublisherID string    `json:"verifiedPublisherId"`
	AddedDateTime       time.Time `json:"addedDateTime"`
}

// UnmarshalJSON accepts the object or, in seeds, a bare display name.
func (v *VerifiedPublisher) UnmarshalJSON(raw []byte) error {
	var name string
	if err := json.Unmarshal(raw, &name); err == nil {
		*v = VerifiedPublisher{DisplayName: name}
		return nil
	}
	type plain VerifiedPublisher
	return json.Unmarshal(raw, (*plain)(v))
}

// Name is the publisher's display name, "" when the app is unverified.
func (v *VerifiedPublisher) Name() string {
	if v == nil {
		return ""
	}
	return v.DisplayName
}

// RequiredResourceAccess lists the permissions an app requests on one API.
type RequiredResourceAccess struct {
	ResourceAppID  string           `json:"resourceAppId"`
	ResourceAccess []ResourceAccess `json:"resourceAccess"`
}

// ResourceAccess is one requested permission: type Scope (delegated) or Role.
type ResourceAccess struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// PasswordCredential is a client secret. SecretText is kept so the emulated
// token endpoint can check it; Graph only ever returns it from addPassword.
type PasswordCredential struct {
	KeyID         string    `json:"keyId"`
	DisplayName   string    `json:"displayName,omitempty"`
	Hint          string    `json:"hint"`
	SecretText    string    `json:"secretText"`
	StartDateTime time.Time `json:"startDateTime"`
	EndDateTime   time.Time `json:"endDateTime"`
}

// KeyCredential is an uploaded public certificate. Key holds the DER bytes
// (base64 in JSON, as Graph takes them).
type KeyCredential struct {
	KeyID               string    `json:"keyId"`
	DisplayName         string    `json:"displayName,omitempty"`
	Type                string    `json:"type"`  // AsymmetricX509Cert
	Usage               string    `json:"usage"` // Verify
	Key                 []byte    `json:"key"`
	CustomKeyIdentifier string    `json:"customKeyIdentifier,omitempty"` // base64 SHA-1 thumbprint
	StartDateTime       time.Time `json:"startDateTime"`
	EndDateTime         time.Time `json:"endDateTime"`
}

// AppRole is an application permission (or an assignable user role) an API
// publishes.
type AppRole struct {
	ID                 string   `json:"id"`
	Value              string   `json:"value"`
	DisplayName        string   `json:"displayName"`
	Description        string   `json:"description"`
	AllowedMemberTypes []string `json:"allowedMemberTypes"`
	IsEnabled          bool     `json:"isEnabled"`
}

// PermissionScope is a delegated permission an API publishes. Type "User"
// means users may consent for themselves (subject to the consent policy),
// "Admin" means only an admin can consent.
type PermissionScope struct {
	ID                      string `json:"id"`
	Value                   string `json:"value"`
	Type                    string `json:"type"`
	AdminConsentDisplayName string `json:"adminConsentDisplayName"`
	AdminConsentDescription string `json:"adminConsentDescription"`
	UserConsentDisplayName  string `json:"userConsentDisplayName,omitempty"`
	UserConsentDescription  string `json:"userConsentDescription,omitempty"`
	IsEnabled               bool   `json:"isEnabled"`
	// Classification is the permission classification used by consent
	// policies ("low" makes it user-consentable under microsoft-user-default-low).
	Classification string `json:"classification,omitempty"`
}

// ServicePrincipal is an enterprise app: the local instance of an
// application (own or another tenant's) in this tenant.
type ServicePrincipal struct {
	Replicated
	ID                        string   `json:"id"`
	AppID                     string   `json:"appId"`
	DisplayName               string   `json:"displayName"`
	AppOwnerOrganizationID    string   `json:"appOwnerOrganizationId"`
	AccountEnabled            bool     `json:"accountEnabled"`
	AppRoleAssignmentRequired bool     `json:"appRoleAssignmentRequired"`
	ServicePrincipalType      string   `json:"servicePrincipalType"`
	SignInAudience            string   `json:"signInAudience"`
	Tags                      []string `json:"tags,omitempty"`
	ReplyURLs                 []string `json:"replyUrls,omitempty"`
	PublisherName             string   `json:"publisherName,omitempty"`
	// VerifiedPublisher is copied from the application when the service
	// principal is created, as Entra does.
	VerifiedPublisher   *VerifiedPublisher    `json:"verifiedPublisher,omitempty"`
	AppRoles            []AppRole             `json:"appRoles,omitempty"`
	Scopes              []PermissionScope     `json:"oauth2PermissionScopes,omitempty"`
	PasswordCredentials []*PasswordCredential `json:"passwordCredentials,omitempty"`
	KeyCredentials      []*KeyCredential      `json:"keyCredentials,omitempty"`
	CreatedDateTime     time.Time             `json:"createdDateTime"`
}

// PermissionGrant is an oauth2PermissionGrant: delegated consent of
// ClientID (a service principal id) to Scope on ResourceID, for everybody
// (AllPrincipals) or one user (Principal).
type PermissionGrant struct {
	Replicated
	ID          string `json:"id"`
	ClientID    string `json:"clientId"`
	ConsentType string `json:"consentType"`
	PrincipalID string `json:"principalId,omitempty"`
	ResourceID  string `json:"resourceId"`
	Scope       string `json:"scope"`
}

// AppRoleAssignment assigns a principal (user, group or service principal)
// an app role of a resource service principal. For a service principal
// principal this is an application permission.
type AppRoleAssignment struct {
	Replicated
	ID                   string    `json:"id"`
	AppRoleID            string    `json:"appRoleId"`
	PrincipalID          string    `json:"principalId"`
	PrincipalType        string    `json:"principalType"` // User, Group, ServicePrincipal
	PrincipalDisplayName string    `json:"principalDisplayName"`
	ResourceID           string    `json:"resourceId"`
	ResourceDisplayName  string    `json:"resourceDisplayName"`
	CreatedDateTime      time.Time `json:"createdDateTime"`
}

// AuthorizationPolicy is policies/authorizationPolicy.
type AuthorizationPolicy struct {
	AllowInvitesFrom                string   `json:"allowInvitesFrom"`
	AllowUserConsentForRiskyApps    bool     `json:"allowUserConsentForRiskyApps"`
	BlockMsolPowerShell             bool     `json:"blockMsolPowerShell"`
	AllowedToCreateApps             bool     `json:"allowedToCreateApps"`
	AllowedToCreateSecurityGroups   bool     `json:"allowedToCreateSecurityGroups"`
	AllowedToReadOtherUsers         bool     `json:"allowedToReadOtherUsers"`
	PermissionGrantPoliciesAssigned []string `json:"permissionGrantPoliciesAssigned"`
}

// AdminConsentRequestPolicy is policies/adminConsentRequestPolicy (the admin
// consent workflow).
type AdminConsentRequestPolicy struct {
	IsEnabled             bool       `json:"isEnabled"`
	NotifyReviewers       bool       `json:"notifyReviewers"`
	RemindersEnabled      bool       `json:"remindersEnabled"`
	RequestDurationInDays int        `json:"requestDurationInDays"`
	Version               int        `json:"version"`
	Reviewers             []Reviewer `json:"reviewers,omitempty"`
}

// Reviewer is one reviewer query of the admin consent workflow.
type Reviewer struct {
	Query     string `json:"query"`
	QueryType string `json:"queryType"`
	QueryRoot string `json:"queryRoot,omitempty"`
}

// PermissionGrantPolicy is a consent policy (which permissions users or
// admins may grant).
type PermissionGrantPolicy struct {
	ID          string                     `json:"id"`
	DisplayName string                     `json:"displayName"`
	Description string                     `json:"description"`
	Includes    []PermissionGrantCondition `json:"includes"`
	Excludes    []PermissionGrantCondition `json:"excludes"`
}

// PermissionGrantCondition is a permissionGrantConditionSet.
type PermissionGrantCondition struct {
	ID                                          string   `json:"id"`
	PermissionClassification                    string   `json:"permissionClassification"`
	PermissionType                              string   `json:"permissionType"`
	ResourceApplication                         string   `json:"resourceApplication"`
	Permissions                                 []string `json:"permissions"`
	ClientApplicationIDs                        []string `json:"clientApplicationIds"`
	ClientApplicationTenantIDs                  []string `json:"clientApplicationTenantIds"`
	ClientApplicationPublisherIDs               []string `json:"clientApplicationPublisherIds"`
	ClientApplicationsFromVerifiedPublisherOnly bool     `json:"clientApplicationsFromVerifiedPublisherOnly"`
}

// AppManagementPolicy is the tenant default app management policy
// (policies/defaultAppManagementPolicy): restrictions on credentials.
type AppManagementPolicy struct {
	IsEnabled bool `json:"isEnabled"`
	// PasswordAdditionBlocked refuses new client secrets.
	PasswordAdditionBlocked bool `json:"passwordAdditionBlocked,omitempty"`
	// MaxPasswordLifetime caps secret lifetime (ISO 8601 duration, e.g. P180D).
	MaxPasswordLifetime string `json:"maxPasswordLifetime,omitempty"`
	// MaxCertificateLifetime caps certificate lifetime (ISO 8601 duration).
	MaxCertificateLifetime string `json:"maxCertificateLifetime,omitempty"`
}

// ConditionalAccessPolicy is a CA policy, reduced to the conditions the
// emulator evaluates.
type ConditionalAccessPolicy struct {
	ID              string    `json:"id"`
	DisplayName     string    `json:"displayName"`
	State           string    `json:"state"` // enabled, disabled, enabledForReportingButNotEnforced
	CreatedDateTime time.Time `json:"createdDateTime"`

	IncludeUsers        []string `json:"includeUsers,omitempty"` // ids, All, None, GuestsOrExternalUsers
	ExcludeUsers        []string `json:"excludeUsers,omitempty"`
	IncludeGroups       []string `json:"includeGroups,omitempty"`
	ExcludeGroups       []string `json:"excludeGroups,omitempty"`
	IncludeRoles        []string `json:"includeRoles,omitempty"` // role template ids
	ExcludeRoles        []string `json:"excludeRoles,omitempty"`
	IncludeApplications []string `json:"includeApplications,omitempty"` // appIds, All, None, Office365
	ExcludeApplications []string `json:"excludeApplications,omitempty"`
	ClientAppTypes      []string `json:"clientAppTypes,omitempty"` // all, browser, mobileAppsAndDesktopClients, exchangeActiveSync, other

	GrantOperator   string   `json:"grantOperator,omitempty"`   // AND, OR
	BuiltInControls []string `json:"builtInControls,omitempty"` // block, mfa, compliantDevice, domainJoinedDevice, ...
}

// TeamsAccessPolicy is a Teams application access policy and who it is
// granted to.
type TeamsAccessPolicy struct {
	Identity string   `json:"identity"`
	AppIDs   []string `json:"appIds"`
	// Users are object ids the policy is granted to; Global grants it to all.
	Users  []string `json:"users,omitempty"`
	Global bool     `json:"global,omitempty"`
}

// OnlineMeeting is a standalone Teams meeting (POST onlineMeetings).
type OnlineMeeting struct {
	ID               string    `json:"id"`
	OrganizerID      string    `json:"organizerId"`
	Subject          string    `json:"subject"`
	StartDateTime    time.Time `json:"startDateTime"`
	EndDateTime      time.Time `json:"endDateTime"`
	CreationDateTime time.Time `json:"creationDateTime"`
	JoinWebURL       string    `json:"joinWebUrl"`
	ThreadID         string    `json:"threadId"`
	JoinMeetingID    string    `json:"joinMeetingId"`
	Passcode         string    `json:"passcode"`
	CreatedByAppID   string    `json:"createdByAppId,omitempty"`
	// Attendees are the participants the creator listed.
	Attendees []MeetingAttendee `json:"attendees,omitempty"`
	// EventID is set for the meeting of a calendar event with a Teams
	// link (Outlook creates it; Graph finds it by its join URL).
	EventID string `json:"eventId,omitempty"`
}

// MeetingAttendee is one participants.attendees entry of an online meeting.
type MeetingAttendee struct {
	UserID   string `json:"userId,omitempty"`
	UPN      string `json:"upn,omitempty"`
	TenantID string `json:"tenantId,omitempty"`
	Role     string `json:"role"`
}

// Event is a calendar event, optionally with a Teams meeting.
type Event struct {
	ID                    string     `json:"id"`
	OwnerID               string     `json:"ownerId"`
	Subject               string     `json:"subject"`
	BodyHTML              string     `json:"body,omitempty"`
	Start                 time.Time  `json:"start"`
	End                   time.Time  `json:"end"`
	TimeZone              string     `json:"timeZone"`
	Attendees             []Attendee `json:"attendees,omitempty"`
	IsOnlineMeeting       bool       `json:"isOnlineMeeting"`
	OnlineMeetingProvider string     `json:"onlineMeetingProvider"`
	JoinURL               string     `json:"joinUrl,omitempty"`
	ConferenceID          string     `json:"conferenceId,omitempty"`
	CreatedDateTime       time.Time  `json:"createdDateTime"`
	CreatedByAppID        string     `json:"createdByAppId,omitempty"`
}

// Attendee of an event.
type Attendee struct {
	Address string `json:"address"`
	Name    string `json:"name,omitempty"`
	Type    string `json:"type"` // required, optional, resource
}

// SignIn is one recorded sign-in attempt (auditLogs/signIns).
type SignIn struct {
	ID                string    `json:"id"`
	CreatedDateTime   time.Time `json:"createdDateTime"`
	UserID            string    `json:"userId,omitempty"`
	UserPrincipalName string    `json:"userPrincipalName,omitempty"`
	AppID             string    `json:"appId"`
	AppDisplayName    string    `json:"appDisplayName"`
	ClientAppUsed     string    `json:"clientAppUsed"`
	IsInteractive     bool      `json:"isInteractive"`
	ErrorCode         int       `json:"errorCode"`
	FailureReason     string    `json:"failureReason,omitempty"`
	// AdditionalDetails is status.additionalDetails: Entra's further
	// explanation of the outcome (Graph's signInStatus resource).
	AdditionalDetails string   `json:"additionalDetails,omitempty"`
	AppliedCAPolicies []string `json:"appliedConditionalAccessPolicies,omitempty"`
	ConditionalAccess string   `json:"conditionalAccessStatus"` // success, failure, notApplied
}

// DeviceCode is a pending device authorization.
type DeviceCode struct {
	DeviceCode string    `json:"deviceCode"`
	UserCode   string    `json:"userCode"`
	TenantID   string    `json:"tenantId"`
	ClientID   string    `json:"clientId"`
	Scopes     []string  `json:"scopes"`
	ExpiresAt  time.Time `json:"expiresAt"`
	// Status is pending, approved, declined or redeemed; UserID is who approved.
	Status string `json:"status"`
	UserID string `json:"userId,omitempty"`
	// MFA records that the approving sign-in satisfied MFA.
	MFA bool `json:"mfa,omitempty"`
	// Failure is the sign-in error of an approval that failed; the next
	// poll returns it, as Entra does.
	Failure *LoginFailure `json:"failure,omitempty"`
}

// AuthCode is an issued authorization code (auth code + PKCE flow).
type AuthCode struct {
	Code          string   `json:"code"`
	TenantID      string   `json:"tenantId"`
	ClientID      string   `json:"clientId"`
	UserID        string   `json:"userId"`
	RedirectURI   string   `json:"redirectUri"`
	Scopes        []string `json:"scopes"`
	CodeChallenge string   `json:"codeChallenge,omitempty"`
	// CodeChallengeMethod is S256 or plain.
	CodeChallengeMethod string    `json:"codeChallengeMethod,omitempty"`
	Nonce               string    `json:"nonce,omitempty"`
	ExpiresAt           time.Time `json:"expiresAt"`
	Redeemed            bool      `json:"redeemed,omitempty"`
	// MFA records that the interactive sign-in behind the code satisfied MFA.
	MFA bool `json:"mfa,omitempty"`
}

// RefreshToken records what a refresh token may be redeemed for.
type RefreshToken struct {
	Token     string    `json:"token"`
	TenantID  string    `json:"tenantId"`
	ClientID  string    `json:"clientId"`
	UserID    string    `json:"userId"`
	Scopes    []string  `json:"scopes"`
	ExpiresAt time.Time `json:"expiresAt"`
	Revoked   bool      `json:"revoked,omitempty"`
	MFA       bool      `json:"mfa,omitempty"`
	// ClientAppType is the Conditional Access client type of the sign-in
	// that obtained the token (browser or mobileAppsAndDesktopClients).
	ClientAppType string `json:"clientAppType,omitempty"`
	// Confidential tokens were issued to a confidential client and must be
	// redeemed with its credentials.
	Confidential bool `json:"confidential,omitempty"`
}

// Throttle is an active 429 window for a client on a workload.
type Throttle struct {
	Key   string    `json:"key"`
	Until time.Time `json:"until"`
}
