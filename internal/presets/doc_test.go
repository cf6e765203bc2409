package presets

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestEveryFieldDocumented keeps docs/presets.md in step with Preset:
// every YAML key, nested ones as parent.key, is described there.
func TestEveryFieldDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/presets.md")
	if err != nil {
		t.Fatal(err)
	}
	keys := yamlKeys(reflect.TypeFor[Preset](), "")
	if len(keys) < 20 {
		t.Fatalf("found only %d keys: %v", len(keys), keys)
	}
	for _, k := range keys {
		if !strings.Contains(string(doc), "- `"+k+"`") {
			t.Errorf("docs/presets.md does not describe %s (a list item starting with `%s`)", k, k)
		}
	}
}

// yamlKeys lists the YAML keys of a struct type: list items of structs
// as parent[].key, nested structs as parent.key.
func yamlKeys(typ reflect.Type, prefix string) []string {
	var out []string
	for f := range typ.Fields() {
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		key := prefix + tag
		out = append(out, key)
		ft := f.Type
		sep := "."
		if ft.Kind() == reflect.Slice {
			ft, sep = ft.Elem(), "[]."
		}
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			out = append(out, yamlKeys(ft, key+sep)...)
		}
	}
	return out
}

// TestDocExampleParses: the example in docs/presets.md is a valid preset.
func TestDocExampleParses(t *testing.T) {
	doc, err := os.ReadFile("../../docs/presets.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```yaml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no yaml example in docs/presets.md")
	}
	p, err := Parse("our-ats.yaml", []byte(example))
	if err != nil {
		t.Fatal(err)
	}
	if uris, err := p.RedirectURIsFor("https://acme.our-ats.example/"); err != nil || uris[0] != "https://acme.our-ats.example/oauth/microsoft/callback" {
		t.Errorf("redirect URIs = %v, %v", uris, err)
	}
}
