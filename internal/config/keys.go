package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/lazyregexp"
)

// Output formats accepted by the output key and -o/--output.
const (
	OutputText = "text"
	OutputJSON = "json"
)

// Outputs lists the valid output formats.
var Outputs = []string{OutputText, OutputJSON}

// Clouds lists the Microsoft clouds teamsctl can sign in to.
var Clouds = []string{"global", "usgov", "usgovhigh", "dod", "china"}

// Key describes one setting that may appear in a profile, in a TEAMSCTL_*
// variable and, for most keys, as a global flag of the same name.
type Key struct {
	Name    string
	Default string
	Help    string
	// Bool keys accept true/false (and 1/0) and are written unquoted.
	Bool  bool
	check func(string) error
}

// Env is the environment variable that sets the key, e.g. TEAMSCTL_LOGIN_URL.
func (k Key) Env() string {
	return "TEAMSCTL_" + strings.ToUpper(strings.ReplaceAll(k.Name, "-", "_"))
}

// Check reports whether value is valid for the key.
func (k Key) Check(value string) error {
	if k.Bool {
		if _, err := strconv.ParseBool(value); err != nil {
			return fmt.Errorf("%s must be true or false, not %q", k.Name, value)
		}
		return nil
	}
	if k.check == nil || value == "" {
		return nil
	}
	if err := k.check(value); err != nil {
		return fmt.Errorf("%s: %w", k.Name, err)
	}
	return nil
}

// keys is the single list of settings; Config fields, validation, the
// config commands and their help are all derived from it.
var keys = []Key{
	{Name: "tenant", Help: "Tenant ID (GUID) or verified domain, e.g. contoso.onmicrosoft.com", check: CheckTenant},
	{Name: "cloud", Default: "global", Help: "Microsoft cloud: " + strings.Join(Clouds, ", "), check: oneOf(Clouds)},
	{Name: "output", Default: OutputText, Help: "Result format: " + strings.Join(Outputs, ", "), check: oneOf(Outputs)},
	{Name: "login-url", Help: "Sign-in endpoint, overriding the cloud's (https)", check: CheckLoginURL},
	{Name: "graph-url", Help: "Microsoft Graph endpoint, overriding the cloud's (https; http only for localhost)", check: CheckEndpointURL},
	{Name: "ca-file", Help: "PEM file of extra certificate authorities to trust"},
	{Name: "client-id", Help: "Application (client) ID teamsctl signs in with", check: CheckGUID},
	{Name: "sandbox", Default: "false", Bool: true, Help: "Use the built-in emulated tenant instead of Microsoft"},
	{Name: "no-color", Default: "false", Bool: true, Help: "Never colour output"},
	{Name: "timeout", Default: "30m", Help: "Give up on a command after this long, e.g. 45m or 2h (0: never)", check: CheckTimeout},
}

// DefaultTimeout bounds every command. It fits the slowest honest run, a
// setup that signs in with a device code (up to 15 minutes for the user
// to enter it), waits for replication (up to 2 minutes per object) and
// for throttling (up to 2 minutes per request), with room to spare. The
// timeout key's default says the same.
const DefaultTimeout = 30 * time.Minute

// CheckTimeout accepts a Go duration of zero (no limit) or more.
func CheckTimeout(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return fmt.Errorf("%q is not a duration such as 30m or 1h30m (0: no limit)", v)
	}
	return nil
}

// Keys returns every setting in display order.
func Keys() []Key {
	return append([]Key(nil), keys...)
}

// KeyNames returns the names of every setting in display order.
func KeyNames() []string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	return names
}

// LookupKey finds a setting by name. The error lists the valid names.
func LookupKey(name string) (Key, error) {
	for _, k := range keys {
		if k.Name == name {
			return k, nil
		}
	}
	return Key{}, &UnknownKeyError{Name: name}
}

// UnknownKeyError is returned for a key that is not a setting.
type UnknownKeyError struct{ Name string }

func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("unknown config key %q; valid keys: %s", e.Name, strings.Join(KeyNames(), ", "))
}

func oneOf(valid []string) func(string) error {
	return func(v string) error {
		for _, ok := range valid {
			if v == ok {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", v, strings.Join(valid, ", "))
	}
}

var (
	guidPattern   = lazyregexp.New(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	domainPattern = lazyregexp.New(`^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$`)
)

// CheckGUID accepts an Entra object or application ID.
func CheckGUID(v string) error {
	if !guidPattern.MatchString(v) {
		return fmt.Errorf("%q is not a GUID (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", v)
	}
	return nil
}

// CheckTenant accepts a tenant ID (GUID) or a domain name such as
// contoso.onmicrosoft.com.
func CheckTenant(v string) error {
	if guidPattern.MatchString(v) || (len(v) <= 253 && domainPattern.MatchString(v)) {
		return nil
	}
	return fmt.Errorf("%q is neither a tenant ID (GUID) nor a domain such as contoso.onmicrosoft.com", v)
}

// CheckEndpointURL accepts an absolute https URL, or http for a loopback
// host (a local emulator or proxy), so tokens never cross a network in clear.
func CheckEndpointURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL such as https://graph.microsoft.com", v)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q uses http; use https (http is allowed only for localhost)", v)
	default:
		return fmt.Errorf("%q must use https", v)
	}
}

// CheckLoginURL accepts an absolute https URL: MSAL refuses an authority
// of any other scheme, loopback included.
func CheckLoginURL(v string) error {
	if err := CheckEndpointURL(v); err != nil {
		return err
	}
	if u, _ := url.Parse(v); u.Scheme != "https" {
		return fmt.Errorf("%q uses http; the sign-in endpoint must use https, even on localhost "+
			"(`teamsctl sandbox serve` serves https and prints the --ca-file to trust)", v)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var profileNamePattern = lazyregexp.New(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// CheckProfileName accepts names safe to use in file names and shell
// commands: letters, digits, '.', '_' and '-'.
func CheckProfileName(name string) error {
	if !profileNamePattern.MatchString(name) {
		return fmt.Errorf("profile name %q must start with a letter or digit and contain only letters, digits, '.', '_' and '-'", name)
	}
	return nil
}
