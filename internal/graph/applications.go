package graph

import (
	"context"
	"time"
)

// Applications is the app-registration area of the Graph client:
// applications, their credentials and the tenant's app management policy.
// Lookups that find nothing return *NotFound.
type Applications interface {
	// ListApplications returns one page of app registrations whose display
	// name starts with q.NamePrefix (all when empty), and the link to the
	// next page ("" on the last).
	ListApplications(ctx context.Context, q ApplicationQuery) ([]Application, string, error)
	// ApplicationsByName returns every app registration whose display name
	// is exactly name.
	ApplicationsByName(ctx context.Context, name string) ([]Application, error)
	// Application reads an app registration by object id.
	Application(ctx context.Context, objectID string) (*Application, error)
	// ApplicationByAppID reads an app registration by application (client) id.
	ApplicationByAppID(ctx context.Context, appID string) (*Application, error)
	// ApplicationByUniqueName reads an app registration by its uniqueName
	// (an alternate key, like appId).
	ApplicationByUniqueName(ctx context.Context, uniqueName string) (*Application, error)
	// UpsertApplication registers the application with this uniqueName
	// unless one has it (Graph's upsert with Prefer: create-if-missing).
	// created is true when Graph created it (201) and app is the new
	// registration; otherwise Graph applied in to the existing one (204)
	// and app is nil: read it by uniqueName.
	UpsertApplication(ctx context.Context, uniqueName string, in ApplicationCreate) (app *Application, created bool, err error)
	// UpdateApplication changes the fields of u that are set. Collections
	// are replaced wholesale, as Graph does: read, merge, then update.
	UpdateApplication(ctx context.Context, objectID string, u ApplicationUpdate) error
	// DeleteApplication soft-deletes an app registration.
	DeleteApplication(ctx context.Context, objectID string) error
	// AddPassword creates a client secret; the value is in the result only.
	AddPassword(ctx context.Context, objectID string, in PasswordCreate) (*PasswordCredential, error)
	// RemovePassword deletes a client secret by key id.
	RemovePassword(ctx context.Context, objectID, keyID string) error
	// AddApplicationOwner makes a user an owner of the app registration.
	AddApplicationOwner(ctx context.Context, objectID, userID string) error
	// DefaultAppManagementPolicy is the tenant's default credential policy.
	DefaultAppManagementPolicy(ctx context.Context) (*AppManagementPolicy, error)
}

// ApplicationQuery filters ListApplications.
type ApplicationQuery struct {
	NamePrefix string
	// PageSize is Graph's $top (0: Graph's default).
	PageSize int
	// NextLink continues a previous page.
	NextLink string
}

// Sign-in audiences.
const (
	AudienceMyOrg          = "AzureADMyOrg"
	AudienceMultipleOrgs   = "AzureADMultipleOrgs"
	PermissionTypeScope    = "Scope"
	PermissionTypeRole     = "Role"
	MicrosoftGraphAppID    = "00000003-0000-0000-c000-000000000000"
	DefaultAccessAppRoleID = "00000000-0000-0000-0000-000000000000"
)

// Application is an app registration.
type Application struct {
	ID          string `json:"id"`
	AppID       string `json:"appId"`
	DisplayName string `json:"displayName"`
	// UniqueName is the client-provided alternate key, immutable once set
	// ("" on registrations made without one).
	UniqueName      string    `json:"uniqueName,omitempty"`
	SignInAudience  string    `json:"signInAudience"`
	PublisherDomain string    `json:"publisherDomain,omitempty"`
	CreatedDateTime time.Time `json:"createdDateTime,omitzero"`
	Tags            []string  `json:"tags"`
	Notes           string    `json:"notes,omitempty"`

	Web                      WebSettings `json:"web"`
	SPARedirectURIs          []string    `json:"spaRedirectUris"`
	PublicClientRedirectURIs []string    `json:"publicClientRedirectUris"`
	IsFallbackPublicClient   bool        `json:"isFallbackPublicClient"`

	RequiredResourceAccess []RequiredResourceAccess `json:"requiredResourceAccess"`
	PasswordCredentials    []PasswordCredential     `json:"passwordCredentials"`
	KeyCredentials         []KeyCredential          `json:"keyCredentials"`
}

// WebSettings is the application's web platform. Graph replaces it as a
// whole on update, so updates carry every field.
type WebSettings struct {
	RedirectURIs        []string `json:"redirectUris"`
	HomePageURL         string   `json:"homePageUrl,omitempty"`
	LogoutURL           string   `json:"logoutUrl,omitempty"`
	IDTokenIssuance     bool     `json:"enableIdTokenIssuance,omitempty"`
	AccessTokenIssuance bool     `json:"enableAccessTokenIssuance,omitempty"`
}

// RequiredResourceAccess is the permissions an app requests of one API.
type RequiredResourceAccess struct {
	ResourceAppID  string           `json:"resourceAppId"`
	ResourceAccess []ResourceAccess `json:"resourceAccess"`
}

// ResourceAccess is one requested permission: Type is PermissionTypeScope
// (delegated) or PermissionTypeRole (application).
type ResourceAccess struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// PasswordCredential is a client secret. SecretText is set only in the
// result of AddPassword.
type PasswordCredential struct {
	KeyID         string    `json:"keyId"`
	DisplayName   string    `json:"displayName,omitempty"`
	Hint          string    `json:"hint,omitempty"`
	StartDateTime time.Time `json:"startDateTime,omitzero"`
	EndDateTime   time.Time `json:"endDateTime,omitzero"`
	SecretText    string    `json:"-"`
}

// KeyCredential is a certificate. Key (the DER certificate) is set only
// when uploading.
type KeyCredential struct {
	KeyID               string    `json:"keyId"`
	DisplayName         string    `json:"displayName,omitempty"`
	Type                string    `json:"type"`
	Usage               string    `json:"usage"`
	CustomKeyIdentifier string    `json:"customKeyIdentifier,omitempty"` // base64 thumbprint
	StartDateTime       time.Time `json:"startDateTime,omitzero"`
	EndDateTime         time.Time `json:"endDateTime,omitzero"`
	Key                 []byte    `json:"-"`
}

// ApplicationCreate is a new app registration.
type ApplicationCreate struct {
	DisplayName              string
	SignInAudience           string
	Tags                     []string
	WebRedirectURIs          []string
	SPARedirectURIs          []string
	PublicClientRedirectURIs []string
	IsFallbackPublicClient   bool
	RequiredResourceAccess   []RequiredResourceAccess
}

// ApplicationUpdate changes an app registration; nil fields are left alone.
type ApplicationUpdate struct {
	// UniqueName can be set once, on a registration that has none.
	UniqueName               *string
	Tags                     *[]string
	SignInAudience           *string
	Web                      *WebSettings
	SPARedirectURIs          *[]string
	PublicClientRedirectURIs *[]string
	IsFallbackPublicClient   *bool
	RequiredResourceAccess   *[]RequiredResourceAccess
	// KeyCredentials replaces the certificates: keep the existing ones
	// (KeyID set, Key nil) and add new ones with Key set.
	KeyCredentials *[]KeyCredential
}

// PasswordCreate describes a new client secret; zero times mean Graph's
// defaults (now, and two years from now).
type PasswordCreate struct {
	DisplayName   string
	StartDateTime time.Time
	EndDateTime   time.Time
}

// AppManagementPolicy is the part of the tenant's default app management
// policy that decides which credentials may be added.
type AppManagementPolicy struct {
	IsEnabled bool `json:"isEnabled"`
	// PasswordAdditionBlocked: no new client secrets.
	PasswordAdditionBlocked bool `json:"passwordAdditionBlocked"`
	// MaxPasswordLifetime caps a new secret's lifetime (0: no cap).
	MaxPasswordLifetime time.Duration `json:"maxPasswordLifetime,omitempty"`
	// MaxCertificateLifetime caps a new certificate's lifetime (0: no cap).
	MaxCertificateLifetime time.Duration `json:"maxCertificateLifetime,omitempty"`
}
