package appreg

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// UniqueName is the uniqueName (Graph's client-provided alternate key of
// an application) of the registration for an integration: the preset and
// the instance when a preset describes it, else the display name. Runs
// that mean the same integration compute the same key, so Graph's upsert
// makes one registration however many of them race.
//
// The key is "teamsctl-", a readable slug, and 8 hex digits of a hash of
// the exact identity, so names that slug alike ("Acme HR" and "acme-hr")
// stay apart. Graph does not document the characters a uniqueName may
// hold; lower-case letters, digits, '.' and '-' are what its examples use.
func UniqueName(preset, instance, name string) string {
	identity := "name:" + name
	slug := name
	if preset != "" {
		inst := strings.TrimRight(strings.ToLower(strings.TrimSpace(instance)), "/")
		identity = "preset:" + strings.ToLower(preset) + "|instance:" + inst
		slug = preset
		if host := strings.TrimPrefix(strings.TrimPrefix(inst, "https://"), "http://"); host != "" {
			slug += "-" + host
		}
	}
	sum := sha256.Sum256([]byte(identity))
	return "teamsctl-" + slugify(slug, 60) + "-" + hex.EncodeToString(sum[:4])
}

// slugify keeps letters and digits (lower-cased) and '.', turns anything
// else into single '-', and cuts at max bytes.
func slugify(s string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= max {
			break
		}
	}
	out := strings.Trim(b.String(), "-.")
	if len(out) > max {
		out = strings.Trim(out[:max], "-.")
	}
	if out == "" {
		out = "app"
	}
	return out
}
