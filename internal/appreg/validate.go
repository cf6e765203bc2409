package appreg

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/presets"
)

// MaxSecretLifetime is the longest lifetime Entra accepts for a secret.
const MaxSecretLifetime = 2 * 365 * 24 * time.Hour

// ParseExpiry parses --secret-expires: a duration in days, weeks, months
// or years (180d, 26w, 6m, 1y; also Go durations such as 720h) counted from
// now, or a date (2026-12-31, end of that day UTC) or RFC 3339 time. The
// result must lie in the future and within Entra's two-year maximum.
func ParseExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("expiry is empty; give a lifetime such as 180d or a date such as 2026-12-31")
	}
	var end time.Time
	if t, err := time.Parse("2006-01-02", s); err == nil {
		end = t.Add(24*time.Hour - time.Second)
	} else if t, err := time.Parse(time.RFC3339, s); err == nil {
		end = t
	} else {
		d, err := parseLifetime(s)
		if err != nil {
			return time.Time{}, err
		}
		if d <= 0 {
			return time.Time{}, fmt.Errorf("expiry %q is not a positive lifetime", s)
		}
		end = now.Add(d)
	}
	end = end.UTC()
	if !end.After(now) {
		return time.Time{}, fmt.Errorf("expiry %s is in the past; give a future date or a lifetime such as 180d", end.Format("2006-01-02"))
	}
	if end.Sub(now) > MaxSecretLifetime+24*time.Hour {
		return time.Time{}, fmt.Errorf("expiry %s is more than two years away; Entra allows secrets of at most two years (730d)", end.Format("2006-01-02"))
	}
	return end, nil
}

func parseLifetime(s string) (time.Duration, error) {
	d, err := presets.ParseSpan(s)
	if err != nil {
		return 0, fmt.Errorf("expiry %q is neither a lifetime (180d, 26w, 6m, 1y) nor a date (2026-12-31)", s)
	}
	return d, nil
}
