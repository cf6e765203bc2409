// Package redirecturi holds Entra's rules for redirect URIs, checked
// before anything is sent: by app create and app redirect add, and when a
// preset file is read (its redirect URI templates).
package redirecturi

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// Entra's redirect URI limits (entra-docs reply-url.md).
const (
	MaxLength = 256
	MaxCount  = 256
)

// disallowedURIChars are the characters Entra refuses in redirect URIs.
const disallowedURIChars = "!$'(),;"

// Validate checks one redirect URI against Entra's rules before
// anything is sent: an absolute https URI (http only for localhost and
// 127.0.0.1), no fragment, no disallowed characters, at most 256
// characters. platform "public" also allows custom schemes (myapp://auth)
// as Entra does for mobile and desktop apps.
func Validate(raw, platform string) error {
	if raw == "" {
		return errors.New("redirect URI is empty")
	}
	if len(raw) > MaxLength {
		return fmt.Errorf("redirect URI %.40q... is %d characters; Entra allows at most %d", raw, len(raw), MaxLength)
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

// ValidateAll checks every URI and the total count once added to
// existing (URIs already registered on all platforms).
func ValidateAll(uris []string, platform string, existing int) error {
	var errs []error
	for _, u := range uris {
		if err := Validate(u, platform); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if total := existing + len(uris); total > MaxCount {
		return fmt.Errorf("%d redirect URIs in total; Entra allows at most %d per app", total, MaxCount)
	}
	return nil
}
