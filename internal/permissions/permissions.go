// Package permissions resolves permission names (User.Read,
// OnlineMeetings.ReadWrite.All, ...) against the Microsoft Graph service
// principal of the tenant: its published delegated scopes and application
// roles. Names are matched case-insensitively; an unknown name is an error
// naming the closest matches, and a name that exists only as the other
// kind (an application role given as delegated, or the reverse) says so.
package permissions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/fsutil"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/lazyregexp"
)

// Kind is delegated (a scope) or application (an app role).
type Kind string

const (
	Delegated   Kind = "delegated"
	Application Kind = "application"
)

// Flag is the command-line flag that gives permissions of the kind.
func (k Kind) Flag() string {
	if k == Application {
		return "--application"
	}
	return "--delegated"
}

// Values are the permissions' names (Value), in order.
func Values(ps []Permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Value
	}
	return out
}

// Permission is one resolved permission.
type Permission struct {
	Kind  Kind   `json:"kind"`
	Value string `json:"value"` // canonical spelling, e.g. User.Read
	ID    string `json:"id"`
	// AdminOnly is true for delegated scopes only an admin may consent to,
	// and always for application roles.
	AdminOnly bool `json:"adminOnly"`
}

// Source reads a service principal by appId: graph.ServicePrincipals.
type Source interface {
	ServicePrincipalByAppID(ctx context.Context, appID string) (*graph.ServicePrincipal, error)
}

// Catalog is the permissions one API (Microsoft Graph) publishes.
type Catalog struct {
	ResourceAppID string                  `json:"resourceAppId"`
	ResourceSPID  string                  `json:"resourceId"`
	DisplayName   string                  `json:"displayName"`
	Scopes        []graph.PermissionScope `json:"scopes"`
	Roles         []graph.AppRole         `json:"roles"`
	FetchedAt     time.Time               `json:"fetchedAt"`
}

// CacheTTL is how long a fetched catalog is reused.
const CacheTTL = 24 * time.Hour

// Loader fetches a catalog once per run, and from a file cache in Dir for
// CacheTTL when Dir and Tenant are set. A catalog holds the object id of
// the API's service principal in the tenant, so the cache is keyed by what
// decides it: the tenant, and Scope.
type Loader struct {
	Source Source
	Dir    string
	Tenant string
	// Scope names the service the tenant lives in: the Graph endpoint,
	// and for the sandbox the build of its tenant (a reset rebuilds the
	// tenant, with new object ids, under the same tenant id).
	Scope string
	Now   func() time.Time

	cached map[string]*Catalog
}

// Load returns the catalog of the API with the appId (Microsoft Graph:
// graph.MicrosoftGraphAppID).
func (l *Loader) Load(ctx context.Context, resourceAppID string) (*Catalog, error) {
	if c := l.cached[resourceAppID]; c != nil {
		return c, nil
	}
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	path := l.cachePath(resourceAppID)
	if path != "" {
		if c, err := readCache(path); err == nil && now().Sub(c.FetchedAt) < CacheTTL && now().Sub(c.FetchedAt) >= 0 {
			l.remember(resourceAppID, c)
			return c, nil
		}
	}
	sp, err := l.Source.ServicePrincipalByAppID(ctx, resourceAppID)
	if err != nil {
		if graph.IsNotFound(err) {
			return nil, fmt.Errorf("the API %s has no service principal in this tenant, so its permissions cannot be looked up: %w", resourceAppID, err)
		}
		return nil, fmt.Errorf("reading the permissions of %s: %w", resourceAppID, err)
	}
	c := &Catalog{ResourceAppID: sp.AppID, ResourceSPID: sp.ID, DisplayName: sp.DisplayName,
		Scopes: sp.OAuth2PermissionScopes, Roles: sp.AppRoles, FetchedAt: now().UTC()}
	if path != "" {
		if data, err := json.Marshal(c); err == nil {
			_ = os.MkdirAll(filepath.Dir(path), 0o700)
			_ = fsutil.WriteFileAtomic(path, data, 0o600) // a cache: failing to write it is harmless
		}
	}
	l.remember(resourceAppID, c)
	return c, nil
}

func (l *Loader) remember(appID string, c *Catalog) {
	if l.cached == nil {
		l.cached = map[string]*Catalog{}
	}
	l.cached[appID] = c
}

var safeName = lazyregexp.New(`[^A-Za-z0-9._-]`)

func (l *Loader) cachePath(appID string) string {
	if l.Dir == "" || l.Tenant == "" {
		return ""
	}
	scope := sha256.Sum256([]byte(l.Scope))
	return filepath.Join(l.Dir, "cache", "permissions-"+safeName.ReplaceAllString(l.Tenant, "_")+"-"+
		safeName.ReplaceAllString(appID, "_")+"-"+hex.EncodeToString(scope[:6])+".json")
}

// ForgetCached removes the file cache of appID's catalog: its service
// principal id turned out to be stale (consent.Engine.StaleResource). The
// next run reads the catalog from Graph again. Safe for concurrent use.
func (l *Loader) ForgetCached(appID string) {
	if path := l.cachePath(appID); path != "" {
		_ = os.Remove(path) // a cache: one that stays is refetched after CacheTTL
	}
}

func readCache(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Catalog
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, err
	}
	if c.ResourceSPID == "" {
		return nil, errors.New("incomplete cache")
	}
	return &c, nil
}

// Resolve looks up names of one kind. All unknown names are reported
// together.
func (c *Catalog) Resolve(kind Kind, names []string) ([]Permission, error) {
	var out []Permission
	var errs []error
	seen := map[string]bool{}
	for _, n := range names {
		p, err := c.resolve(kind, n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	return out, errors.Join(errs...)
}

func (c *Catalog) resolve(kind Kind, name string) (Permission, error) {
	if p, ok := c.lookup(kind, name); ok {
		return p, nil
	}
	other := Application
	if kind == Application {
		other = Delegated
	}
	err := &UnknownError{Name: name, Kind: kind, API: c.DisplayName}
	if p, ok := c.lookup(other, name); ok {
		err.OtherKind = true
		err.Name = p.Value
		return Permission{}, err
	}
	err.Suggestions = closest(name, c.values(kind), 3)
	return Permission{}, err
}

func (c *Catalog) lookup(kind Kind, name string) (Permission, bool) {
	if kind == Application {
		for _, r := range c.Roles {
			if strings.EqualFold(r.Value, name) && r.IsEnabled {
				return Permission{Kind: Application, Value: r.Value, ID: r.ID, AdminOnly: true}, true
			}
		}
		return Permission{}, false
	}
	for _, s := range c.Scopes {
		if strings.EqualFold(s.Value, name) && s.IsEnabled {
			return Permission{Kind: Delegated, Value: s.Value, ID: s.ID, AdminOnly: s.Type == "Admin"}, true
		}
	}
	return Permission{}, false
}

// ByID finds a permission by id, for showing a registration's
// requiredResourceAccess by name.
func (c *Catalog) ByID(kind Kind, id string) (Permission, bool) {
	if kind == Application {
		for _, r := range c.Roles {
			if strings.EqualFold(r.ID, id) {
				return Permission{Kind: Application, Value: r.Value, ID: r.ID, AdminOnly: true}, true
			}
		}
		return Permission{}, false
	}
	for _, s := range c.Scopes {
		if strings.EqualFold(s.ID, id) {
			return Permission{Kind: Delegated, Value: s.Value, ID: s.ID, AdminOnly: s.Type == "Admin"}, true
		}
	}
	return Permission{}, false
}

// Unknown is a permission id that an app registration requires of the
// API but the API does not publish as that kind: a typo, a permission of
// another API listed under this one, one the API has retired, or the id
// of the other kind's permission.
type Unknown struct {
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`
	// MightBe says what the id might be.
	MightBe string `json:"mightBe"`
}

// String describes the id for a person: what it is not, what it might be.
func (u Unknown) String() string {
	return fmt.Sprintf("unknown %s permission id %s (%s)", u.Kind, u.ID, u.MightBe)
}

// Unknown describes an id of kind that ByID does not find.
func (c *Catalog) Unknown(kind Kind, id string) Unknown {
	other := Application
	if kind == Application {
		other = Delegated
	}
	u := Unknown{Kind: kind, ID: id}
	if p, ok := c.ByID(other, id); ok {
		u.MightBe = fmt.Sprintf("it is the id of the %s permission %s, listed as %s", other, p.Value, kind)
	} else {
		u.MightBe = fmt.Sprintf("%s publishes no permission with this id: a typo, a permission of another API listed under %s, or one it has retired", c.DisplayName, c.DisplayName)
	}
	return u
}

func (c *Catalog) values(kind Kind) []string {
	var out []string
	if kind == Application {
		for _, r := range c.Roles {
			out = append(out, r.Value)
		}
	} else {
		for _, s := range c.Scopes {
			out = append(out, s.Value)
		}
	}
	return out
}

// UnknownError is a permission name the API does not publish as Kind.
type UnknownError struct {
	Name        string
	Kind        Kind
	API         string
	OtherKind   bool     // it exists as the other kind
	Suggestions []string // closest names of Kind
}

func (e *UnknownError) Error() string {
	api := e.API
	if api == "" {
		api = "the API"
	}
	if e.OtherKind {
		if e.Kind == Delegated {
			return fmt.Sprintf("%s is an application permission of %s, not a delegated one", e.Name, api)
		}
		return fmt.Sprintf("%s is a delegated permission of %s, not an application one", e.Name, api)
	}
	msg := fmt.Sprintf("unknown %s permission %q of %s", e.Kind, e.Name, api)
	if len(e.Suggestions) > 0 {
		msg += "; closest: " + strings.Join(e.Suggestions, ", ")
	}
	return msg
}

// Hint implements the hint convention (cmdutil.HintFor).
func (e *UnknownError) Hint() string {
	if e.OtherKind {
		other := Application
		if e.Kind == Application {
			other = Delegated
		}
		return fmt.Sprintf("Give it with %s %s instead.", other.Flag(), e.Name)
	}
	return "Permission names are listed at https://learn.microsoft.com/graph/permissions-reference."
}

// closest returns up to n candidates nearest to name (case-insensitive
// edit distance, prefix matches first).
func closest(name string, candidates []string, n int) []string {
	type scored struct {
		s string
		d int
	}
	lname := strings.ToLower(name)
	limit := max(3, len(name)/2)
	var list []scored
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := distance(lname, lc)
		if strings.HasPrefix(lc, lname) && lname != "" {
			d = min(d, 1)
		}
		if d <= limit {
			list = append(list, scored{c, d})
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].d != list[j].d {
			return list[i].d < list[j].d
		}
		return list[i].s < list[j].s
	})
	var out []string
	for _, s := range list {
		if len(out) == n {
			break
		}
		if !slices.Contains(out, s.s) {
			out = append(out, s.s)
		}
	}
	return out
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// maxNameLength bounds one permission name (Graph's longest are ~60).
const maxNameLength = 120

var nameRE = lazyregexp.New(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// ParseList splits a permission list given on the command line: names
// separated by commas and/or whitespace ("User.Read, OnlineMeetings.ReadWrite"
// or "User.Read OnlineMeetings.ReadWrite"). Duplicates (case-insensitive)
// are dropped, order is kept. A name with other characters is an error.
func ParseList(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == ';'
	})
	var out []string
	seen := map[string]bool{}
	for _, f := range fields {
		if len(f) > maxNameLength {
			return nil, fmt.Errorf("permission name %.20q... is longer than %d characters", f, maxNameLength)
		}
		if !nameRE.MatchString(f) {
			return nil, fmt.Errorf("%q is not a permission name (letters, digits and . _ - only, e.g. User.Read)", f)
		}
		k := strings.ToLower(f)
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// ParseLists parses several flag values (a repeated flag) into one list.
func ParseLists(values []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		names, err := ParseList(v)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if k := strings.ToLower(n); !seen[k] {
				seen[k] = true
				out = append(out, n)
			}
		}
	}
	return out, nil
}
