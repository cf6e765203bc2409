package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// teamsctlClientID is the app teamsctl signs users in with (Microsoft
// Graph Command Line Tools): its consent belongs to the admin's sign-in,
// not to any vendor's setup.
const teamsctlClientID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"

// cmdTenantState writes what a vendor setup may change in the sandbox's
// tenants, read from the last command's stdout (`teamsctl sandbox dump`),
// to FILE: every tenant's objects and settings, without the sign-in log
// and without the consent given to teamsctl's own sign-in. Two snapshots
// compared with cmp show whether an undo left the tenant as it was:
//
//	exec teamsctl sandbox dump
//	tenantstate before.json
func cmdTenantState(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: tenantstate FILE")
	}
	var dump struct {
		Tenants []map[string]json.RawMessage `json:"tenants"`
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile("stdout")), &dump))
	for _, t := range dump.Tenants {
		delete(t, "signIns")
		var sps []struct {
			ID    string `json:"id"`
			AppID string `json:"appId"`
		}
		if raw, ok := t["servicePrincipals"]; ok {
			ts.Check(json.Unmarshal(raw, &sps))
		}
		own := map[string]bool{}
		for _, sp := range sps {
			if strings.EqualFold(sp.AppID, teamsctlClientID) {
				own[sp.ID] = true
			}
		}
		raw, ok := t["oauth2PermissionGrants"]
		if !ok {
			continue
		}
		var grants []map[string]any
		ts.Check(json.Unmarshal(raw, &grants))
		kept := []map[string]any{}
		for _, g := range grants {
			if id, _ := g["clientId"].(string); !own[id] {
				kept = append(kept, g)
			}
		}
		b, err := json.Marshal(kept)
		ts.Check(err)
		t["oauth2PermissionGrants"] = b
	}
	out, err := json.MarshalIndent(dump.Tenants, "", " ")
	ts.Check(err)
	ts.Check(os.WriteFile(filepath.Join(ts.Getenv("WORK"), args[0]), append(out, '\n'), 0o600))
}
