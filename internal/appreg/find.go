package appreg

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/lazyregexp"
)

// Tag marks app registrations teamsctl manages.
const Tag = "teamsctl"

// presetTagPrefix starts the tag naming the vendor preset an app
// registration was made from (teamsctl:preset=elevato), so `teamsctl
// integrations` names the vendor without guessing from the app's name.
const presetTagPrefix = "teamsctl:preset="

// PresetTag is the tag naming the preset an app was registered from.
func PresetTag(preset string) string { return presetTagPrefix + strings.ToLower(preset) }

// PresetOf returns the preset named by an app registration's tags, or "".
func PresetOf(tags []string) string {
	for _, t := range tags {
		if len(t) > len(presetTagPrefix) && strings.EqualFold(t[:len(presetTagPrefix)], presetTagPrefix) {
			return strings.ToLower(t[len(presetTagPrefix):])
		}
	}
	return ""
}

// tags are the tags of a registration teamsctl makes for d.
func (d Desired) tags() []string {
	if d.Preset == "" {
		return []string{Tag}
	}
	return []string{Tag, PresetTag(d.Preset)}
}

var guidRE = lazyregexp.New(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsGUID reports whether s looks like a GUID.
func IsGUID(s string) bool { return guidRE.MatchString(s) }

// Finder is the lookup part of graph.Applications.
type Finder interface {
	ApplicationsByName(ctx context.Context, name string) ([]graph.Application, error)
	Application(ctx context.Context, objectID string) (*graph.Application, error)
	ApplicationByAppID(ctx context.Context, appID string) (*graph.Application, error)
}

// Find resolves an APP argument: an appId, an object id or an exact
// display name. A name shared by several apps is an *AmbiguousError.
func Find(ctx context.Context, g Finder, ref string) (*graph.Application, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, fmt.Errorf("no app given")
	}
	if IsGUID(ref) {
		a, err := g.ApplicationByAppID(ctx, ref)
		if err == nil {
			return a, nil
		}
		if !graph.IsNotFound(err) {
			return nil, err
		}
		a, err = g.Application(ctx, ref)
		if err == nil {
			return a, nil
		}
		if !graph.IsNotFound(err) {
			return nil, err
		}
		return nil, &NotFoundError{Ref: ref}
	}
	apps, err := g.ApplicationsByName(ctx, ref)
	if err != nil {
		return nil, err
	}
	switch len(apps) {
	case 0:
		return nil, &NotFoundError{Ref: ref}
	case 1:
		return &apps[0], nil
	}
	return nil, &AmbiguousError{Name: ref, Apps: apps}
}

// NotFoundError is an APP argument matching no app registration.
type NotFoundError struct{ Ref string }

func (e *NotFoundError) Error() string {
	if IsGUID(e.Ref) {
		return fmt.Sprintf("no app registration with appId or object id %s in this tenant", e.Ref)
	}
	return fmt.Sprintf("no app registration named %q in this tenant", e.Ref)
}

// Hint implements the hint convention.
func (e *NotFoundError) Hint() string {
	return "Run 'teamsctl app list' to see the app registrations; a vendor's app is consented with 'teamsctl consent grant APPID'."
}

// AmbiguousError is a display name shared by several app registrations.
type AmbiguousError struct {
	Name string
	Apps []graph.Application
	// Flag is how to pick one (default: give the appId as APP).
	Flag string
}

func (e *AmbiguousError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d app registrations are named %q:", len(e.Apps), e.Name)
	for _, a := range e.Apps {
		managed := ""
		if slices.Contains(a.Tags, Tag) {
			managed = ", managed by teamsctl"
		}
		created := ""
		if !a.CreatedDateTime.IsZero() {
			created = ", created " + a.CreatedDateTime.Format("2006-01-02")
		}
		fmt.Fprintf(&b, "\n  appId %s (object id %s%s%s)", a.AppID, a.ID, created, managed)
	}
	return b.String()
}

// Hint implements the hint convention.
func (e *AmbiguousError) Hint() string {
	if e.Flag != "" {
		return fmt.Sprintf("Pick one with %s APPID.", e.Flag)
	}
	return "Give the appId instead of the name."
}
