package integrations

import (
	"testing"
	"time"
)

func TestIsMeetingPermission(t *testing.T) {
	for v, want := range map[string]bool{
		"OnlineMeetings.ReadWrite": true, "Calendars.Read": true, "calendars.readwrite.shared": true,
		"Mail.Send": true, "MailboxSettings.Read": true, "Place.Read.All": true,
		"OnlineMeetingTranscript.Read.All": true, "User.Read": false, "offline_access": false,
		"Directory.Read.All": false, "MailTips": false,
	} {
		if got := IsMeetingPermission(v); got != want {
			t.Errorf("IsMeetingPermission(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestCredentialStatus(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	window := 30 * 24 * time.Hour
	for _, tc := range []struct {
		end    time.Time
		status string
		days   int
	}{
		{now.Add(10*24*time.Hour - time.Minute), CredentialExpiring, 10},
		{now.Add(30 * 24 * time.Hour), CredentialExpiring, 30},
		{now.Add(31 * 24 * time.Hour), CredentialValid, 31},
		{now, CredentialExpired, 0},
		{now.Add(-36 * time.Hour), CredentialExpired, -1},
	} {
		c := credential("secret", "k", "", tc.end, now, window)
		if c.Status != tc.status || c.DaysLeft != tc.days {
			t.Errorf("end %s: %s, %d days; want %s, %d", tc.end, c.Status, c.DaysLeft, tc.status, tc.days)
		}
	}
}
