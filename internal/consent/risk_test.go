package consent

import (
	"slices"
	"testing"
)

func TestHighPrivilege(t *testing.T) {
	got := HighPrivilege([]string{"User.Read", "Calendars.ReadWrite", "Mail.ReadWrite", "Files.ReadWrite.All", "Directory.Read.All",
		"AppRoleAssignment.ReadWrite.All", "RoleManagement.Read.Directory", "User.Read.All"})
	want := []string{"Files.ReadWrite.All", "Directory.Read.All", "AppRoleAssignment.ReadWrite.All", "RoleManagement.Read.Directory"}
	if !slices.Equal(got, want) {
		t.Fatalf("HighPrivilege = %v, want %v", got, want)
	}
	if name, ok := SharedMicrosoftClient("14D82EEC-204B-4C2F-B7E8-296A70DAB67E"); !ok || name != "Microsoft Graph Command Line Tools" {
		t.Fatalf("SharedMicrosoftClient = %q %v", name, ok)
	}
	if _, ok := SharedMicrosoftClient("5e1b2c3d-4a5b-4c6d-8e7f-0a1b2c3d4e5f"); ok {
		t.Fatal("a vendor's app is not a shared Microsoft client")
	}
}
