package main

import (
	"os"
	"path/filepath"

	"github.com/rogpeppe/go-internal/testscript"
)

// Sandbox placeholders for the vendor-hosted apps whose vendors do not
// publish their appId (eRecruiter, onlyfy, Recruitee): the setup journeys
// pass them with --app-id. They exist only in test fixtures, never in the
// built-in Contoso seed.
const vendorTenants = `
  # Test-only vendor tenants (setup journeys): placeholder appIds.
  - id: 7e1d2c3b-4a5f-4e6d-8c7b-9a0b1c2d3e4f
    displayName: Recruiting vendors (test)
    domains:
      - {name: vendors.example.invalid, isDefault: true, isInitial: true}
    applications:
      - appId: 11111111-2222-4333-8444-555555555501
        displayName: eRecruiter
        signInAudience: AzureADMultipleOrgs
        webRedirectUris: [https://erecruiter.example.invalid/oauth]
      - appId: 11111111-2222-4333-8444-555555555502
        displayName: onlyfy
        signInAudience: AzureADMultipleOrgs
        webRedirectUris: [https://onlyfy.example.invalid/oauth]
      - appId: 11111111-2222-4333-8444-555555555503
        displayName: Recruitee Mail
        signInAudience: AzureADMultipleOrgs
        webRedirectUris: [https://recruitee.example.invalid/mail]
      - appId: 11111111-2222-4333-8444-555555555504
        displayName: Recruitee Calendar
        signInAudience: AzureADMultipleOrgs
        webRedirectUris: [https://recruitee.example.invalid/calendar]
      - appId: 11111111-2222-4333-8444-555555555505
        displayName: Recruitee Rooms
        signInAudience: AzureADMultipleOrgs
        webRedirectUris: [https://recruitee.example.invalid/rooms]
    authorizationPolicy:
      permissionGrantPoliciesAssigned: []
    adminConsentRequestPolicy: {}
    defaultAppManagementPolicy: {}
`

// cmdVendorSeed writes the Contoso seed plus the test vendors' tenant to
// FILE, for `teamsctl sandbox reset --seed FILE`:
//
//	vendorseed FILE
func cmdVendorSeed(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: vendorseed FILE")
	}
	raw, err := os.ReadFile(filepath.Join(repoRoot(), "internal", "emulator", "seeds", "contoso.yaml"))
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), append(raw, vendorTenants...), 0o600))
}

// repoRoot is the module root (tests run in cmd/teamsctl).
func repoRoot() string {
	wd, _ := os.Getwd()
	return filepath.Join(wd, "..", "..")
}
