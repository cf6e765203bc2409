package aadsts

// Portal paths used by several fixes.
const (
	portalApps       = "Entra admin center > Identity > Applications > App registrations"
	portalEnterprise = "Entra admin center > Identity > Applications > Enterprise applications"
	portalCA         = "Entra admin center > Protection > Conditional Access"
	portalUsers      = "Entra admin center > Identity > Users > All users"
)

// The consent fixes: least privilege (this user only) first, the
// tenant-wide grant with its trade-off.
const (
	portalConsentSettings = portalEnterprise + " > Consent and permissions > Admin consent settings"
	grantToUser           = "grants them to {user} only (least privilege): teamsctl consent grant {client_id} --delegated {scopes} --user {user}; then: {login}."
	grantToAll            = "Granting them for all users (teamsctl consent grant {client_id} --delegated {scopes}) also works, but then every user's sign-in to application {client_id} gets them without being asked: for a general-purpose tool such as Microsoft Graph Command Line Tools that is far more than one integration needs."
)

// table indexes entries by code.
var table = func() map[int]Entry {
	m := make(map[int]Entry, len(entries))
	for _, e := range entries {
		m[e.Code] = e
	}
	return m
}()

var entries = []Entry{
	// Consent.
	{Code: 65001, Summary: "Nobody has consented to the permissions this sign-in asked for, for application {client_id}.",
		Fix:     "Sign in interactively so you can consent: {login}. If your tenant blocks user consent, a Global Administrator or Privileged Role Administrator must consent for the organisation (" + portalEnterprise + " > the app > Permissions > Grant admin consent).",
		FixUser: "If {user} may consent, sign in interactively and accept: {login}. Otherwise an administrator " + grantToUser + " " + grantToAll},
	{Code: 65004, Summary: "Consent was declined on the consent screen, so no token was issued.",
		Fix: "Run {login} again and accept the permissions, or ask an administrator to grant admin consent for application {client_id}."},
	{Code: 65002, Summary: "Application {client_id} is not pre-authorized to request these Microsoft Graph permissions (first-party apps such as the Azure CLI have a fixed set).",
		Fix: "Sign in with a client that may request them: the default Microsoft Graph Command Line Tools client, or your own app with --client-id."},
	{Code: 90094, Summary: "The permissions requested need an administrator's consent, and the signed-in user cannot give it.",
		Fix:     "Sign in as a Global Administrator or Privileged Role Administrator: {login}. Granting application {client_id} these permissions for all users would also end this error, but would let every user's sign-in to it use them.",
		FixUser: "An administrator " + grantToUser + " Or turn on the admin consent workflow so {user} can request them from the consent screen (" + portalConsentSettings + "). " + grantToAll},
	{Code: 90095, Summary: "The permissions requested need an administrator's consent; the admin consent workflow is on, so the user may only request approval.",
		Fix:     "If you sent the approval request from the consent screen, a reviewer approves it (teamsctl consent requests approve {client_id}, or " + portalEnterprise + " > Admin consent requests); then run {login} again. Or an administrator signs in instead.",
		FixUser: "{user} sends the approval request from the consent screen and a reviewer approves it (" + portalEnterprise + " > Admin consent requests). Or an administrator " + grantToUser + " " + grantToAll},
	{Code: 90008, Summary: "The application must at least request permission to sign users in and read their profile (User.Read).",
		Fix: "Add Microsoft Graph User.Read to the app's API permissions (" + portalApps + " > the app > API permissions)."},
	{Code: 650056, Summary: "The application is misconfigured: it lists no permissions for the resource, or no administrator has consented to them.",
		Fix: "Add the permissions to the app registration and grant admin consent (" + portalApps + " > the app > API permissions)."},
	{Code: 65005, Summary: "The application requested a permission that is not in its configured API permissions (requiredResourceAccess).",
		Fix: "Add the permission to the app registration (" + portalApps + " > the app > API permissions) or request only configured ones."},
	{Code: 650057, Summary: "The requested resource is not listed in the application's configured API permissions.",
		Fix: "Add the resource's permissions to the app registration (" + portalApps + " > the app > API permissions)."},

	// Assignment and Conditional Access.
	{Code: 50105, Summary: "The application requires user assignment and the signed-in user is not assigned to it.",
		Fix: "Assign the user (or a group they are in) to the app: " + portalEnterprise + " > the app > Users and groups > Add user/group."},
	{Code: 53003, Summary: "A Conditional Access policy blocked this sign-in.",
		Fix: "Ask your Conditional Access administrator which policy applies (" + portalCA + " > What If, or the sign-in log entry), then sign in from a compliant location or device, or use another sign-in mode."},
	{Code: 530003, Summary: "Conditional Access requires a managed device for this sign-in.",
		Fix: "Sign in from a device managed by your organisation, or ask your Conditional Access administrator for an exception (" + portalCA + ")."},
	{Code: 53000, Summary: "Conditional Access requires a compliant device, and this device is not.",
		Fix: "Sign in from a compliant (e.g. Intune-enrolled) device, or ask your Conditional Access administrator (" + portalCA + ")."},
	{Code: 53001, Summary: "Conditional Access requires a domain-joined device.",
		Fix: "Sign in from a hybrid-joined device, or ask your Conditional Access administrator (" + portalCA + ")."},
	{Code: 53002, Summary: "Conditional Access allows only approved client apps, and this one is not approved.",
		Fix: "Ask your Conditional Access administrator (" + portalCA + ") to allow the client, or use an approved device and app."},
	{Code: 530032, Summary: "A security policy blocked this sign-in.",
		Fix: "Ask your Entra administrator which security policy applies; the sign-in log entry names it."},
	{Code: 530035, Summary: "Security defaults blocked this sign-in (they block legacy and risky sign-ins).",
		Fix: "Use an interactive sign-in with MFA ({login}); an administrator can review security defaults in Entra admin center > Identity > Overview > Properties."},
	{Code: 50076, Summary: "Multi-factor authentication is required, and this sign-in did not perform it.",
		Fix: "Sign in interactively so you can complete MFA: {login}."},
	{Code: 50079, Summary: "Multi-factor authentication is required but the user has not registered a method.",
		Fix: "Register an MFA method at https://aka.ms/mfasetup, then run {login}."},
	{Code: 50074, Summary: "Strong authentication (MFA) is required.",
		Fix: "Sign in interactively and complete MFA: {login}."},
	{Code: 50078, Summary: "The MFA performed earlier has expired; the user must complete MFA again.",
		Fix: "Run {login} and complete MFA."},
	{Code: 500121, Summary: "Multi-factor authentication was not completed.",
		Fix: "Run {login} again and complete the MFA prompt; if it keeps failing, ask an administrator to check the user's MFA methods."},
	{Code: 70043, Summary: "The saved sign-in has expired under a Conditional Access sign-in frequency policy.",
		Fix: "Sign in again: {login}.", Kind: Reauthenticate},

	// Application and client credentials.
	{Code: 700016, Summary: "Application {client_id} was not found in tenant {tenant}: a typo in the client id, the wrong tenant, an app deleted, or one not yet replicated.",
		Fix: "Check --client-id and --tenant. For your own app, copy the Application (client) ID from " + portalApps + "; a new app can take a minute to appear."},
	{Code: 7000215, Summary: "The client secret is wrong. Often the secret's ID was used instead of its value.",
		Fix: "Create a new secret (teamsctl app secret add, or " + portalApps + " > the app > Certificates & secrets) and pass its value with --client-secret-stdin or TEAMSCTL_CLIENT_SECRET."},
	{Code: 7000222, Summary: "The client secret has expired.",
		Fix: "Create a new secret (teamsctl app secret add, or " + portalApps + " > the app > Certificates & secrets) and sign in with it."},
	{Code: 7000218, Summary: "The request needed a client secret or certificate: the app does not allow public client flows (device code, browser sign-in without a secret).",
		Fix: "Use an app with 'Allow public client flows' turned on (" + portalApps + " > the app > Authentication), or sign in as a service principal with a secret or certificate."},
	{Code: 700025, Summary: "A public client (no secret) sent a client secret or assertion.",
		Fix: "Sign in without a secret for a public client, or use a confidential app registration with --service-principal."},
	{Code: 7000112, Summary: "Application {client_id} is disabled in this tenant.",
		Fix: "Ask an administrator to enable it: " + portalEnterprise + " > the app > Properties > Enabled for users to sign in."},
	{Code: 700027, Summary: "The client certificate assertion was rejected: the certificate is not registered on the app, or has expired.",
		Fix: "Upload the certificate's public part to the app (" + portalApps + " > the app > Certificates & secrets) or pass the matching --certificate."},

	// Redirect URIs.
	{Code: 50011, Summary: "The redirect URI sent does not match any registered for the application.",
		Fix: "Add the redirect URI to the app (" + portalApps + " > the app > Authentication). For teamsctl's browser sign-in the app needs the mobile/desktop redirect http://localhost."},
	{Code: 500113, Summary: "No redirect URI is registered for the application.",
		Fix: "Add one in " + portalApps + " > the app > Authentication (http://localhost for teamsctl's browser sign-in)."},
	{Code: 900971, Summary: "No redirect address was provided with the sign-in request.",
		Fix: "Register a redirect URI on the app (" + portalApps + " > the app > Authentication)."},

	// Users and tenants.
	{Code: 50020, Summary: "The user is from another tenant (a guest or external account) and is not a member of {tenant}.",
		Fix: "Sign in with an account of the tenant, or pass the guest's home tenant with --tenant."},
	{Code: 500011, Summary: "The resource (for example Microsoft Graph) has no service principal in this tenant.",
		Fix: "Check --cloud and --tenant; an administrator may need to add the resource's service principal."},
	{Code: 50194, Summary: "A single-tenant application was used with the multi-tenant 'common' or 'organizations' endpoint.",
		Fix: "Pass your tenant ID or domain: {login} --tenant <tenant>, or set it once with teamsctl config set tenant <tenant>."},
	{Code: 90002, Summary: "Tenant {tenant} was not found in this cloud.",
		Fix: "Check {tenant_source}: it must be a tenant id (GUID) or a verified domain such as contoso.onmicrosoft.com of a tenant in this cloud (--cloud)."},
	{Code: 50059, Summary: "No tenant could be found for this sign-in.",
		Fix: "Pass your tenant: {login} --tenant <tenant>."},
	{Code: 50126, Summary: "The user name or password is wrong.",
		Fix: "Check the credentials and run {login} again."},
	{Code: 50034, Summary: "The user account does not exist in tenant {tenant}.",
		Fix: "Check the account name and --tenant; an administrator can look the user up in " + portalUsers + "."},
	{Code: 50057, Summary: "The user account is disabled.",
		Fix: "Ask an administrator to enable it (" + portalUsers + " > the user > Edit properties > Account enabled) or sign in with another account."},

	// Scopes.
	{Code: 70011, Summary: "A requested scope (permission) is invalid.",
		Fix: "Check the permission names passed with --scopes, e.g. Application.ReadWrite.All."},
	{Code: 700022, Summary: "One request asked for permissions on more than one resource.",
		Fix: "Request permissions for one resource at a time (teamsctl only asks for Microsoft Graph)."},

	// Device code flow.
	{Code: 70016, Summary: "The device code has not been approved yet.", Fix: "Finish signing in on the device-login page.", Kind: Pending},
	{Code: 70018, Summary: "The device code is not valid.", Fix: "Run {login} --device-code again and use the new code.", Kind: Reauthenticate},
	{Code: 70019, Summary: "The device code expired before anyone approved it (codes last 15 minutes).",
		Fix: "Run {login} --device-code again and enter the new code promptly.", Kind: Reauthenticate},

	// Saved sign-ins.
	{Code: 54005, Summary: "The authorization code was already redeemed.", Fix: "Run {login} again.", Kind: Reauthenticate},
	{Code: 700082, Summary: "The saved sign-in expired after a long time without use (refresh token inactivity).",
		Fix: "Sign in again: {login}.", Kind: Reauthenticate},
	{Code: 50173, Summary: "The saved sign-in was revoked (password change, or an administrator revoked sessions).",
		Fix: "Sign in again: {login}.", Kind: Reauthenticate},
}
