package emulator

import (
	"fmt"
	"time"
)

// LargeTenantSize says how many objects GenerateLargeTenant adds.
type LargeTenantSize struct {
	Users             int
	Groups            int
	ServicePrincipals int
	CAPolicies        int
	// Applications are app registrations of the tenant itself (line-of-
	// business apps, earlier integrations), for `app list` at scale.
	Applications int
}

// ScaleTestSize is the tenant size of the scale targets (internal/bench).
var ScaleTestSize = LargeTenantSize{Users: 100_000, Groups: 5_000, ServicePrincipals: 20_000, CAPolicies: 500, Applications: 2_000}

// generatedVendorTenantID owns the applications behind generated service
// principals, like the many third-party apps of a real large tenant.
const generatedVendorTenantID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"

// GenerateLargeTenant builds the default seed and grows its home tenant to
// size: numbered users (every tenth licensed), groups of 20 users each,
// third-party enterprise apps registered in a generated vendor tenant, app
// registrations of the tenant's own, and Conditional Access policies that are mostly report-only or disabled (so
// the seed's own sign-in behaviour is unchanged). Objects are generated
// directly, not through Seed.Build, because building a 100,000-user seed
// through its JSON form would dominate scale tests.
func GenerateLargeTenant(now time.Time, size LargeTenantSize) (*State, error) {
	seed, err := DefaultSeed()
	if err != nil {
		return nil, err
	}
	st, err := seed.Build(now)
	if err != nil {
		return nil, err
	}
	home := st.HomeTenant()
	domain := home.InitialDomain()
	licence := licenceSKUs()["ENTERPRISEPACK"]
	for i := range size.Users {
		u := &User{ID: st.NewGUID(), UserPrincipalName: fmt.Sprintf("user%06d@%s", i, domain),
			DisplayName: fmt.Sprintf("Generated User %06d", i), UserType: "Member", AccountEnabled: true}
		u.Mail = u.UserPrincipalName
		if i%10 == 0 {
			u.Licenses, u.HasMailbox = []License{licence}, true
		}
		home.Users = append(home.Users, u)
	}
	generated := home.Users[len(home.Users)-size.Users:]
	for i := range size.Groups {
		g := &Group{ID: st.NewGUID(), DisplayName: fmt.Sprintf("Generated Group %05d", i), SecurityEnabled: true, CreatedDateTime: now}
		for j := range 20 {
			if len(generated) > 0 {
				g.Members = append(g.Members, generated[(i*20+j)%len(generated)].ID)
			}
		}
		home.Groups = append(home.Groups, g)
	}
	vendor := &Tenant{ID: generatedVendorTenantID, DisplayName: "Generated vendors",
		Domains: []*Domain{{Name: "generated-vendors.example.invalid", IsDefault: true, IsInitial: true}}}
	st.Tenants = append(st.Tenants, vendor)
	for i := range size.ServicePrincipals {
		app := &Application{ID: st.NewGUID(), AppID: st.NewGUID(), DisplayName: fmt.Sprintf("Generated App %05d", i),
			SignInAudience: "AzureADMultipleOrgs", CreatedDateTime: now, PublisherDomain: vendor.DefaultDomain()}
		vendor.Applications = append(vendor.Applications, app)
		home.ServicePrincipals = append(home.ServicePrincipals, &ServicePrincipal{ID: st.NewGUID(), AppID: app.AppID,
			DisplayName: app.DisplayName, AppOwnerOrganizationID: vendor.ID, AccountEnabled: true,
			ServicePrincipalType: "Application", SignInAudience: app.SignInAudience, CreatedDateTime: now})
	}
	for i := range size.Applications {
		home.Applications = append(home.Applications, &Application{ID: st.NewGUID(), AppID: st.NewGUID(),
			DisplayName: fmt.Sprintf("Generated Line-of-Business App %05d", i), SignInAudience: "AzureADMyOrg",
			CreatedDateTime: now, PublisherDomain: domain, WebRedirectURIs: []string{fmt.Sprintf("https://lob%05d.%s/signin", i, domain)}})
	}
	states := []string{CAStateReportOnly, CAStateDisabled}
	for i := range size.CAPolicies {
		p := &ConditionalAccessPolicy{ID: st.NewGUID(), DisplayName: fmt.Sprintf("Generated policy %03d", i),
			State: states[i%len(states)], CreatedDateTime: now, IncludeUsers: []string{"All"},
			IncludeApplications: []string{"All"}, ClientAppTypes: []string{"all"}, GrantOperator: "OR",
			BuiltInControls: []string{"mfa"}}
		if len(home.Groups) > 0 {
			p.IncludeUsers, p.IncludeGroups = nil, []string{home.Groups[i%len(home.Groups)].ID}
		}
		home.ConditionalAccess = append(home.ConditionalAccess, p)
	}
	return st, nil
}
