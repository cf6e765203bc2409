package whoami

import (
	"testing"

	"github.com/teamsctl/teamsctl/internal/graph"
)

func TestUserCapabilities(t *testing.T) {
	c := userCapabilities([]graph.DirectoryRole{{DisplayName: "Application Administrator", RoleTemplateID: graph.RoleApplicationAdministrator}})
	if !c.RegisterApps.Allowed || !c.GrantDelegatedConsent.Allowed || c.GrantApplicationPermissions.Allowed {
		t.Errorf("Application Administrator: %+v", c)
	}
	if c.GrantApplicationPermissions.Why != "needs Privileged Role Administrator or Global Administrator" {
		t.Errorf("why = %q", c.GrantApplicationPermissions.Why)
	}
	c = userCapabilities([]graph.DirectoryRole{{DisplayName: "Application Developer", RoleTemplateID: graph.RoleApplicationDeveloper}})
	if !c.RegisterApps.Allowed || c.GrantDelegatedConsent.Allowed {
		t.Errorf("Application Developer: %+v", c)
	}
	c = userCapabilities(nil)
	if c.RegisterApps.Allowed || c.GrantDelegatedConsent.Allowed || c.GrantApplicationPermissions.Allowed {
		t.Errorf("no roles: %+v", c)
	}
}

func TestAppCapabilities(t *testing.T) {
	c := appCapabilities([]string{"application.readwrite.all"})
	if !c.RegisterApps.Allowed || c.GrantDelegatedConsent.Allowed || c.GrantApplicationPermissions.Allowed {
		t.Errorf("%+v", c)
	}
}
