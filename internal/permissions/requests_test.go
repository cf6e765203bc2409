package permissions

import (
	"testing"

	"github.com/teamsctl/teamsctl/internal/auth"
)

// Commands declare only requests of the catalog, so when the default
// login scopes satisfy every request, `teamsctl login` covers every
// command (meeting test signs in as the app under test).
func TestDefaultLoginScopesSatisfyEveryRequest(t *testing.T) {
	if len(catalog) < 20 {
		t.Fatalf("the catalog has %d requests; are they registered?", len(catalog))
	}
	for _, r := range catalog {
		if ok, missing := auth.Satisfies(auth.DefaultLoginScopes, r.Needs...); !ok {
			t.Errorf("%s: the default login scopes lack any of %v", r.Route, missing)
		}
	}
}

// Every Need lists its least privileged permission first and no
// permission twice.
func TestRequestsAreWellFormed(t *testing.T) {
	for _, r := range catalog {
		for _, n := range r.Needs {
			seen := map[string]bool{}
			for _, p := range n {
				if seen[p] {
					t.Errorf("%s lists %s twice", r.Route, p)
				}
				seen[p] = true
			}
			if len(n) == 0 {
				t.Errorf("%s has an empty need", r.Route)
			}
		}
	}
}

// A command's needs are computed once: a write that implies a read of the
// same objects leaves only the write.
func TestOfReducesToWhatTheCommandNeeds(t *testing.T) {
	got := Of(ReadApplications, WriteApplications, ReadApplications)
	if len(got) != 1 || got[0][0] != "Application.ReadWrite.All" {
		t.Fatalf("Of(read, write, read) = %v, want only Application.ReadWrite.All", got)
	}
	got = Of(ReadApplications, AddOwners)
	if len(got) != 2 {
		t.Fatalf("Of(read applications, add owners) = %v, want the two needs of adding an owner", got)
	}
}
