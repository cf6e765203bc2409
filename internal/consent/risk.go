package consent

import (
	"slices"
	"strings"
)

// HighPrivilege returns the scopes among scopes that reach far beyond one
// integration's needs when granted for all users: write access to every
// object of a kind (*.ReadWrite.All), the directory (Directory.*), and the
// permissions and roles that let an app grant itself more
// (AppRoleAssignment.*, DelegatedPermissionGrant.*, RoleManagement.*,
// Application.ReadWrite.*, Policy.ReadWrite.*). An approval names them
// before it grants.
func HighPrivilege(scopes []string) []string {
	var out []string
	for _, s := range scopes {
		l := strings.ToLower(s)
		if strings.HasSuffix(l, ".readwrite.all") || slices.ContainsFunc(highPrivilegePrefixes, func(p string) bool { return strings.HasPrefix(l, p) }) {
			out = append(out, s)
		}
	}
	return out
}

var highPrivilegePrefixes = []string{"directory.", "approleassignment.", "delegatedpermissiongrant.", "rolemanagement.",
	"application.readwrite.", "policy.readwrite."}

// sharedMicrosoftClients are Microsoft's first-party public clients that
// any user or tool may sign in with (the appIds Microsoft documents for
// them): a grant to one of them is a grant to every script that uses it,
// not to one vendor's integration.
var sharedMicrosoftClients = map[string]string{
	"14d82eec-204b-4c2f-b7e8-296a70dab67e": "Microsoft Graph Command Line Tools",
	"de8bc8b5-d9f9-48b1-a8ad-b748da725064": "Graph Explorer",
	"04b07795-8ddb-461a-bbee-02f9e1bf7b46": "Microsoft Azure CLI",
	"1950a258-227b-4e31-a9cf-717495945fc2": "Microsoft Azure PowerShell",
}

// SharedMicrosoftClient reports whether appID is one of Microsoft's shared
// first-party public clients, and its name.
func SharedMicrosoftClient(appID string) (string, bool) {
	name, ok := sharedMicrosoftClients[strings.ToLower(appID)]
	return name, ok
}
