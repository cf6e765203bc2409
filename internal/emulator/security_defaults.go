package emulator

// Security defaults ("Security defaults in Microsoft Entra ID",
// learn.microsoft.com/entra/fundamentals/security-defaults) are the
// protection of tenants without Conditional Access, typically those without
// Entra ID P1: every user registers for MFA, administrators perform MFA at
// every sign-in, and legacy authentication is blocked. Microsoft prompts
// other users for MFA "when necessary" by risk, which the emulator does not
// model; the 14-day registration grace period is taken as past.

// securityDefaultsAdminRoles are the roles security defaults require MFA
// for at every sign-in (the subset of the documented list the emulator
// knows).
var securityDefaultsAdminRoles = []string{
	RoleGlobalAdministrator, RoleApplicationAdministrator, RoleCloudApplicationAdministrator,
	RoleConditionalAccessAdministrator, RolePrivilegedRoleAdministrator, RoleSecurityAdministrator,
}

// evaluateSecurityDefaults is evaluateCA for a tenant with security
// defaults on: no policy applies (conditionalAccessStatus notApplied), the
// baseline does.
func evaluateSecurityDefaults(a signInAttempt) caOutcome {
	out := caOutcome{status: "notApplied", mfa: a.mfaDone}
	admin := false
	for _, r := range a.user.DirectoryRoles {
		admin = admin || containsFold(securityDefaultsAdminRoles, r)
	}
	switch {
	case a.clientAppType == "exchangeActiveSync" || a.clientAppType == "other":
		out.failure = errSecurityDefaultsBlocked()
	case !a.user.MFARegistered:
		out.failure = errMFARegistrationRequired(a.scopes.resource.AppID)
	case admin:
		out.failure = satisfyMFA(a, &out, nil)
	}
	return out
}

// errSecurityDefaultsBlocked is AADSTS530035 of Entra's error code
// reference: blocked by security defaults (legacy authentication).
func errSecurityDefaultsBlocked() *LoginFailure {
	return fail("invalid_grant", 530035, "Access has been blocked by security defaults. "+
		"This is due to the request using legacy auth or being deemed unsafe by security defaults policies.")
}
