package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

// LoginFailure is an Entra sign-in or token error: what the token endpoint
// returns as JSON, the authorize endpoint as an error redirect, and what a
// failed device code approval keeps until the client polls. It is also the
// error ApproveDeviceCode returns when the approving sign-in failed.
type LoginFailure struct {
	Status   int    `json:"status"` // HTTP status; 400 unless invalid_client (401)
	Err      string `json:"error"`  // invalid_grant, invalid_client, ...
	Code     int    `json:"code"`   // the AADSTS number
	Message  string `json:"message"`
	SubError string `json:"suberror,omitempty"`
	Claims   string `json:"claims,omitempty"`
}

func (f *LoginFailure) Error() string { return fmt.Sprintf("AADSTS%d: %s", f.Code, f.Message) }

// writeLoginFailure writes f in the token endpoint's JSON shape.
func writeLoginFailure(w http.ResponseWriter, r *http.Request, f *LoginFailure) {
	writeOAuthError(w, r, oauthError{Status: f.Status, Error: f.Err, Code: f.Code, Message: f.Message, SubError: f.SubError, Claims: f.Claims})
}

func fail(err string, code int, format string, args ...any) *LoginFailure {
	return &LoginFailure{Status: http.StatusBadRequest, Err: err, Code: code, Message: fmt.Sprintf(format, args...)}
}

// failClient is an invalid_client error, which Entra answers with 401.
func failClient(code int, format string, args ...any) *LoginFailure {
	f := fail("invalid_client", code, format, args...)
	f.Status = http.StatusUnauthorized
	return f
}

func errMissingParam(name string) *LoginFailure {
	return fail("invalid_request", 900144, "The request body must contain the following parameter: '%s'.", name)
}

func errInvalidTenant(ref string) *LoginFailure {
	return fail("invalid_tenant", 90002, "Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. "+
		"Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", ref)
}

func errUnknownClient(appID, directory string) *LoginFailure {
	return fail("unauthorized_client", 700016, "Application with identifier '%s' was not found in the directory '%s'. "+
		"This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. "+
		"You may have sent your authentication request to the wrong tenant.", appID, directory)
}

func errAppDisabled(sp *ServicePrincipal) *LoginFailure {
	return fail("unauthorized_client", 7000112, "Application '%s'(%s) is disabled.", sp.AppID, sp.DisplayName)
}

func errUserNotFound(upn string, t *Tenant) *LoginFailure {
	return fail("invalid_grant", 50034, "The user account {EUII Hidden} does not exist in the %s directory. "+
		"To sign into this application, the account must be added to the directory.", t.ID)
}

func errUserDisabled() *LoginFailure {
	return fail("invalid_grant", 50057, "The user account is disabled. The account has been disabled by an administrator.")
}

func errNotAssigned(app *Application) *LoginFailure {
	return fail("invalid_grant", 50105, "Your administrator has configured the application %s ('%s') to block users unless they are specifically "+
		"granted ('assigned') access to the application. The signed in user '{EUII Hidden}' is blocked because they are not a direct member of a "+
		"group with access, nor had access directly assigned by an administrator. Please contact your administrator to assign access to this application.",
		app.DisplayName, app.AppID)
}

func errConsentRequired(app *Application) *LoginFailure {
	f := fail("invalid_grant", 65001, "The user or administrator has not consented to use the application with ID '%s' named '%s'. "+
		"Send an interactive authorization request for this user and resource.", app.AppID, app.DisplayName)
	f.SubError = "consent_required"
	return f
}

func errAdminConsentRequired(workflowEnabled bool) *LoginFailure {
	if workflowEnabled {
		return fail("invalid_grant", 90095, "Admin consent is required for the permissions requested by this application. "+
			"An admin consent request may be sent to the admin.")
	}
	return fail("invalid_grant", 90094, "The grant requires admin permission.")
}

// capolidsClaims is the claims challenge Entra attaches to Conditional
// Access failures, naming the policies that caused them.
func capolidsClaims(policyIDs []string) string {
	return fmt.Sprintf(`{"access_token":{"capolids":{"essential":true,"values":["%s"]}}}`, strings.Join(policyIDs, `","`))
}

func errCABlocked(policyIDs []string) *LoginFailure {
	f := fail("invalid_grant", 53003, "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.")
	f.SubError, f.Claims = "message_only", capolidsClaims(policyIDs)
	return f
}

func errMFARequired(resourceAppID string, policyIDs []string) *LoginFailure {
	f := fail("interaction_required", 50076, "Due to a configuration change made by your administrator, or because you moved to a new location, "+
		"you must use multi-factor authentication to access '%s'.", resourceAppID)
	f.SubError, f.Claims = "basic_action", capolidsClaims(policyIDs)
	return f
}

// errMFARegistrationRequired is what an interactive sign-in gets when MFA
// is required but the user has no method registered (Entra would start the
// registration flow; the emulator has none).
func errMFARegistrationRequired(resourceAppID string) *LoginFailure {
	f := fail("interaction_required", 50079, "Due to a configuration change made by your administrator, or because you moved to a new location, "+
		"you must enroll in multi-factor authentication to access '%s'.", resourceAppID)
	f.SubError = "basic_action"
	return f
}

// errMFAFailed is an interactive sign-in where a registered user did not
// complete the MFA challenge (interactive user configured with mfa=false).
func errMFAFailed() *LoginFailure {
	return fail("invalid_grant", 500121, "Authentication failed during strong authentication request.")
}

// errDeviceRequired: the emulator has no devices, so compliant or joined
// device requirements can never be met. Error and suberror unverified.
func errDeviceRequired(policyIDs []string) *LoginFailure {
	f := fail("invalid_grant", 53000, "Device is not in required device state: compliant. Conditional Access policy requires a compliant device, "+
		"and the device is not compliant. The user must enroll their device with an approved MDM provider like Intune.")
	f.Claims = capolidsClaims(policyIDs)
	return f
}
