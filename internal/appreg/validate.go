package appreg

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Entra's redirect URI limits (entra-docs reply-url.md).
const (
	MaxRedirectURILength = 256
	MaxRedirectURIs      = 256
)

// disallowedURIChars are the characters Entra refuses in redirect URIs.
const disallowedURIChars = "!$'(),;"

// ValidateRedirectURI checks one redirect URI against Entra's rules before
// anything is sent: an absolute https URI (http only for localhost and
// 127.0.0.1), no fragment, no disallowed characters, at most 256
// characters. platform "public" also allows custom schemes (myapp://auth)
// as Entra does for mobile and desktop apps.
func ValidateRedirectURI(raw, platform string) error {
	if raw == "" {
		return errors.New("redirect URI is empty")
	}
	if len(raw) > MaxRedirectURILength {
		return fmt.Errorf("redirect URI %.40q... is %d characters; Entra allows at most %d", raw, len(raw), MaxRedirectURILength)
	}
	for _, r := range raw {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("redirect URI %q contains whitespace or a control character", raw)
		}
		if r > unicode.MaxASCII {
			return fmt.Errorf("redirect URI %q contains a non-ASCII character; percent-encode it", raw)
		}
	}
	if i := strings.IndexAny(raw, disallowedURIChars); i >= 0 {
		return fmt.Errorf("redirect URI %q contains %q; Entra does not allow any of %s", raw, raw[i], disallowedURIChars)
	}
	if strings.Contains(raw, "#") {
		return fmt.Errorf("redirect URI %q has a fragment (#...); Entra does not allow fragments", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("redirect URI %q is not a valid URI: %v", raw, err)
	}
	if u.Scheme == "" || !u.IsAbs() {
		return fmt.Errorf("redirect URI %q is not absolute; give it with its scheme, e.g. https://", raw)
	}
	scheme := strings.ToLower(u.Scheme)
	switch scheme {
	case "https":
		if u.Host == "" {
			return fmt.Errorf("redirect URI %q has no host", raw)
		}
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return fmt.Errorf("redirect URI %q uses http; Entra allows http only for localhost and 127.0.0.1: use https", raw)
		}
	default:
		if platform != "public" {
			return fmt.Errorf("redirect URI %q uses the scheme %s; web and spa redirect URIs must use https", raw, scheme)
		}
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("redirect URI %q has an invalid port", raw)
		}
	}
	if strings.Contains(u.Host, "*") && platform != "web" {
		return fmt.Errorf("redirect URI %q has a wildcard; Entra allows wildcards only in web redirect URIs of work or school apps", raw)
	}
	return nil
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.To4() != nil && ip.Equal(net.IPv4(127, 0, 0, 1))
}

// ValidateRedirectURIs checks every URI and the total count once added to
// existing (URIs already registered on all platforms).
func ValidateRedirectURIs(uris []string, platform string, existing int) error {
	var errs []error
	for _, u := range uris {
		if err := ValidateRedirectURI(u, platform); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if total := existing + len(uris); total > MaxRedirectURIs {
		return fmt.Errorf("%d redirect URIs in total; Entra allows at most %d per app", total, MaxRedirectURIs)
	}
	return nil
}

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
	bad := fmt.Errorf("expiry %q is neither a lifetime (180d, 26w, 6m, 1y) nor a date (2026-12-31)", s)
	unit := s[len(s)-1]
	num := s[:len(s)-1]
	day := 24 * time.Hour
	var per time.Duration
	switch unit {
	case 'd', 'D':
		per = day
	case 'w', 'W':
		per = 7 * day
	case 'm', 'M':
		per = 30 * day
	case 'y', 'Y':
		per = 365 * day
	default:
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, bad
		}
		return d, nil
	}
	if num == "" || len(num) > 5 {
		return 0, bad
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return 0, bad
	}
	return time.Duration(n) * per, nil
}
