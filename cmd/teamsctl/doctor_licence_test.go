package main

import (
	"testing"

	"github.com/teamsctl/teamsctl/internal/doctor"
)

// Licences as Graph reports them, and checks that apply only to the
// integrations that need them.

const (
	nomailbox = "nomailbox@contoso.onmicrosoft.com"
	nils      = "nils.noteams@contoso.onmicrosoft.com"
	ella      = "ella.eea@contoso.onmicrosoft.com"
	nolicense = "nolicense@contoso.onmicrosoft.com"
	bea       = "bea.business@contoso.onmicrosoft.com"
	// recruiteeApp stands in for Recruitee's appId, which its help pages
	// do not publish; nobody in the sandbox has consented to it.
	recruiteeApp = "6c1f0a2e-2222-4333-8444-955566667777"
)

// businessUser adds Bea, on Microsoft 365 Business Standard.
var businessUser = insertBefore("      - userPrincipalName: nomailbox@contoso.onmicrosoft.com\n", `      - userPrincipalName: `+bea+`
        displayName: Bea Business
        jobTitle: Recruiter
        licenses: [{skuPartNumber: O365_BUSINESS_PREMIUM}]
        hasMailbox: true
        accountEnabled: true
`)

// Only Exchange plans that give the user a mailbox count: the Teams trial's
// EXCHANGE_S_FOUNDATION applies to the organisation. The E3 suite sold
// without Teams has a mailbox but no Teams until the Teams SKU is added.
func TestDoctorMailboxAndTeamsPlans(t *testing.T) {
	d := startDoctor(t, ebmsConsented, recruitersAssigned)
	r := d.doctor(6, ebmsArgs(nomailbox, nils, ella)...)
	expect(t, r, doctor.IDUserMailbox, nomailbox, doctor.Fail, "EXCHANGE_S_FOUNDATION", "appliesTo Company", "MS_TEAMS_IW")
	expect(t, r, doctor.IDUserTeamsLicence, nomailbox, doctor.Pass, "MS_TEAMS_IW")
	expect(t, r, doctor.IDUserTeamsLicence, nils, doctor.Fail, "O365_w/o Teams Bundle_M3")
	expect(t, r, doctor.IDUserMailbox, nils, doctor.Pass, "O365_w/o Teams Bundle_M3")
	expect(t, r, doctor.IDUserTeamsLicence, ella, doctor.Pass, "Microsoft_Teams_EEA_New")
	expect(t, r, doctor.IDUserMailbox, ella, doctor.Pass, "O365_w/o Teams Bundle_M3")
}

// Recruitee's mail integration creates no meetings: a recruiter without
// Teams passes, and the Teams meeting-policy note is left out. Its
// calendar integration (Outlook events with Teams meetings) needs Teams.
func TestDoctorChecksOnlyWhatTheIntegrationNeeds(t *testing.T) {
	d := startDoctor(t)
	r := d.doctor(6, recruiteeApp, "--preset", "recruitee-mail", "--user", nolicense)
	expect(t, r, doctor.IDUserTeamsLicence, nolicense, doctor.Pass, "Not needed")
	expect(t, r, doctor.IDUserMailbox, nolicense, doctor.Pass, "EXCHANGESTANDARD")
	expect(t, r, doctor.IDTeamsMeetingPolicy, "", doctor.Pass, "Not needed")
	expect(t, r, doctor.IDTeamsAccessPolicy, "", doctor.Pass, "Not needed")

	r = d.doctor(6, recruiteeApp, "--preset", "recruitee-calendar", "--user", nolicense)
	expect(t, r, doctor.IDUserTeamsLicence, nolicense, doctor.Fail, "EXCHANGESTANDARD")
	expect(t, r, doctor.IDTeamsMeetingPolicy, "", doctor.Info, "Set-CsTeamsMeetingPolicy")

	// The rooms integration lists rooms: doctor says where they come from.
	r = d.doctor(6, recruiteeApp, "--preset", "recruitee-rooms", "--user", nolicense)
	expect(t, r, doctor.IDRooms, "", doctor.Info, "room mailbox", "Get-EXOMailbox -RecipientTypeDetails RoomMailbox")
	expect(t, r, doctor.IDUserMailbox, nolicense, doctor.Pass)
}

// eRecruiter's integration is meant for Microsoft 365 Business plans: an
// E3 recruiter fails the preset's licence requirement, a Business
// Standard one passes.
func TestDoctorLicenceRequirement(t *testing.T) {
	d := startDoctor(t, businessUser)
	r := d.doctor(6, ebms, "--preset", "erecruiter", "--user", rita, "--user", bea)
	expect(t, r, doctor.IDUserLicence, rita, doctor.Fail, "Microsoft 365 Business plans (one of O365_BUSINESS_ESSENTIALS, O365_BUSINESS_PREMIUM, SPB)", "ENTERPRISEPACK")
	expect(t, r, doctor.IDUserLicence, bea, doctor.Pass, "Microsoft 365 Business plans (O365_BUSINESS_PREMIUM)")
	// Without a preset stating one, there is no such check.
	r = d.doctor(6, ebmsArgs(rita)...)
	for _, c := range r.Checks {
		if c.ID == doctor.IDUserLicence {
			t.Errorf("user.licence without a requirement: %+v", c)
		}
	}
}
