package doctor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/teamsctl/teamsctl/internal/causes"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// Checks of the "User" group about licences: Microsoft Teams, the
// Exchange Online mailbox, and the licences the integration requires.

// Service plans, by servicePlanName as Microsoft's "Product names and
// service plan identifiers for licensing" lists them
// (learn.microsoft.com/entra/identity/users/licensing-service-plan-reference).
var (
	// teamsPlans are Microsoft Teams itself (commercial and government
	// clouds). The E-suites sold without Teams have none of them; Teams
	// then comes as its own SKU.
	teamsPlans = []string{"TEAMS1", "TEAMS_GOV", "TEAMS_AR_GCCHIGH", "TEAMS_AR_DOD"}
	// mailboxPlans are the Exchange Online plans that give the user a
	// mailbox. EXCHANGE_S_FOUNDATION (in Teams and many non-Exchange SKUs)
	// is not one: it applies to the organisation and gives no mailbox, and
	// neither do archive or analytics add-ons.
	mailboxPlans = []string{"EXCHANGE_S_STANDARD", "EXCHANGE_S_ENTERPRISE", "EXCHANGE_S_DESKLESS", "EXCHANGE_S_ESSENTIALS",
		"EXCHANGE_S_STANDARD_MIDMARKET", "EXCHANGE_B_STANDARD", "EXCHANGE_L_STANDARD",
		"EXCHANGE_S_STANDARD_GOV", "EXCHANGE_S_ENTERPRISE_GOV", "EXCHANGE_S_DESKLESS_GOV"}
)

// userPlan reports whether a plan is one of names and applies to the user
// (licenseDetails' appliesTo: "User"; "Company" plans serve the whole
// organisation and give this user nothing).
func userPlan(names []string) func(graph.ServicePlan) bool {
	return func(p graph.ServicePlan) bool {
		return containsFold(names, p.ServicePlanName) && (p.AppliesTo == "" || strings.EqualFold(p.AppliesTo, "User"))
	}
}

func (e *evaluator) licences(u *userFacts) {
	subj := u.ref
	if !u.licences.ok() {
		skipFor(e, IDUserTeamsLicence, subj, u.licences)
		skipFor(e, IDUserMailbox, subj, u.licences)
		if len(e.f.exp.Licences) > 0 {
			skipFor(e, IDUserLicence, subj, u.licences)
		}
		return
	}
	subject := causes.Subject{AppID: e.f.appID, User: u.ref}
	if u.user.ok() {
		subject.UserID = u.user.v.ID
	}
	have := "licences: " + joinOr(skus(u.licences.v), "none")

	teams, teamsState := plan(u.licences.v, userPlan(teamsPlans))
	switch {
	case teams != "" && strings.EqualFold(teamsState, "Success"):
		e.add(IDUserTeamsLicence, subj, Pass, "Microsoft Teams enabled ("+teams+").", "", nil)
	case !e.needsTeams():
		e.add(IDUserTeamsLicence, subj, Pass, "Not needed: the integration creates no Teams meetings ("+have+").", "", nil)
	default:
		cause, _ := causes.Lookup(causes.TeamsLicenceMissing)
		cause = cause.With(subject)
		obs := "No licence with Microsoft Teams enabled (" + have + ")."
		if teams != "" {
			obs = "Microsoft Teams is in " + teams + " but its status is " + teamsState + "."
		}
		e.add(IDUserTeamsLicence, subj, Fail, obs, cause.Why, causeFix(cause))
	}

	mailbox, mbState := plan(u.licences.v, userPlan(mailboxPlans))
	needed, known := e.needsMailbox()
	switch {
	case mailbox != "" && strings.EqualFold(mbState, "Success"):
		e.add(IDUserMailbox, subj, Pass, "Exchange Online mailbox enabled ("+mailbox+").", "", nil)
	case known && !needed:
		e.add(IDUserMailbox, subj, Pass, "Not needed: the integration uses no mailbox ("+have+").", "", nil)
	default:
		cause, _ := causes.Lookup(causes.MailboxMissing)
		cause = cause.With(subject)
		obs := "No licence with an Exchange Online mailbox enabled (" + have + ")."
		switch {
		case mailbox != "":
			obs = "Exchange Online is in " + mailbox + " but its status is " + mbState + "."
		case hasPlan(u.licences.v, "EXCHANGE_S_FOUNDATION"):
			obs = "No Exchange Online mailbox: the only Exchange plan is EXCHANGE_S_FOUNDATION, which serves the organisation (appliesTo Company) and gives the user no mailbox (" + have + ")."
		}
		if needed {
			e.add(IDUserMailbox, subj, Fail, obs, cause.Why, causeFix(cause))
		} else {
			e.add(IDUserMailbox, subj, Warn, obs, cause.Why, causeFix(cause))
		}
	}

	e.requiredLicences(u)
}

// requiredLicences checks the licences the integration states it needs
// (a preset's requires.licences): one SKU of each requirement.
func (e *evaluator) requiredLicences(u *userFacts) {
	if len(e.f.exp.Licences) == 0 {
		return
	}
	held := skus(u.licences.v)
	var met, unmet []string
	for _, req := range e.f.exp.Licences {
		i := slices.IndexFunc(held, func(s string) bool { return containsFold(req.SKUs, s) })
		if i >= 0 {
			met = append(met, fmt.Sprintf("%s (%s)", req.Name, held[i]))
		} else {
			unmet = append(unmet, fmt.Sprintf("%s (one of %s)", req.Name, strings.Join(req.SKUs, ", ")))
		}
	}
	if len(unmet) == 0 {
		e.add(IDUserLicence, u.ref, Pass, "Has "+strings.Join(met, "; ")+".", "", nil)
		return
	}
	e.add(IDUserLicence, u.ref, Fail, "The integration requires "+strings.Join(unmet, "; ")+"; the user has "+joinOr(held, "no licences")+".",
		"The vendor supports its integration only with these licences; with others it may fail in ways the other checks cannot see.",
		&Fix{Portal: "Microsoft 365 admin center > Users > Active users > " + u.ref + " > Licenses and apps",
			Note: "Ask the vendor whether your licence is supported before changing it."})
}

// needsTeams says whether users need Microsoft Teams: as the expectations
// say, else yes (teamsctl's integrations are Teams integrations).
func (e *evaluator) needsTeams() bool {
	if e.f.exp.NeedsTeams != nil {
		return *e.f.exp.NeedsTeams
	}
	return true
}

// needsMailbox says whether users need a mailbox, and whether that is
// known: as the expectations say, else yes for Outlook invitations and
// mail or calendar permissions, else unknown.
func (e *evaluator) needsMailbox() (needed, known bool) {
	if e.f.exp.NeedsMailbox != nil {
		return *e.f.exp.NeedsMailbox, true
	}
	if e.f.exp.MeetingKind == "event" {
		return true, true
	}
	for _, s := range append(slices.Clone(e.scopes), e.roles...) {
		l := strings.ToLower(s)
		if strings.HasPrefix(l, "calendars.") || strings.HasPrefix(l, "mail.") {
			return true, true
		}
	}
	return false, false
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

func hasPlan(ls []graph.LicenseDetail, name string) bool {
	sku, _ := plan(ls, func(p graph.ServicePlan) bool { return strings.EqualFold(p.ServicePlanName, name) })
	return sku != ""
}

func skus(ls []graph.LicenseDetail) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.SkuPartNumber)
	}
	return out
}
