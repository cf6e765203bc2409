package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/doctor"
)

// Group assignment as Entra counts it: direct members of an assigned
// security or Microsoft 365 group, in a tenant with Entra ID P1 or P2.

const rosa = "rosa.recruiter@fabrikam.onmicrosoft.com"

// assigned assigns a group (by display name) to EBMS in the seed.
func assigned(group string) seedEdit {
	return insertBefore("    authorizationPolicy:\n", "    appRoleAssignments:\n      - {principalId: "+group+", resourceId: "+ebms+"}\n")
}

// "HR Department" contains "Recruiters", which contains Rita: assigning HR
// Department gives her nothing. doctor names the group she is nested in,
// and the fix assigns it.
func TestDoctorNestedGroupDoesNotCount(t *testing.T) {
	d := startDoctor(t, ebmsConsented, assigned(`"HR Department"`))
	r := d.doctor(6, ebmsArgs(rita)...)
	c := expect(t, r, doctor.IDUserAssignment, rita, doctor.Fail,
		"in HR Department only through Recruiters, nested in it; nesting does not count", "AADSTS50105",
		"teamsctl app assign "+ebms+" --group Recruiters")
	if !c.Fix.Automatic {
		t.Errorf("assigning her own group is not offered to --fix: %+v", c.Fix)
	}
	r = d.doctor(0, append(ebmsArgs(rita), "--fix", "--yes")...)
	if c := expect(t, r, doctor.IDUserAssignment, rita, doctor.Pass, "Assigned through group Recruiters"); !c.Fixed {
		t.Errorf("user.assignment not marked fixed")
	}
	if len(r.Fixes) != 1 || r.Fixes[0].Action.Kind != doctor.ActionAssignGroup || r.Fixes[0].Action.Group != "Recruiters" {
		t.Errorf("fixes %+v, want Recruiters assigned", r.Fixes)
	}
}

// A distribution list cannot be assigned: doctor says why Rob, a direct
// member of an assigned one, still cannot sign in.
func TestDoctorDistributionListGivesNoAccess(t *testing.T) {
	d := startDoctor(t, ebmsConsented, assigned(`"Recruiting Announcements"`))
	r := d.doctor(6, ebmsArgs(rob)...)
	c := expect(t, r, doctor.IDUserAssignment, rob, doctor.Fail,
		"a member of Recruiting Announcements, which is assigned, but Recruiting Announcements is not security-enabled",
		"teamsctl app assign "+ebms+" --user "+rob)
	// Rob is in two groups that could be assigned: doctor does not pick.
	if !strings.Contains(c.Fix.Note, "Recruiters, Hiring Managers") {
		t.Errorf("note does not list rob's assignable groups: %q", c.Fix.Note)
	}
}

// A small business without Entra ID P1 (the built-in smb fixture): the
// Recruiting group left from a trial gives nobody access, there is no
// Conditional Access but security defaults, and the sign-in log is not
// served; doctor says so instead of asking for a directory role.
func TestDoctorTenantWithoutEntraIDP1(t *testing.T) {
	d := startDoctor(t, smbFixture)
	r := d.doctor(6, ebmsArgs(rosa)...)
	expect(t, r, doctor.IDEntraPremium, "", doctor.Info, "No Entra ID P1 or P2 (subscriptions: O365_BUSINESS_PREMIUM)", "assign recruiters as users")
	expect(t, r, doctor.IDSecurityDefaults, "", doctor.Info, "On: every user must register for multi-factor authentication", "AADSTS50079")
	expect(t, r, doctor.IDSPAssignment, "", doctor.Warn, "Groups assigned: Recruiting", "needs Microsoft Entra ID P1 or P2", "--group Recruiting --as-users")
	expect(t, r, doctor.IDUserAssignment, rosa, doctor.Fail, "a member of Recruiting, which is assigned, but group-based assignment needs Microsoft Entra ID P1 or P2",
		"teamsctl app assign "+ebms+" --user "+rosa)
	expect(t, r, doctor.IDUserCA, rosa, doctor.Pass, "No Conditional Access", "Security defaults")
	c := expect(t, r, doctor.IDUserSignIns, rosa, doctor.Skip, "without Microsoft Entra ID P1 or P2", "Authentication_RequestFromNonPremiumTenantOrB2CTenant")
	if strings.Contains(c.Observed, "Global Reader") || strings.Contains(c.Observed, "Security Reader") {
		t.Errorf("a directory role is advised for a licence problem: %s", c.Observed)
	}
	// --fix assigns Rosa herself, not the group that cannot work here.
	r = d.doctor(0, append(ebmsArgs(rosa), "--fix", "--yes")...)
	expect(t, r, doctor.IDUserAssignment, rosa, doctor.Pass, "Assigned directly")
}

// The user consent setting "verified publishers, low-impact permissions"
// covers User.Read, openid, offline_access and email of a verified
// vendor's app, as Entra evaluates it: by the enterprise app's publisher,
// or, before the enterprise app exists, by the vendor's (a preset's
// verifiedPublisher).
func TestDoctorVerifiedPublisherConsent(t *testing.T) {
	const low = "User.Read,openid,offline_access,email"
	// EBMS's enterprise app exists (verified publisher EBMS GmbH) and does
	// not require assignment: users may consent themselves.
	d := startDoctor(t, replace("      - appId: c0ec60b5-60a8-4768-8053-870f11315492 # EBMS (vendor-hosted)\n        accountEnabled: true\n        appRoleAssignmentRequired: true\n",
		"      - appId: c0ec60b5-60a8-4768-8053-870f11315492 # EBMS (vendor-hosted)\n        accountEnabled: true\n"))
	r := d.doctor(0, ebms, "--scopes", low, "--user", rita)
	expect(t, r, doctor.IDUserConsent, "", doctor.Pass, "covers User.Read, openid, offline_access, email")
	expect(t, r, doctor.IDSPConsent, "", doctor.Warn, "Users may consent to them themselves")
	expect(t, r, doctor.IDSPExists, "", doctor.Pass, "verified publisher EBMS GmbH")

	// Nobody has connected yet: without knowing the publisher doctor says
	// so; with the preset's verifiedPublisher the first connection creates
	// the enterprise app.
	d = startDoctor(t, ebmsNotConsentedYet...)
	r = d.doctor(6, ebms, "--scopes", low, "--user", rita)
	expect(t, r, doctor.IDSPExists, "", doctor.Fail, "nobody in this tenant has consented")
	expect(t, r, doctor.IDUserToken, rita, doctor.Downstream, "publisher is verified, which doctor cannot see before its enterprise app exists")
	preset := filepath.Join(t.TempDir(), "ebms-low.yaml")
	if err := os.WriteFile(preset, []byte(`name: ebms-low
vendor: EBMS
shape: vendor-hosted
appId: `+ebms+`
verifiedPublisher: EBMS GmbH
delegated: [User.Read, openid, offline_access, email]
teams:
  meeting: none
`), 0o600); err != nil {
		t.Fatal(err)
	}
	r = d.doctor(0, "--preset-file", preset, "--user", rita)
	expect(t, r, doctor.IDUserConsent, "", doctor.Pass, "covers User.Read, openid, offline_access, email")
	expect(t, r, doctor.IDSPExists, "", doctor.Info, "the first recruiter who connects consents")
	expect(t, r, doctor.IDAppExists, "", doctor.Info, "vendor-hosted")
	expect(t, r, doctor.IDUserToken, rita, doctor.Pass, "may consent")
}
