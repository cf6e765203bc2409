package auth

import (
	"slices"
	"testing"
)

func TestMissingScopesCountReadWriteAsRead(t *testing.T) {
	granted := []string{"Application.ReadWrite.All", "Calendars.ReadWrite", "User.Read"}
	cases := []struct {
		want    Scopes
		missing Scopes
	}{
		{Scopes{"Application.Read.All"}, nil},
		{Scopes{"application.read.all", "calendars.read"}, nil},
		{Scopes{"User.Read", "openid", "offline_access"}, nil},
		{Scopes{"User.ReadWrite"}, Scopes{"User.ReadWrite"}},         // Read does not grant ReadWrite
		{Scopes{"User.ReadBasic.All"}, Scopes{"User.ReadBasic.All"}}, // not a Read of a ReadWrite
		{Scopes{"Directory.Read.All"}, Scopes{"Directory.Read.All"}},
	}
	for _, c := range cases {
		if got := c.want.missingFrom(granted); !slices.Equal(got, c.missing) {
			t.Errorf("%v missing from %v = %v, want %v", c.want, granted, got, c.missing)
		}
	}
}
