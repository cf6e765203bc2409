// Package graph is teamsctl's view of Microsoft Graph: the domain calls
// commands make, the domain types they get back, and Graph's errors as
// typed values. It does not import the Graph SDK, so commands depending on
// Client build and test without it; internal/graph/msgraph implements
// Client over msgraph-sdk-go.
package graph

import (
	"context"
)

// Client is the Graph API as commands use it: one interface per area, so
// each issue adds its area (an interface in its own file here and its
// implementation in internal/graph/msgraph) without touching the others.
// Packages depend on the narrowest areas they use.
type Client interface {
	Directory
	Applications      // applications.go
	ServicePrincipals // consent.go
	Grants            // consent.go
	Principals        // consent.go
	Policies          // policies.go
	Meetings          // meetings.go
	Inventory         // inventory.go
	ConsentRequests   // consentrequests.go
}

// Directory is the signed-in user and the tenant.
type Directory interface {
	// Me is the signed-in user (delegated tokens only).
	Me(ctx context.Context) (*User, error)
	// Organization is the tenant the token belongs to.
	Organization(ctx context.Context) (*Organization, error)
	// MyDirectoryRoles are the directory roles the signed-in user holds,
	// directly or through groups (delegated tokens only).
	MyDirectoryRoles(ctx context.Context) ([]DirectoryRole, error)
}

// User is an Entra user.
type User struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	UserPrincipalName string `json:"userPrincipalName"`
	Mail              string `json:"mail,omitempty"`
}

// Organization is an Entra tenant.
type Organization struct {
	ID            string `json:"id"`
	DisplayName   string `json:"displayName"`
	DefaultDomain string `json:"defaultDomain,omitempty"`
}

// DirectoryRole is an activated directory role, e.g. Global Administrator.
type DirectoryRole struct {
	ID             string `json:"id"`
	DisplayName    string `json:"displayName"`
	RoleTemplateID string `json:"roleTemplateId"`
}

// Directory role template ids (the same in every tenant).
const (
	RoleGlobalAdministrator           = "62e90394-69f5-4237-9190-012177145e10"
	RolePrivilegedRoleAdministrator   = "e8611ab8-c189-46e8-94e1-60213ab1f814"
	RoleCloudApplicationAdministrator = "158c047a-c907-4556-b7ef-446551a6b5f7"
	RoleApplicationAdministrator      = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
	RoleApplicationDeveloper          = "cf1c38e5-3621-4004-a7cb-879624dced7c"
)
