// Package presets holds what each recruiting vendor asks a customer's IT
// admin to set up, as data: one YAML file per vendor (and variant), embedded
// in the binary, plus organisations' own files (--preset-file). A preset
// fills the permissions, redirect URIs and expectations of app create,
// consent grant, doctor, meeting test and setup.
package presets

import (
	"bytes"
	"cmp"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/teamsctl/teamsctl/internal/lazyregexp"
	"github.com/teamsctl/teamsctl/internal/redirecturi"
)

//go:embed data/*.yaml
var builtIn embed.FS

// Integration shapes (vendors.md): the vendor owns a multi-tenant app the
// customer consents to, or the customer registers an app for the vendor.
const (
	VendorHosted       = "vendor-hosted"
	CustomerRegistered = "customer-registered"
)

// Meeting kinds an integration creates.
const (
	MeetingOnline = "online-meeting" // POST onlineMeetings: a join link, no calendar entry
	MeetingEvent  = "event"          // POST events with a Teams meeting: an Outlook invitation
	MeetingNone   = "none"           // mail or calendar sync only
)

// Preset describes one vendor integration. Field names are the YAML keys;
// docs/presets.md documents them.
type Preset struct {
	Name    string `yaml:"name" json:"name"`
	Vendor  string `yaml:"vendor" json:"vendor"`
	Product string `yaml:"product" json:"product"`
	// Summary is one line for `presets list`.
	Summary string `yaml:"summary" json:"summary"`
	Shape   string `yaml:"shape" json:"shape"`
	// AppID is the vendor's multi-tenant appId (vendor-hosted); empty when
	// the vendor does not publish it, and setup then asks for --app-id.
	AppID string `yaml:"appId,omitempty" json:"appId,omitempty"`
	// SandboxAppID is the sandbox's stand-in for a vendor app whose appId
	// the vendor does not publish: an app of that appId exists in the
	// vendor's tenant of the sandbox only. `setup --sandbox` uses it when
	// --app-id is not given; a real tenant never sees it.
	SandboxAppID string `yaml:"sandboxAppId,omitempty" json:"sandboxAppId,omitempty"`
	// VerifiedPublisher is the verified publisher Entra shows for the
	// vendor's app (vendor-hosted), when the vendor is one.
	VerifiedPublisher string `yaml:"verifiedPublisher,omitempty" json:"verifiedPublisher,omitempty"`
	// AppName is the default display name of a customer-registered app.
	AppName string `yaml:"appName,omitempty" json:"appName,omitempty"`
	// Platform of the redirect URIs: web, spa or public.
	Platform string `yaml:"platform,omitempty" json:"platform,omitempty"`
	// RedirectURIs may contain {instance}, the customer's vendor instance URL.
	RedirectURIs []string  `yaml:"redirectUris,omitempty" json:"redirectUris,omitempty"`
	Instance     *Instance `yaml:"instance,omitempty" json:"instance,omitempty"`
	// Delegated and Application are Microsoft Graph permission names.
	Delegated   []string `yaml:"delegated,omitempty" json:"delegated,omitempty"`
	Application []string `yaml:"application,omitempty" json:"application,omitempty"`
	Secret      *Secret  `yaml:"secret,omitempty" json:"secret,omitempty"`
	// Handoff lists what the vendor needs back: tenantId, primaryDomain,
	// clientId, secret, redirectUris.
	Handoff []string `yaml:"handoff,omitempty" json:"handoff,omitempty"`
	// AssignmentRequired: the vendor recommends restricting the app to
	// assigned users (setup assigns --group when given).
	AssignmentRequired bool  `yaml:"assignmentRequired,omitempty" json:"assignmentRequired,omitempty"`
	Teams              Teams `yaml:"teams" json:"teams"`
	// Requires is what each recruiter needs for the integration to work;
	// doctor checks only what the integration needs.
	Requires *Requires `yaml:"requires,omitempty" json:"requires,omitempty"`
	Notes    []Note    `yaml:"notes,omitempty" json:"notes,omitempty"`

	// Source is the file the preset was read from (the built-in file name
	// or the --preset-file path), for errors found when it is used.
	Source  string `yaml:"-" json:"-"`
	builtIn bool
}

// Instance describes the {instance} placeholder of redirect URIs.
type Instance struct {
	Default     string `yaml:"default,omitempty" json:"default,omitempty"`
	Description string `yaml:"description" json:"description"`
	Example     string `yaml:"example,omitempty" json:"example,omitempty"`
}

// Secret says whether the integration needs a client secret and for how long.
type Secret struct {
	Required bool   `yaml:"required" json:"required"`
	Name     string `yaml:"name,omitempty" json:"name,omitempty"`
	// Expires is the default lifetime, e.g. 180d or 1y.
	Expires string `yaml:"expires,omitempty" json:"expires,omitempty"`
}

// Teams describes what the integration needs from Teams.
type Teams struct {
	Meeting string `yaml:"meeting" json:"meeting"`
	// ApplicationAccessPolicy: app-only meeting creation needs a Teams
	// application access policy (Teams PowerShell).
	ApplicationAccessPolicy bool `yaml:"applicationAccessPolicy,omitempty" json:"applicationAccessPolicy,omitempty"`
	// ApplicationAccessPolicyName is the policy's name (its -Identity in
	// Teams PowerShell); DefaultAccessPolicyName when empty.
	ApplicationAccessPolicyName string `yaml:"applicationAccessPolicyName,omitempty" json:"applicationAccessPolicyName,omitempty"`
	// LobbyNotes are the vendor's meeting-policy requests (anonymous join,
	// lobby bypass), which only the Teams admin center can apply.
	LobbyNotes string `yaml:"lobbyNotes,omitempty" json:"lobbyNotes,omitempty"`
}

// Requires says what each recruiter needs. Teams and Mailbox left out are
// derived from the meeting kind and permissions (NeedsTeams,
// NeedsMailbox).
type Requires struct {
	// Teams: a Microsoft Teams licence (to organise Teams meetings).
	Teams *bool `yaml:"teams,omitempty" json:"teams,omitempty"`
	// Mailbox: an Exchange Online mailbox (mail, calendar, invitations).
	Mailbox *bool `yaml:"mailbox,omitempty" json:"mailbox,omitempty"`
	// Rooms: the integration lists the tenant's meeting rooms (room
	// mailboxes), so they must be set up in Exchange.
	Rooms bool `yaml:"rooms,omitempty" json:"rooms,omitempty"`
	// Licences the vendor supports: each recruiter holds one of the SKUs
	// of every entry.
	Licences []Licence `yaml:"licences,omitempty" json:"licences,omitempty"`
}

// Licence is a licence requirement: one of SKUs (skuPartNumber values, as
// in Microsoft's licensing service plan reference), named for people.
type Licence struct {
	Name string   `yaml:"name" json:"name"`
	SKUs []string `yaml:"skus" json:"skus"`
}

// DefaultAccessPolicyName names the Teams application access policy of an
// integration whose preset names none (and of `sandbox teams-policy`).
const DefaultAccessPolicyName = "recruiting-apps"

// AccessPolicyName is the name of the integration's Teams application
// access policy: the preset's, else DefaultAccessPolicyName.
func (p *Preset) AccessPolicyName() string {
	if p == nil || p.Teams.ApplicationAccessPolicyName == "" {
		return DefaultAccessPolicyName
	}
	return p.Teams.ApplicationAccessPolicyName
}

// policyNameRE is what teamsctl accepts as a policy name: it is pasted
// into PowerShell unquoted.
var policyNameRE = lazyregexp.New(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// NeedsTeams says whether recruiters need a Microsoft Teams licence: as
// the preset states, else whenever the integration creates meetings.
func (p *Preset) NeedsTeams() bool {
	if p.Requires != nil && p.Requires.Teams != nil {
		return *p.Requires.Teams
	}
	return p.Teams.Meeting != MeetingNone
}

// NeedsMailbox says whether recruiters need an Exchange Online mailbox: as
// the preset states, else for Outlook invitations and for mail or calendar
// permissions.
func (p *Preset) NeedsMailbox() bool {
	if p.Requires != nil && p.Requires.Mailbox != nil {
		return *p.Requires.Mailbox
	}
	if p.Teams.Meeting == MeetingEvent {
		return true
	}
	for _, s := range append(slices.Clone(p.Delegated), p.Application...) {
		l := strings.ToLower(s)
		if strings.HasPrefix(l, "mail.") || strings.HasPrefix(l, "calendars.") {
			return true
		}
	}
	return false
}

// Note is one of the vendor's own caveats.
type Note struct {
	Text string `yaml:"text" json:"text"`
}

// Handoff values a preset may list.
var handoffValues = []string{"tenantId", "primaryDomain", "clientId", "secret", "redirectUris", "consentUrl"}

// List returns the built-in presets, sorted by name.
func List() ([]*Preset, error) {
	entries, err := fs.ReadDir(builtIn, "data")
	if err != nil {
		return nil, err
	}
	var out []*Preset
	for _, e := range entries {
		p, err := loadBuiltIn(e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *Preset) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Get returns a built-in preset by name, or an error listing the names.
func Get(name string) (*Preset, error) {
	all, err := List()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, p := range all {
		if strings.EqualFold(p.Name, name) {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return nil, &UnknownPresetError{Name: name, Known: names}
}

// UnknownPresetError names a preset that does not exist.
type UnknownPresetError struct {
	Name  string
	Known []string
}

func (e *UnknownPresetError) Error() string {
	return fmt.Sprintf("no preset %q; presets: %s", e.Name, strings.Join(e.Known, ", "))
}

// Hint implements the hint convention (cmdutil.HintFor). A vendor with
// several presets (recruitee-calendar, recruitee-mail, ...) is named by
// its variants.
func (e *UnknownPresetError) Hint() string {
	var variants []string
	for _, k := range e.Known {
		if strings.HasPrefix(k, strings.ToLower(e.Name)+"-") {
			variants = append(variants, k)
		}
	}
	hint := "Run 'teamsctl presets list', or describe your own with --preset-file FILE."
	if len(variants) > 0 {
		hint = fmt.Sprintf("%s has one preset per integration: %s. ", e.Name, strings.Join(variants, ", ")) + hint
	}
	return hint
}

func loadBuiltIn(file string) (*Preset, error) {
	raw, err := builtIn.ReadFile(path.Join("data", file))
	if err != nil {
		return nil, err
	}
	p, err := Parse(file, raw)
	if err != nil {
		return nil, fmt.Errorf("built-in preset: %w", err)
	}
	p.builtIn = true
	return p, nil
}

// MaxFileBytes bounds a preset file. A vendor's page is a few hundred
// bytes of YAML; anything near this size is not a preset, and is refused
// before it is decoded.
const MaxFileBytes = 256 << 10

// Load reads an organisation's preset file, at most MaxFileBytes of it.
func Load(file string) (*Preset, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("read preset file: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, &FieldError{File: file, Msg: "is a directory, not a preset file"}
	}
	raw, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read preset file: %w", err)
	}
	return Parse(file, raw)
}

// FieldError points at the field of a preset file that is wrong.
type FieldError struct {
	File  string
	Line  int // 0 when unknown
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Field == "" {
		return fmt.Sprintf("preset %s: %s", loc, e.Msg)
	}
	return fmt.Sprintf("preset %s: %s: %s", loc, e.Field, e.Msg)
}

// Hint implements the hint convention (cmdutil.HintFor).
func (e *FieldError) Hint() string {
	return "docs/presets.md describes every field; 'teamsctl presets show teams-meetings -o json' is a complete example."
}

var (
	yamlLineRE         = lazyregexp.New(`line (\d+): (.*)`)
	yamlUnknownFieldRE = lazyregexp.New(`field (\S+) not found`)
)

// Parse decodes and validates a preset. Unknown fields, wrong types and
// invalid values are errors that name the field (and the line where the
// YAML decoder knows it).
func Parse(file string, raw []byte) (*Preset, error) {
	if len(raw) > MaxFileBytes {
		return nil, &FieldError{File: file, Msg: fmt.Sprintf("is larger than %d KiB; a preset is a few hundred bytes of YAML (docs/presets.md)", MaxFileBytes>>10)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var p Preset
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &FieldError{File: file, Msg: "is empty; a preset needs at least name, vendor, shape, delegated or application, and teams.meeting (docs/presets.md has an example)"}
		}
		return nil, yamlFieldError(file, err)
	}
	if err := p.validate(file); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) && fe.Line == 0 && fe.Field != "" {
			fe.Line = lineOf(raw, fe.Field)
		}
		return nil, err
	}
	p.Source = file
	return &p, nil
}

func yamlFieldError(file string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		err = errors.New(te.Errors[0])
	}
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line := 0
		fmt.Sscanf(m[1], "%d", &line)
		msg := m[2]
		field := ""
		if f := yamlUnknownFieldRE.FindStringSubmatch(msg); f != nil {
			field, msg = f[1], "unknown field"
		}
		return &FieldError{File: file, Line: line, Field: field, Msg: msg}
	}
	return &FieldError{File: file, Msg: err.Error()}
}

var nameRE = lazyregexp.New(`^[a-z0-9][a-z0-9-]{0,62}$`)

func (p *Preset) validate(file string) error {
	bad := func(field, format string, args ...any) error {
		return &FieldError{File: file, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case p.Name == "":
		return bad("name", "is required")
	case !nameRE.MatchString(p.Name):
		return bad("name", "%q must be lower-case letters, digits and dashes", p.Name)
	case p.Vendor == "":
		return bad("vendor", "is required")
	case p.Shape != VendorHosted && p.Shape != CustomerRegistered:
		return bad("shape", "%q must be %s or %s", p.Shape, VendorHosted, CustomerRegistered)
	case p.AppID != "" && !guidRE.MatchString(p.AppID):
		return bad("appId", "%q is not an application (client) id (a GUID)", p.AppID)
	case p.Shape == CustomerRegistered && p.AppID != "":
		return bad("appId", "a customer-registered integration has no vendor appId; the app is created in your tenant")
	case p.Shape == CustomerRegistered && p.VerifiedPublisher != "":
		return bad("verifiedPublisher", "only a vendor-hosted app has a vendor's publisher; an app registered in your tenant counts as your own")
	case p.SandboxAppID != "" && !guidRE.MatchString(p.SandboxAppID):
		return bad("sandboxAppId", "%q is not an application (client) id (a GUID)", p.SandboxAppID)
	case p.SandboxAppID != "" && (p.Shape != VendorHosted || p.AppID != ""):
		return bad("sandboxAppId", "only for a vendor-hosted integration whose vendor publishes no appId")
	case len(p.Delegated)+len(p.Application) == 0:
		return bad("delegated", "a preset needs delegated or application permissions")
	}
	if err := p.validatePermissions(bad); err != nil {
		return err
	}
	if err := p.validateRedirects(bad); err != nil {
		return err
	}
	if err := p.validateSecretAndHandoff(bad); err != nil {
		return err
	}
	switch p.Teams.Meeting {
	case MeetingOnline, MeetingEvent, MeetingNone:
	default:
		return bad("teams.meeting", "%q must be %s, %s or %s", p.Teams.Meeting, MeetingOnline, MeetingEvent, MeetingNone)
	}
	if p.Teams.ApplicationAccessPolicy && len(p.Application) == 0 {
		return bad("teams.applicationAccessPolicy", "only applies to application permissions; the preset has none")
	}
	if n := p.Teams.ApplicationAccessPolicyName; n != "" {
		if !p.Teams.ApplicationAccessPolicy {
			return bad("teams.applicationAccessPolicyName", "names a policy, but teams.applicationAccessPolicy is not true")
		}
		if !policyNameRE.MatchString(n) {
			return bad("teams.applicationAccessPolicyName", "%q: use letters, digits, '.', '_' and '-' (at most 64)", n)
		}
	}
	return p.validateRequires(bad)
}

// skuRE is the syntax of skuPartNumber values (O365_BUSINESS_PREMIUM,
// "O365_w/o Teams Bundle_M3").
var skuRE = lazyregexp.New(`^[A-Za-z0-9][A-Za-z0-9_ ./()+-]{0,99}$`)

func (p *Preset) validateRequires(bad func(string, string, ...any) error) error {
	if p.Requires == nil {
		return nil
	}
	for i, l := range p.Requires.Licences {
		f := fmt.Sprintf("requires.licences[%d]", i)
		if strings.TrimSpace(l.Name) == "" {
			return bad(f+".name", "is required: say which licences these are, e.g. Microsoft 365 Business plans")
		}
		if len(l.SKUs) == 0 {
			return bad(f+".skus", "list at least one skuPartNumber, e.g. O365_BUSINESS_PREMIUM")
		}
		for j, s := range l.SKUs {
			if !skuRE.MatchString(s) {
				return bad(fmt.Sprintf("%s.skus[%d]", f, j), "%q is not a skuPartNumber (e.g. O365_BUSINESS_PREMIUM)", s)
			}
		}
	}
	return nil
}

var guidRE = lazyregexp.New(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// permissionRE is the syntax of Graph permission names; whether a name
// exists is checked against the tenant when the preset is used (Resolve).
var permissionRE = lazyregexp.New(`^[A-Za-z][A-Za-z0-9._-]{1,99}$`)

func (p *Preset) validatePermissions(bad func(string, string, ...any) error) error {
	for field, names := range map[string][]string{"delegated": p.Delegated, "application": p.Application} {
		seen := map[string]bool{}
		for i, n := range names {
			f := fmt.Sprintf("%s[%d]", field, i)
			if !permissionRE.MatchString(n) {
				return bad(f, "%q is not a permission name (e.g. User.Read)", n)
			}
			if seen[strings.ToLower(n)] {
				return bad(f, "%s is listed twice", n)
			}
			seen[strings.ToLower(n)] = true
		}
	}
	return nil
}

func (p *Preset) validateRedirects(bad func(string, string, ...any) error) error {
	switch p.Platform {
	case "", "web", "spa", "public":
	default:
		return bad("platform", "%q must be web, spa or public", p.Platform)
	}
	if p.Shape == VendorHosted && len(p.RedirectURIs) > 0 {
		return bad("redirectUris", "a vendor-hosted app's redirect URIs are the vendor's; leave them out")
	}
	if len(p.RedirectURIs) > redirecturi.MaxCount {
		return bad("redirectUris", "has %d URIs; Entra allows at most %d per app", len(p.RedirectURIs), redirecturi.MaxCount)
	}
	platform := cmp.Or(p.Platform, "web")
	usesInstance := false
	for i, u := range p.RedirectURIs {
		field := fmt.Sprintf("redirectUris[%d]", i)
		if slices.Contains(p.RedirectURIs[:i], u) {
			return bad(field, "%s is listed twice", u)
		}
		rest, placeholder := strings.CutPrefix(u, "{instance}")
		if strings.Contains(rest, "{instance}") || (placeholder && rest != "" && !strings.HasPrefix(rest, "/")) {
			return bad(field, "%q: {instance} stands for https://HOST[:PORT] and must begin the URI, e.g. {instance}/oauth/callback", u)
		}
		if strings.Contains(rest, "{") {
			return bad(field, "%q has a placeholder other than {instance}", u)
		}
		usesInstance = usesInstance || placeholder
		if u == "{instance}" {
			continue // the whole URI is the customer's: checked when given
		}
		if placeholder {
			if err := redirecturi.Validate(sampleInstance+rest, platform); err != nil {
				return bad(field, "%q: %v (with {instance} as %s)", u, err, sampleInstance)
			}
		} else if err := redirecturi.Validate(u, platform); err != nil {
			return bad(field, "%v", err)
		}
	}
	if usesInstance && p.Instance == nil {
		return bad("instance", "redirect URIs use {instance}; describe it (description, and default if there is one)")
	}
	if def := p.instanceDefault(); def != "" {
		var ie *InstanceError
		if _, err := p.RedirectURIsFor(def); errors.As(err, &ie) {
			return bad("instance.default", "%q %s; an instance is https://HOST[:PORT]", def, ie.Problem)
		}
	}
	return nil
}

// sampleInstance stands in for {instance} when a preset's redirect URIs
// are checked before any instance is known.
const sampleInstance = "https://instance.example"

func (p *Preset) instanceDefault() string {
	if p.Instance == nil {
		return ""
	}
	return p.Instance.Default
}

// InstanceError is an --instance value that is not an instance URL.
type InstanceError struct {
	Value, Problem, Example string
}

func (e *InstanceError) Error() string {
	return fmt.Sprintf("--instance %q %s: an instance is a scheme and host, with a port if needed: https://HOST[:PORT], e.g. %s", e.Value, e.Problem, e.Example)
}

// checkInstance accepts an instance URL: https (http only for localhost
// and 127.0.0.1, as Entra allows for redirect URIs), a host, an optional
// port, and nothing else, since the preset appends its own path.
func checkInstance(raw, example string) error {
	bad := func(problem string) error {
		return &InstanceError{Value: raw, Problem: problem, Example: cmp.Or(example, "https://acme.example.com")}
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Opaque != "" {
		return bad("is not an absolute URL")
	}
	switch scheme := strings.ToLower(u.Scheme); {
	case scheme == "https":
	case scheme == "http" && (strings.EqualFold(u.Hostname(), "localhost") || u.Hostname() == "127.0.0.1"):
	default:
		return bad("does not start with https://")
	}
	if u.Hostname() == "" {
		return bad("has no host")
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return bad("has an invalid port")
		}
	}
	var extra []string
	if u.User != nil {
		extra = append(extra, "a user name")
	}
	if u.Path != "" {
		extra = append(extra, fmt.Sprintf("a path (%s)", u.EscapedPath()))
	}
	if u.RawQuery != "" || u.ForceQuery {
		extra = append(extra, fmt.Sprintf("a query (?%s)", u.RawQuery))
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		extra = append(extra, "a fragment (#...)")
	}
	if len(extra) > 0 {
		return bad("has " + strings.Join(extra, " and "))
	}
	return nil
}

func (p *Preset) validateSecretAndHandoff(bad func(string, string, ...any) error) error {
	if p.Secret != nil && p.Secret.Expires != "" {
		if _, err := ParseLifetime(p.Secret.Expires); err != nil {
			return bad("secret.expires", "%v", err)
		}
	}
	if p.Secret != nil && p.Secret.Required && p.Shape == VendorHosted {
		return bad("secret.required", "a vendor-hosted app's secret is the vendor's; the customer creates none")
	}
	for i, h := range p.Handoff {
		if !slices.Contains(handoffValues, h) {
			return bad(fmt.Sprintf("handoff[%d]", i), "%q must be one of %s", h, strings.Join(handoffValues, ", "))
		}
	}
	return nil
}

// ParseLifetime reads a lifetime such as 90d, 26w, 6m, 1y or 720h, which
// must be positive: a preset's secret lifetime and --expiring-within. It
// reads what ParseSpan reads, so every such flag takes the same units.
func ParseLifetime(s string) (time.Duration, error) {
	d, err := ParseSpan(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a lifetime such as 180d, 26w, 6m or 1y", s)
	}
	return d, nil
}

// ParseSpan is teamsctl's one parser of a span of time: a whole number of
// days, weeks, months (30 days) or years (365 days), 180d, 26w, 6m, 1y,
// or a Go duration such as 720h. It does not judge the sign; callers do.
func ParseSpan(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("%q is not a span such as 180d, 26w, 6m or 1y", s)
	if s == "" {
		return 0, bad
	}
	day := 24 * time.Hour
	var per time.Duration
	switch s[len(s)-1] {
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
	num := s[:len(s)-1]
	if num == "" || len(num) > 5 {
		return 0, bad
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return 0, bad
	}
	return time.Duration(n) * per, nil
}

// RedirectURIsFor fills {instance} with the customer's instance URL (or
// the preset's default) and returns the redirect URIs to register.
//
// Where a URI continues after {instance} ({instance}/oauth/callback), the
// instance must be just a scheme and host (and port): anything more would
// be pasted into the middle of the URI. A URI that is only {instance}
// takes a whole redirect URI, checked as one when it is registered.
func (p *Preset) RedirectURIsFor(instance string) ([]string, error) {
	if instance == "" {
		instance = p.instanceDefault()
	}
	instance = strings.TrimRight(instance, "/")
	out := make([]string, 0, len(p.RedirectURIs))
	for _, u := range p.RedirectURIs {
		if rest, ok := strings.CutPrefix(u, "{instance}"); ok {
			if instance == "" {
				return nil, fmt.Errorf("preset %s needs --instance: %s", p.Name, p.Instance.Description)
			}
			if rest != "" {
				example := ""
				if p.Instance != nil {
					example = p.Instance.Example
				}
				if err := checkInstance(instance, example); err != nil {
					return nil, err
				}
			}
			u = instance + rest
		}
		out = append(out, u)
	}
	return out, nil
}

// UsesInstance says whether a redirect URI holds {instance}: the
// customer's instance then decides the URIs to register.
func (p *Preset) UsesInstance() bool {
	for _, u := range p.RedirectURIs {
		if strings.HasPrefix(u, "{instance}") {
			return true
		}
	}
	return false
}

// InstancesIn returns the instances that registered redirect URIs were
// made for: a URI is the preset's {instance}/path with some instance
// (https://HOST[:PORT]). For a URI that is {instance} alone every
// registered URI is its own instance. Instances are returned once each,
// in the order of registered. Redirect URIs are compared exactly, as
// Entra compares them.
func (p *Preset) InstancesIn(registered []string) []string {
	var out []string
	for _, tmpl := range p.RedirectURIs {
		rest, ok := strings.CutPrefix(tmpl, "{instance}")
		if !ok {
			continue
		}
		for _, u := range registered {
			inst, found := u, rest == ""
			if rest != "" {
				inst, found = strings.CutSuffix(u, rest)
				found = found && checkInstance(inst, "") == nil
			}
			if found && !slices.Contains(out, inst) {
				out = append(out, inst)
			}
		}
	}
	return out
}

// FieldErr returns a FieldError about the preset's field (e.g.
// "delegated[1]"), for problems found when the preset is used, such as a
// permission Microsoft Graph does not have.
func (p *Preset) FieldErr(field, msg string) *FieldError {
	return &FieldError{File: p.Source, Line: p.line(field), Field: field, Msg: msg}
}

// line finds the line of a list field's item (delegated[1]) or a key in the
// preset's source file, best effort: 0 when unknown (built-in presets are
// found by name, not read again).
func (p *Preset) line(field string) int {
	var raw []byte
	var err error
	if p.builtIn {
		raw, err = builtIn.ReadFile(path.Join("data", p.Source))
	} else {
		raw, err = os.ReadFile(p.Source)
	}
	if err != nil || len(raw) > MaxFileBytes {
		return 0
	}
	return lineOf(raw, field)
}

// lineOf finds the line of field (a key, a list item such as
// delegated[1], or a nested key such as instance.default) in a preset's
// YAML; 0 when it is not there.
func lineOf(raw []byte, field string) int {
	var root yaml.Node
	if yaml.Unmarshal(raw, &root) != nil || len(root.Content) == 0 {
		return 0
	}
	key, idx := field, -1
	if i := strings.IndexByte(field, '['); i > 0 {
		key = field[:i]
		fmt.Sscanf(field[i:], "[%d]", &idx)
	}
	node, line := root.Content[0], 0
	for _, name := range strings.Split(key, ".") {
		var next *yaml.Node
		for i := 0; node.Kind == yaml.MappingNode && i+1 < len(node.Content); i += 2 {
			if node.Content[i].Value == name {
				next, line = node.Content[i+1], node.Content[i].Line
				break
			}
		}
		if next == nil {
			return line
		}
		node = next
	}
	if idx >= 0 && idx < len(node.Content) {
		return node.Content[idx].Line
	}
	return line
}

// Lookup returns the built-in preset name, or the preset in file when
// file is set (the --preset and --preset-file flags).
func Lookup(name, file string) (*Preset, error) {
	switch {
	case name != "" && file != "":
		return nil, errors.New("--preset and --preset-file cannot be used together")
	case file != "":
		return Load(file)
	}
	return Get(name)
}
