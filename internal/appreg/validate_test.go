package appreg

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)

func TestParseExpiry(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{"180d", now.Add(180 * 24 * time.Hour), ""},
		{"26w", now.Add(26 * 7 * 24 * time.Hour), ""},
		{"1y", now.Add(365 * 24 * time.Hour), ""},
		{"2026-12-31", time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), ""},
		{"2020-01-01", time.Time{}, "in the past"},
		{"3y", time.Time{}, "two years"},
		{"0d", time.Time{}, "not a positive"},
		{"soon", time.Time{}, "neither a lifetime"},
		{"", time.Time{}, "empty"},
	}
	for _, tt := range tests {
		got, err := ParseExpiry(tt.in, now)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("%q: got %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseExpiry(f *testing.F) {
	for _, s := range []string{"180d", "2026-12-31", "1y", "720h", "99999d", "-1d", "2026-02-30", "2026-12-31T10:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		end, err := ParseExpiry(s, now)
		if err != nil {
			return
		}
		if !end.After(now) || end.Sub(now) > MaxSecretLifetime+24*time.Hour {
			t.Fatalf("%q accepted as %v", s, end)
		}
		_ = fmt.Sprint(end)
	})
}
