package emulator

// firstPartyNames are the servicePrincipalNames Microsoft's first-party
// resources have besides their appId. Graph lists Microsoft Graph's as
// below (a GET /servicePrincipals(appId='00000003-...') of a real tenant);
// clients that name a permission "https://graph.microsoft.com/User.Read"
// find the resource by them, and Entra resolves a scope's resource by
// them. They are built in so that every fixture's Graph has them.
var firstPartyNames = map[string][]string{
	GraphAppID: {
		GraphAppID + "/ags.windows.net", "https://canary.graph.microsoft.com", "https://canary.graph.microsoft.com/",
		"https://graph.microsoft.com", "https://graph.microsoft.com/", "https://ags.windows.net",
		"https://graph.microsoft.us", "https://graph.microsoft.us/", "https://dod-graph.microsoft.us",
		"https://dod-graph.microsoft.us/",
	},
	// Azure Resource Manager, by the names its clients use (the real
	// service principal has more, for national clouds).
	AzureResourceManagerAppID: armAudiences,
}

// servicePrincipalNames are a service principal's names: its appId, the
// identifier URIs of its application and, for Microsoft's resources, their
// built-in names.
func servicePrincipalNames(appID string, identifierURIs []string) []string {
	names := []string{}
	if appID != "" {
		names = append(names, appID)
	}
	for _, n := range append(append([]string{}, firstPartyNames[appID]...), identifierURIs...) {
		if !containsFold(names, n) {
			names = append(names, n)
		}
	}
	return names
}
