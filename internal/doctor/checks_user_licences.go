package doctor

import (
	"slices"
	"strings"

	"github.com/teamsctl/teamsctl/internal/causes"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// Checks of the "User" group about licences: Microsoft Teams and the
// Exchange Online mailbox.

func (e *evaluator) licences(u *userFacts) {
	subj := u.ref
	if !u.licences.ok() {
		skipFor(e, IDUserTeamsLicence, subj, u.licences)
		skipFor(e, IDUserMailbox, subj, u.licences)
		return
	}
	subject := causes.Subject{AppID: e.f.appID, User: u.ref}
	if u.user.ok() {
		subject.UserID = u.user.v.ID
	}
	teams, teamsState := plan(u.licences.v, func(p graph.ServicePlan) bool {
		return strings.EqualFold(p.ServicePlanName, "TEAMS1") || strings.EqualFold(p.ServicePlanID, "57ff2da0-773e-42df-b2af-ffb7a2317929")
	})
	switch {
	case teams != "" && strings.EqualFold(teamsState, "Success"):
		e.add(IDUserTeamsLicence, subj, Pass, "Microsoft Teams enabled ("+teams+").", "", nil)
	default:
		cause, _ := causes.Lookup(causes.TeamsLicenceMissing)
		cause = cause.With(subject)
		obs := "No licence with Microsoft Teams enabled (licences: " + joinOr(skus(u.licences.v), "none") + ")."
		if teams != "" {
			obs = "Microsoft Teams is in " + teams + " but its status is " + teamsState + "."
		}
		e.add(IDUserTeamsLicence, subj, Fail, obs, cause.Why, causeFix(cause))
	}
	mailbox, mbState := plan(u.licences.v, func(p graph.ServicePlan) bool {
		return strings.HasPrefix(strings.ToUpper(p.ServicePlanName), "EXCHANGE_S_")
	})
	if mailbox != "" && strings.EqualFold(mbState, "Success") {
		e.add(IDUserMailbox, subj, Pass, "Exchange Online enabled ("+mailbox+").", "", nil)
		return
	}
	cause, _ := causes.Lookup(causes.MailboxMissing)
	cause = cause.With(subject)
	obs := "No licence with Exchange Online enabled (licences: " + joinOr(skus(u.licences.v), "none") + ")."
	if e.needsMailbox() {
		e.add(IDUserMailbox, subj, Fail, obs, cause.Why, causeFix(cause))
		return
	}
	e.add(IDUserMailbox, subj, Warn, obs, cause.Why, causeFix(cause))
}

func (e *evaluator) needsMailbox() bool {
	if e.f.exp.MeetingKind == "event" {
		return true
	}
	for _, s := range append(slices.Clone(e.scopes), e.roles...) {
		l := strings.ToLower(s)
		if strings.HasPrefix(l, "calendars.") || strings.HasPrefix(l, "mail.") {
			return true
		}
	}
	return false
}

func plan(ls []graph.LicenseDetail, match func(graph.ServicePlan) bool) (sku, state string) {
	for _, l := range ls {
		for _, p := range l.ServicePlans {
			if match(p) {
				if sku == "" || strings.EqualFold(p.ProvisioningStatus, "Success") {
					sku, state = l.SkuPartNumber, p.ProvisioningStatus
				}
			}
		}
	}
	return sku, state
}

func skus(ls []graph.LicenseDetail) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.SkuPartNumber)
	}
	return out
}
