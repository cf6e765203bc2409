package emulator

import (
	"sync"
	"testing"
	"time"
)

// TestUpsertApplication follows "Upsert application"
// (learn.microsoft.com/graph/api/application-upsert): 201 with the object
// when created, 204 when it existed, 404 without Prefer when missing, and
// uniqueName immutable once set. GET and DELETE address the same alternate
// key (the CSDL's AlternateKeys on application: appId, uniqueName).
func TestUpsertApplication(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	admin := g.token(upnAdmin, "Application.ReadWrite.All")
	path := "/v1.0/applications(uniqueName='app-65278')"
	body := map[string]any{"displayName": "Display name"}

	// Without the header: an update, and there is nothing to update.
	if res := g.do("PATCH", path, admin, body); res.Status != 404 || res.errCode() != "Request_ResourceNotFound" {
		t.Fatalf("PATCH without Prefer on a missing app: %d %s", res.Status, res.errCode())
	}
	created := g.must(201, g.do("PATCH", path, admin, body, "Prefer", "create-if-missing"))
	if created.str("uniqueName") != "app-65278" || created.str("displayName") != "Display name" || created.str("appId") == "" ||
		created.str("@odata.context") != "https://graph.microsoft.com/v1.0/$metadata#applications/$entity" {
		t.Fatalf("201 body: %v", created.Body)
	}
	// Existing: updated, 204 without a body, with or without the header.
	res := g.must(204, g.do("PATCH", path, admin, map[string]any{"displayName": "Renamed"}, "Prefer", "create-if-missing"))
	if res.Body != nil {
		t.Errorf("204 with a body: %v", res.Body)
	}
	g.must(204, g.do("PATCH", path, admin, map[string]any{"notes": "n"}))
	got := g.must(200, g.do("GET", path, admin, nil))
	if got.str("id") != created.str("id") || got.str("displayName") != "Renamed" || got.str("notes") != "n" {
		t.Errorf("GET by uniqueName: %v", got.Body)
	}
	// Immutable once set; the same value is no change.
	if res := g.do("PATCH", "/v1.0/applications/"+created.str("id"), admin, map[string]any{"uniqueName": "other"}); res.Status != 400 {
		t.Errorf("changing uniqueName: %d", res.Status)
	}
	g.must(204, g.do("PATCH", "/v1.0/applications/"+created.str("id"), admin, map[string]any{"uniqueName": "app-65278"}))
	// The body must carry displayName when creating, and may not name
	// another uniqueName.
	if res := g.do("PATCH", "/v1.0/applications(uniqueName='x2')", admin, map[string]any{"notes": "n"}, "Prefer", "create-if-missing"); res.Status != 400 {
		t.Errorf("create without displayName: %d", res.Status)
	}
	if res := g.do("PATCH", "/v1.0/applications(uniqueName='x2')", admin, map[string]any{"displayName": "x", "uniqueName": "x3"}, "Prefer", "create-if-missing"); res.Status != 400 {
		t.Errorf("create naming another uniqueName: %d", res.Status)
	}
	// Another app cannot take a uniqueName in use.
	other := g.must(201, g.do("POST", "/v1.0/applications", admin, map[string]any{"displayName": "Other"}))
	if res := g.do("PATCH", "/v1.0/applications/"+other.str("id"), admin, map[string]any{"uniqueName": "APP-65278"}); res.Status != 400 {
		t.Errorf("duplicate uniqueName: %d", res.Status)
	}
	g.must(204, g.do("DELETE", path, admin, nil))
	g.must(404, g.do("GET", path, admin, nil))
}

// TestUpsertApplicationIsAtomic: concurrent upserts of one uniqueName make
// one application, also while it has not replicated: the later ones
// conflict until it has, then update it.
func TestUpsertApplicationIsAtomic(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{ReplicationLag: 30 * time.Second})
	admin := g.token(upnAdmin, "Application.ReadWrite.All")
	path := "/v1.0/applications(uniqueName='teamsctl-race')"
	statuses := make([]int, 8)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = g.do("PATCH", path, admin, map[string]any{"displayName": "Race"}, "Prefer", "create-if-missing").Status
		})
	}
	wg.Wait()
	created, conflicts := 0, 0
	for _, s := range statuses {
		switch s {
		case 201:
			created++
		case 400:
			conflicts++
		}
	}
	if created != 1 || conflicts != len(statuses)-1 {
		t.Fatalf("statuses %v: want one 201 and conflicts", statuses)
	}
	res := g.do("PATCH", path, admin, map[string]any{"displayName": "Race"}, "Prefer", "create-if-missing")
	if res.Status != 400 || res.errMessage() != "Another object with the same value for property uniqueName already exists." {
		t.Errorf("upsert during lag: %d %q", res.Status, res.errMessage())
	}
	// Without the header an unreplicated object is not found, as for any
	// PATCH during replication.
	g.must(404, g.do("PATCH", path, admin, map[string]any{"displayName": "Race"}))
	g.clock.Advance(31 * time.Second)
	g.must(204, g.do("PATCH", path, admin, map[string]any{"displayName": "Race"}, "Prefer", "create-if-missing"))
	n := 0
	g.tenant(func(tn *Tenant) {
		for _, a := range tn.Applications {
			if a.UniqueName == "teamsctl-race" {
				n++
			}
		}
	})
	if n != 1 {
		t.Errorf("%d applications with the uniqueName", n)
	}
}

// TestUpsertApplicationPermissions: creating by upsert needs what creating
// needs (Application.ReadWrite.OwnedBy for an app, and the caller owns the
// result), not ownership of an existing application.
func TestUpsertApplicationPermissions(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	admin := g.token(upnAdmin, "Application.ReadWrite.All")
	client := g.must(201, g.do("POST", "/v1.0/applications", admin, map[string]any{"displayName": "Automation"}))
	g.must(201, g.do("POST", "/v1.0/servicePrincipals", admin, map[string]any{"appId": client.str("appId")}))
	owned := g.appToken(client.str("appId"), "Application.ReadWrite.OwnedBy")
	g.must(201, g.do("PATCH", "/v1.0/applications(uniqueName='owned-1')", owned, map[string]any{"displayName": "Owned"}, "Prefer", "create-if-missing"))
	g.must(204, g.do("PATCH", "/v1.0/applications(uniqueName='owned-1')", owned, map[string]any{"displayName": "Owned"}, "Prefer", "create-if-missing"))
	g.must(201, g.do("PATCH", "/v1.0/applications(uniqueName='admins')", admin, map[string]any{"displayName": "Admins'"}, "Prefer", "create-if-missing"))
	if res := g.do("PATCH", "/v1.0/applications(uniqueName='admins')", owned, map[string]any{"displayName": "x"}, "Prefer", "create-if-missing"); res.Status != 403 {
		t.Errorf("OwnedBy updating another's app: %d", res.Status)
	}
	reader := g.token(upnAdmin, "Application.Read.All")
	if res := g.do("PATCH", "/v1.0/applications(uniqueName='r')", reader, map[string]any{"displayName": "x"}, "Prefer", "create-if-missing"); res.Status != 403 {
		t.Errorf("read-only token creating: %d", res.Status)
	}
}

// TestUpsertServicePrincipal follows "Upsert servicePrincipal"
// (learn.microsoft.com/graph/api/serviceprincipal-upsert): 201 with the
// object when created, 204 when it existed; the errors of POST while the
// application replicates or the service principal does.
func TestUpsertServicePrincipal(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{ReplicationLag: 30 * time.Second})
	admin := g.token(upnAdmin, "Application.ReadWrite.All")
	app := g.must(201, g.do("POST", "/v1.0/applications", admin, map[string]any{"displayName": "Instance"}))
	path := "/v1.0/servicePrincipals(appId='" + app.str("appId") + "')"

	if res := g.do("PATCH", path, admin, map[string]any{}, "Prefer", "create-if-missing"); res.Status != 400 || res.errCode() != "Request_BadRequest" {
		t.Errorf("upsert before the app replicated: %d %s", res.Status, res.errCode())
	}
	g.clock.Advance(31 * time.Second)
	if res := g.do("PATCH", path, admin, map[string]any{"displayName": "x"}); res.Status != 404 {
		t.Errorf("PATCH without Prefer on a missing service principal: %d", res.Status)
	}
	created := g.must(201, g.do("PATCH", path, admin, map[string]any{"displayName": "My app instance"}, "Prefer", "create-if-missing"))
	if created.str("appId") != app.str("appId") || created.str("displayName") != "My app instance" || created.Body["accountEnabled"] != true {
		t.Errorf("201 body: %v", created.Body)
	}
	// Created moments ago and not replicated: its name is taken.
	if res := g.do("PATCH", path, admin, map[string]any{}, "Prefer", "create-if-missing"); res.Status != 409 || res.errCode() != "Request_MultipleObjectsWithSameKeyValue" {
		t.Errorf("upsert while the service principal replicates: %d %s", res.Status, res.errCode())
	}
	g.clock.Advance(31 * time.Second)
	g.must(204, g.do("PATCH", path, admin, map[string]any{"appRoleAssignmentRequired": true}, "Prefer", "create-if-missing"))
	got := g.must(200, g.do("GET", path, admin, nil))
	if got.str("id") != created.str("id") || got.Body["appRoleAssignmentRequired"] != true {
		t.Errorf("after the update: %v", got.Body)
	}
	if res := g.do("PATCH", path, admin, map[string]any{"appId": "00000000-0000-0000-0000-000000000001"}, "Prefer", "create-if-missing"); res.Status != 400 {
		t.Errorf("changing appId: %d", res.Status)
	}
}
