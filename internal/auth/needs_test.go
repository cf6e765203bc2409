package auth

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

var (
	readApps  = Need{"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	writeApps = Need{"Application.ReadWrite.All"}
	readUsers = Need{"User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	readAudit = Need{"AuditLog.Read.All"}
)

// A command asks Entra for permissions the sign-in was granted that
// satisfy its needs, a higher one included, and for the least privileged
// alternative only of a need nothing granted satisfies.
func TestScopesForPreferGrantedHigherPermissions(t *testing.T) {
	tests := []struct {
		name    string
		needs   []Need
		granted []string
		want    Scopes
	}{
		{"nothing granted: least privileged", []Need{readApps, readUsers}, nil, Scopes{"Application.Read.All", "User.ReadBasic.All"}},
		{"ReadWrite satisfies Read", []Need{readApps}, []string{"Application.ReadWrite.All"}, Scopes{"Application.ReadWrite.All"}},
		{"Directory.Read.All satisfies reads", []Need{readApps, readUsers}, []string{"Directory.Read.All"}, Scopes{"Directory.Read.All"}},
		{"Directory.ReadWrite.All satisfies", []Need{readUsers}, []string{"directory.readwrite.all"}, Scopes{"directory.readwrite.all"}},
		{"a write implies the read", []Need{readApps, writeApps}, []string{"Directory.Read.All"}, Scopes{"Application.ReadWrite.All"}},
		{"a ReadWrite not listed still satisfies its Read", []Need{{"Calendars.Read"}}, []string{"Calendars.ReadWrite"}, Scopes{"Calendars.ReadWrite"}},
		{"only the unsatisfied need asks", []Need{readApps, readAudit}, []string{"Application.ReadWrite.All"}, Scopes{"Application.ReadWrite.All", "AuditLog.Read.All"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ScopesFor(tt.needs, tt.granted); !slices.Equal(got, tt.want) {
				t.Errorf("ScopesFor = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReduceNeedsKeepsOnlyWhatNothingElseImplies(t *testing.T) {
	got := ReduceNeeds(readApps, writeApps, readApps, readUsers, Need{}, writeApps)
	want := []Need{writeApps, readUsers}
	if !slices.EqualFunc(got, want, func(a, b Need) bool { return slices.Equal(a, b) }) {
		t.Errorf("ReduceNeeds = %v, want %v", got, want)
	}
}

// The defaults of `teamsctl login` cover the commands, so a command run
// after it neither prompts nor exits 4, while a sign-in with fewer
// permissions is told only what it lacks.
func TestMissingPermissionNamesOnlyTheMissingOne(t *testing.T) {
	h := newHarness(t)
	deviceCodeLogin(t, h, "User.Read", "Application.ReadWrite.All", "Directory.Read.All")
	a := h.auth(nil)
	before := h.tokenRequests()
	if _, err := a.TokenFor(context.Background(), a.ScopesFor(readApps, writeApps, readUsers)); err != nil {
		t.Fatalf("needs satisfied by higher permissions the sign-in holds: %v", err)
	}
	if h.tokenRequests() != before {
		t.Errorf("the token endpoint was called %d times: the cached token covers the needs", h.tokenRequests()-before)
	}
	_, err := a.TokenFor(context.Background(), a.ScopesFor(readApps, readUsers, readAudit))
	var req *RequiredError
	if !errors.As(err, &req) || !slices.Equal(req.Scopes, []string{"AuditLog.Read.All"}) {
		t.Fatalf("err = %v, want only AuditLog.Read.All named", err)
	}
	if !strings.HasSuffix(req.LoginCommand(), "--scopes AuditLog.Read.All") {
		t.Errorf("login command = %q", req.LoginCommand())
	}
}
