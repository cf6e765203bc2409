package emulator

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// This file reads Microsoft Graph's v1.0 schema (CSDL, as published in
// microsoftgraph/msgraph-metadata) and checks JSON values against it. The
// tests use testdata/graph-v1.0.csdl: the part of the schema the emulator
// serves, cut from Microsoft's whole file by TestWriteCSDLSubset:
//
//	go test ./internal/emulator -run TestWriteCSDLSubset -csdl-source /work/shared/reference/graph-v1.0.csdl
//
// (an absolute path, or one relative to internal/emulator; the licence is
// testdata/graph-v1.0.csdl.LICENSE). Rerun it when the emulator serves a
// new type: the conformance test says which one is missing.

const csdlSubsetPath = "testdata/graph-v1.0.csdl"

var csdlSource = flag.String("csdl-source", "", "Microsoft's whole graph-v1.0.csdl, to regenerate "+csdlSubsetPath+" from")

// csdlSchema is the part of an EDMX document the checks use.
type csdlEdmx struct {
	Schemas []csdlSchemaXML `xml:"DataServices>Schema"`
}

type csdlSchemaXML struct {
	Namespace    string             `xml:"Namespace,attr"`
	Alias        string             `xml:"Alias,attr"`
	EnumTypes    []csdlEnumType     `xml:"EnumType"`
	ComplexTypes []csdlStructType   `xml:"ComplexType"`
	EntityTypes  []csdlStructType   `xml:"EntityType"`
	Containers   []csdlContainerXML `xml:"EntityContainer"`
}

type csdlEnumType struct {
	Name    string `xml:"Name,attr"`
	IsFlags bool   `xml:"IsFlags,attr"`
	Members []struct {
		Name  string `xml:"Name,attr"`
		Value string `xml:"Value,attr"`
	} `xml:"Member"`
}

type csdlStructType struct {
	Name       string         `xml:"Name,attr"`
	BaseType   string         `xml:"BaseType,attr"`
	Abstract   bool           `xml:"Abstract,attr"`
	OpenType   bool           `xml:"OpenType,attr"`
	Properties []csdlProperty `xml:"Property"`
	Navigation []csdlProperty `xml:"NavigationProperty"`
}

type csdlProperty struct {
	Name     string `xml:"Name,attr"`
	Type     string `xml:"Type,attr"`
	Nullable string `xml:"Nullable,attr"`
}

type csdlContainerXML struct {
	Name       string `xml:"Name,attr"`
	EntitySets []struct {
		Name       string `xml:"Name,attr"`
		EntityType string `xml:"EntityType,attr"`
	} `xml:"EntitySet"`
	Singletons []struct {
		Name string `xml:"Name,attr"`
		Type string `xml:"Type,attr"`
	} `xml:"Singleton"`
}

// csdlModel indexes a schema by qualified type name; every type reference
// in it is qualified by namespace (aliases resolved).
type csdlModel struct {
	enums    map[string]*csdlEnumType
	structs  map[string]*csdlStructType // entity and complex types
	entities map[string]bool
	// namespaces keeps each type's schema, for writing a subset.
	namespaces map[string]string
	// roots are the entity sets' and singletons' names and types.
	roots map[string]string
}

func parseCSDL(raw []byte) (*csdlModel, error) {
	var doc csdlEdmx
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	m := &csdlModel{enums: map[string]*csdlEnumType{}, structs: map[string]*csdlStructType{}, entities: map[string]bool{},
		namespaces: map[string]string{}, roots: map[string]string{}}
	aliases := map[string]string{}
	for _, s := range doc.Schemas {
		if s.Alias != "" {
			aliases[s.Alias] = s.Namespace
		}
	}
	for i := range doc.Schemas {
		s := &doc.Schemas[i]
		qualify := func(ref string) string { return qualifyCSDLType(ref, s.Namespace, s.Alias, aliases) }
		for j := range s.EnumTypes {
			e := &s.EnumTypes[j]
			m.enums[s.Namespace+"."+e.Name] = e
			m.namespaces[s.Namespace+"."+e.Name] = s.Namespace
		}
		for _, list := range []struct {
			types  []csdlStructType
			entity bool
		}{{s.ComplexTypes, false}, {s.EntityTypes, true}} {
			for j := range list.types {
				t := &list.types[j]
				if t.BaseType != "" {
					t.BaseType = qualify(t.BaseType)
				}
				for k := range t.Properties {
					t.Properties[k].Type = qualify(t.Properties[k].Type)
				}
				for k := range t.Navigation {
					t.Navigation[k].Type = qualify(t.Navigation[k].Type)
				}
				name := s.Namespace + "." + t.Name
				m.structs[name], m.entities[name], m.namespaces[name] = t, list.entity, s.Namespace
			}
		}
		for _, c := range s.Containers {
			for _, es := range c.EntitySets {
				m.roots[es.Name] = "Collection(" + qualify(es.EntityType) + ")"
			}
			for _, sg := range c.Singletons {
				m.roots[sg.Name] = qualify(sg.Type)
			}
		}
	}
	return m, nil
}

// qualifyCSDLType turns "graph.user", "self.x" or "Collection(graph.user)"
// into namespace-qualified names; Edm types stay as they are.
func qualifyCSDLType(ref, namespace, alias string, aliases map[string]string) string {
	if inner, ok := strings.CutPrefix(ref, "Collection("); ok {
		return "Collection(" + qualifyCSDLType(strings.TrimSuffix(inner, ")"), namespace, alias, aliases) + ")"
	}
	if strings.HasPrefix(ref, "Edm.") {
		return ref
	}
	i := strings.LastIndex(ref, ".")
	if i < 0 {
		return namespace + "." + ref
	}
	prefix, name := ref[:i], ref[i+1:]
	if prefix == alias {
		return namespace + "." + name
	}
	if ns, ok := aliases[prefix]; ok {
		return ns + "." + name
	}
	return ref
}

// property finds a structural or navigation property of a type or its
// ancestors.
func (m *csdlModel) property(typeName, prop string) (p csdlProperty, navigation, ok bool) {
	for t := m.structs[typeName]; t != nil; t = m.structs[t.BaseType] {
		for _, sp := range t.Properties {
			if sp.Name == prop {
				return sp, false, true
			}
		}
		for _, np := range t.Navigation {
			if np.Name == prop {
				return np, true, true
			}
		}
	}
	return csdlProperty{}, false, false
}

// reDirectoryExtension is the name of a directory extension property:
// extension_{appId without hyphens}_{name} ("Add custom properties to
// directory objects using directory extensions").
var reDirectoryExtension = regexp.MustCompile(`^extension_[0-9a-fA-F]{32}_\w+$`)

// dynamicAllowed: an open type may carry properties its schema does not
// declare. Directory objects are open only for directory extensions, the
// one kind of dynamic property Graph documents for them; other open types
// (Outlook's and Teams') take any.
func (c *csdlChecker) dynamicAllowed(typeName, prop string) bool {
	if !c.m.isOpen(typeName) {
		return false
	}
	if c.m.derivesFrom(typeName, "microsoft.graph.directoryObject") {
		return reDirectoryExtension.MatchString(prop)
	}
	return true
}

func (m *csdlModel) isOpen(typeName string) bool {
	for t := m.structs[typeName]; t != nil; t = m.structs[t.BaseType] {
		if t.OpenType {
			return true
		}
	}
	return false
}

// derivesFrom reports whether typeName is base or one of its descendants.
func (m *csdlModel) derivesFrom(typeName, base string) bool {
	for n := typeName; n != ""; {
		if n == base {
			return true
		}
		t := m.structs[n]
		if t == nil {
			return false
		}
		n = t.BaseType
	}
	return false
}

// csdlChecker checks JSON values against the model and collects problems.
type csdlChecker struct {
	m        *csdlModel
	problems []string
	// missing are types the subset lacks (regenerate it).
	missing map[string]bool
}

func (c *csdlChecker) fail(path, format string, args ...any) {
	c.problems = append(c.problems, path+": "+fmt.Sprintf(format, args...))
}

// Patterns of the OData primitive literals in JSON (OData ABNF,
// odata-abnf-construction-rules): dateTimeOffsetValue keeps at most 12
// fractional digits, Graph sends 7; a zone is required.
var (
	reDateTimeOffset = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,12})?)?(Z|[+-]\d{2}:\d{2})$`)
	reDate           = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	reTimeOfDay      = regexp.MustCompile(`^\d{2}:\d{2}(:\d{2}(\.\d{1,12})?)?$`)
	reDuration       = regexp.MustCompile(`^-?P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$`)
	reGUID           = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// checkValue checks v against a type reference: Edm primitive, enum,
// complex or entity type, or a collection of one.
func (c *csdlChecker) checkValue(path, typ string, v any, nullable bool) {
	if inner, ok := strings.CutPrefix(typ, "Collection("); ok {
		inner = strings.TrimSuffix(inner, ")")
		items, isArray := v.([]any)
		if !isArray {
			c.fail(path, "%s: want a JSON array, got %s", typ, jsonKind(v))
			return
		}
		for i, item := range items {
			c.checkValue(fmt.Sprintf("%s[%d]", path, i), inner, item, false)
		}
		return
	}
	if v == nil {
		if !nullable {
			c.fail(path, "%s is not nullable, got null", typ)
		}
		return
	}
	switch {
	case strings.HasPrefix(typ, "Edm."):
		c.checkPrimitive(path, typ, v)
	case c.m.enums[typ] != nil:
		c.checkEnum(path, typ, v)
	case c.m.structs[typ] != nil:
		obj, ok := v.(map[string]any)
		if !ok {
			c.fail(path, "%s: want a JSON object, got %s", typ, jsonKind(v))
			return
		}
		c.checkObject(path, typ, obj)
	default:
		c.missing[typ] = true
		c.fail(path, "type %s is not in %s", typ, csdlSubsetPath)
	}
}

func (c *csdlChecker) checkPrimitive(path, typ string, v any) {
	s, isString := v.(string)
	n, isNumber := v.(json.Number)
	_, isBool := v.(bool)
	ok := false
	switch typ {
	case "Edm.String":
		ok = isString
	case "Edm.Boolean":
		ok = isBool
	case "Edm.Guid":
		ok = isString && reGUID.MatchString(s)
	case "Edm.DateTimeOffset":
		ok = isString && reDateTimeOffset.MatchString(s)
	case "Edm.Date":
		ok = isString && reDate.MatchString(s)
	case "Edm.TimeOfDay":
		ok = isString && reTimeOfDay.MatchString(s)
	case "Edm.Duration":
		ok = isString && reDuration.MatchString(s)
	case "Edm.Binary":
		if isString {
			_, err := base64.StdEncoding.DecodeString(s)
			_, errURL := base64.RawURLEncoding.DecodeString(s)
			ok = err == nil || errURL == nil
		}
	case "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte":
		_, err := n.Int64()
		ok = isNumber && err == nil
	case "Edm.Double", "Edm.Single", "Edm.Decimal":
		_, err := n.Float64()
		ok = (isNumber && err == nil) || (isString && slices.Contains([]string{"NaN", "INF", "-INF"}, s))
	case "Edm.Stream", "Edm.Untyped":
		ok = true
	default:
		c.fail(path, "unknown primitive type %s", typ)
		return
	}
	if !ok {
		c.fail(path, "%s: got %s %s", typ, jsonKind(v), truncateJSON(v))
	}
}

func (c *csdlChecker) checkEnum(path, typ string, v any) {
	s, ok := v.(string)
	if !ok {
		c.fail(path, "%s: want a member name, got %s", typ, jsonKind(v))
		return
	}
	e := c.m.enums[typ]
	values := []string{s}
	if e.IsFlags {
		values = strings.Split(s, ",")
	}
	for _, val := range values {
		if !slices.ContainsFunc(e.Members, func(m struct {
			Name  string `xml:"Name,attr"`
			Value string `xml:"Value,attr"`
		}) bool {
			return m.Name == strings.TrimSpace(val)
		}) {
			c.fail(path, "%s has no member %q", typ, val)
		}
	}
}

// checkObject checks an entity or complex value: its @odata.type names
// typ or a type derived from it, every property is a structural property
// of that type (navigation properties appear only with $expand, which the
// emulator does not serve), unless the type is open, and every value has
// its property's type.
func (c *csdlChecker) checkObject(path, typ string, obj map[string]any) {
	actual := typ
	if t, ok := obj["@odata.type"].(string); ok {
		named := strings.TrimPrefix(t, "#")
		if c.m.structs[named] == nil {
			c.missing[named] = true
			c.fail(path, "@odata.type %s is not in %s", t, csdlSubsetPath)
			return
		}
		if !c.m.derivesFrom(named, typ) {
			c.fail(path, "@odata.type %s does not derive from %s", t, typ)
			return
		}
		actual = named
	}
	for _, k := range sortedKeysOf(obj) {
		v := obj[k]
		if strings.HasPrefix(k, "@odata.") {
			if !slices.Contains([]string{"@odata.type", "@odata.id", "@odata.etag", "@odata.context", "@odata.nextLink", "@odata.count"}, k) {
				c.fail(path, "unknown control information %s", k)
			}
			continue
		}
		if name, annotation, ok := strings.Cut(k, "@"); ok {
			// An annotation of a property (name@odata.context): the
			// property must exist.
			if _, _, known := c.m.property(actual, name); !known && !c.dynamicAllowed(actual, name) {
				c.fail(path+"."+k, "annotation %s of a property %s does not have", annotation, actual)
			}
			continue
		}
		p, navigation, ok := c.m.property(actual, k)
		switch {
		case !ok && c.dynamicAllowed(actual, k):
			continue // dynamic property of an open type
		case !ok:
			c.fail(path+"."+k, "%s has no property %s", actual, k)
		case navigation && obj[k+"@odata.context"] == nil:
			c.fail(path+"."+k, "navigation property of %s returned without $expand", actual)
		case navigation:
			// Expanded unasked, as Graph does some contained navigation
			// properties, and marked with its own context.
			c.checkValue(path+"."+k, p.Type, v, true)
		default:
			c.checkValue(path+"."+k, p.Type, v, p.Nullable != "false")
		}
	}
}

func sortedKeysOf(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func truncateJSON(v any) string {
	raw, _ := json.Marshal(v)
	if len(raw) > 60 {
		return string(raw[:60]) + "..."
	}
	return string(raw)
}

// loadCSDLSubset reads the vendored subset.
func loadCSDLSubset(t *testing.T) *csdlModel {
	t.Helper()
	raw, err := os.ReadFile(csdlSubsetPath)
	if err != nil {
		t.Fatal(err)
	}
	m, err := parseCSDL(raw)
	if err != nil {
		t.Fatalf("%s: %v", csdlSubsetPath, err)
	}
	return m
}

// csdlSubsetRoots are the types the emulator answers with: its routes'
// entity types, the types only its writes return, and those of mixed
// collections (directoryObject's derived types).
func csdlSubsetRoots() []string {
	roots := []string{"microsoft.graph.onlineMeeting", "microsoft.graph.event", "microsoft.graph.passwordCredential",
		"microsoft.graph.whatIfAnalysisResult", "microsoft.graph.permissionGrantConditionSet", "microsoft.graph.authenticationStrengthPolicy",
		"microsoft.graph.user", "microsoft.graph.group", "microsoft.graph.directoryRole", "microsoft.graph.servicePrincipal",
		"microsoft.graph.application", "microsoft.graph.orgContact", "microsoft.graph.device"}
	for _, r := range graphRoutes {
		if r.Type != nil && !slices.Contains(roots, r.Type.Name) {
			roots = append(roots, r.Type.Name)
		}
	}
	sort.Strings(roots)
	return roots
}

// TestWriteCSDLSubset regenerates testdata/graph-v1.0.csdl from
// Microsoft's whole schema (-csdl-source): the root types, their ancestors
// and every complex and enum type their structural properties use,
// transitively; navigation properties are kept by name and type but not
// followed. Without -csdl-source it only checks that the vendored subset
// parses and holds every root.
func TestWriteCSDLSubset(t *testing.T) {
	if *csdlSource == "" {
		m := loadCSDLSubset(t)
		for _, r := range csdlSubsetRoots() {
			if m.structs[r] == nil {
				t.Errorf("%s lacks %s; regenerate it (see csdl_test.go)", csdlSubsetPath, r)
			}
		}
		return
	}
	raw, err := os.ReadFile(*csdlSource)
	if err != nil {
		t.Fatal(err)
	}
	full, err := parseCSDL(raw)
	if err != nil {
		t.Fatal(err)
	}
	keep := map[string]bool{}
	var visit func(string)
	visit = func(ref string) {
		ref = strings.TrimSuffix(strings.TrimPrefix(ref, "Collection("), ")")
		if keep[ref] || strings.HasPrefix(ref, "Edm.") {
			return
		}
		if full.enums[ref] != nil {
			keep[ref] = true
			return
		}
		st := full.structs[ref]
		if st == nil {
			t.Fatalf("type %s is not in %s", ref, *csdlSource)
		}
		keep[ref] = true
		if st.BaseType != "" {
			visit(st.BaseType)
		}
		for _, p := range st.Properties {
			visit(p.Type)
		}
	}
	for _, r := range csdlSubsetRoots() {
		visit(r)
	}
	if err := os.WriteFile(csdlSubsetPath, writeCSDLSubset(full, keep), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d types", csdlSubsetPath, len(keep))
}

// writeCSDLSubset renders the kept types as EDMX, one schema per
// namespace, with the entity container's entity sets and singletons.
func writeCSDLSubset(m *csdlModel, keep map[string]bool) []byte {
	byNS := map[string][]string{}
	for name := range keep {
		byNS[m.namespaces[name]] = append(byNS[m.namespaces[name]], name)
	}
	var b strings.Builder
	esc := func(s string) string {
		var out strings.Builder
		_ = xml.EscapeText(&out, []byte(s))
		return out.String()
	}
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<!-- A subset of Microsoft Graph's v1.0 schema (microsoftgraph/msgraph-metadata,
     MIT licence: graph-v1.0.csdl.LICENSE): the types teamsctl's emulator
     serves. Generated by TestWriteCSDLSubset in csdl_test.go; do not edit. -->
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
`)
	namespaces := make([]string, 0, len(byNS))
	for ns := range byNS {
		namespaces = append(namespaces, ns)
	}
	sort.Strings(namespaces)
	if !slices.Contains(namespaces, "microsoft.graph") {
		namespaces = append([]string{"microsoft.graph"}, namespaces...)
	}
	for _, ns := range namespaces {
		names := byNS[ns]
		sort.Strings(names)
		fmt.Fprintf(&b, "    <Schema Namespace=%q xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n", ns)
		for _, n := range names {
			short := strings.TrimPrefix(n, ns+".")
			if e := m.enums[n]; e != nil {
				fmt.Fprintf(&b, "      <EnumType Name=%q", short)
				if e.IsFlags {
					b.WriteString(` IsFlags="true"`)
				}
				b.WriteString(">\n")
				for _, mem := range e.Members {
					fmt.Fprintf(&b, "        <Member Name=%q Value=%q />\n", mem.Name, mem.Value)
				}
				b.WriteString("      </EnumType>\n")
				continue
			}
			st := m.structs[n]
			kind := "ComplexType"
			if m.entities[n] {
				kind = "EntityType"
			}
			fmt.Fprintf(&b, "      <%s Name=%q", kind, short)
			if st.BaseType != "" {
				fmt.Fprintf(&b, " BaseType=%q", st.BaseType)
			}
			if st.Abstract {
				b.WriteString(` Abstract="true"`)
			}
			if st.OpenType {
				b.WriteString(` OpenType="true"`)
			}
			b.WriteString(">\n")
			for _, p := range st.Properties {
				fmt.Fprintf(&b, "        <Property Name=%q Type=%q", p.Name, esc(p.Type))
				if p.Nullable != "" {
					fmt.Fprintf(&b, " Nullable=%q", p.Nullable)
				}
				b.WriteString(" />\n")
			}
			for _, p := range st.Navigation {
				fmt.Fprintf(&b, "        <NavigationProperty Name=%q Type=%q />\n", p.Name, esc(p.Type))
			}
			fmt.Fprintf(&b, "      </%s>\n", kind)
		}
		if ns == "microsoft.graph" {
			b.WriteString("      <EntityContainer Name=\"GraphService\">\n")
			names := make([]string, 0, len(m.roots))
			for n := range m.roots {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				if inner, ok := strings.CutPrefix(m.roots[n], "Collection("); ok {
					fmt.Fprintf(&b, "        <EntitySet Name=%q EntityType=%q />\n", n, strings.TrimSuffix(inner, ")"))
				} else {
					fmt.Fprintf(&b, "        <Singleton Name=%q Type=%q />\n", n, m.roots[n])
				}
			}
			b.WriteString("      </EntityContainer>\n")
		}
		b.WriteString("    </Schema>\n")
	}
	b.WriteString("  </edmx:DataServices>\n</edmx:Edmx>\n")
	return []byte(b.String())
}

// The router's list of root segments is exactly the schema's entity sets
// and singletons, so its 400 "Resource not found for the segment" is only
// ever given for names Graph does not have.
func TestGraphRootSegmentsMatchSchema(t *testing.T) {
	m := loadCSDLSubset(t)
	var schema []string
	for n := range m.roots {
		schema = append(schema, n)
	}
	sort.Strings(schema)
	ours := slices.Clone(graphRootSegments)
	sort.Strings(ours)
	if !slices.Equal(schema, ours) {
		t.Errorf("graphRootSegments differ from the schema's entity container:\n ours   %v\n schema %v", ours, schema)
	}
}

// The checker finds each kind of defect the conformance test is for
// (before/after: the values below are what the emulator answered before
// this test existed, next to what Graph sends).
func TestCSDLCheckerFindsDefects(t *testing.T) {
	m := loadCSDLSubset(t)
	for _, tc := range []struct {
		name, typ, body string
		problem         string // "" when the value conforms
	}{
		{"conforming user", "microsoft.graph.user", `{"id":"x","displayName":"A","accountEnabled":true,"businessPhones":[]}`, ""},
		{"unknown property", "microsoft.graph.user", `{"id":"x","nickname":"A"}`, "has no property nickname"},
		{"directory extension", "microsoft.graph.user", `{"extension_b7d8e6f5a4c34b2a9e1f0d2c3b4a5968_costCenter":"42"}`, ""},
		{"whole-second timestamp is fine", "microsoft.graph.group", `{"createdDateTime":"2026-03-01T09:00:00Z"}`, ""},
		{"seven digits", "microsoft.graph.group", `{"createdDateTime":"2026-03-01T09:00:00.1234567Z"}`, ""},
		{"timestamp without zone", "microsoft.graph.group", `{"createdDateTime":"2026-03-01T09:00:00"}`, "Edm.DateTimeOffset"},
		{"string for a boolean", "microsoft.graph.group", `{"securityEnabled":"true"}`, "Edm.Boolean"},
		{"null collection", "microsoft.graph.group", `{"groupTypes":null}`, "want a JSON array"},
		{"beta-only property", "microsoft.graph.conditionalAccessConditionSet", `{"times":null}`, "has no property times"},
		{"navigation without $expand", "microsoft.graph.group", `{"members":[]}`, "navigation property"},
		{"expanded navigation with its context", "microsoft.graph.permissionGrantPolicy",
			`{"includes":[],"includes@odata.context":"https://graph.microsoft.com/v1.0/$metadata#x"}`, ""},
		{"derived @odata.type", "microsoft.graph.directoryObject", `{"@odata.type":"#microsoft.graph.user","displayName":"A"}`, ""},
		{"unrelated @odata.type", "microsoft.graph.group", `{"@odata.type":"#microsoft.graph.user"}`, "does not derive"},
		{"enum member", "microsoft.graph.event", `{"importance":"high"}`, ""},
		{"unknown enum member", "microsoft.graph.event", `{"importance":"urgent"}`, "no member"},
		{"open type", "microsoft.graph.event", `{"anything":1}`, ""},
		{"bad GUID", "microsoft.graph.application", `{"appId":"not-a-guid"}`, ""}, // appId is Edm.String
		{"bad GUID in a Guid property", "microsoft.graph.appRoleAssignment", `{"appRoleId":"not-a-guid"}`, "Edm.Guid"},
	} {
		var v any
		dec := json.NewDecoder(strings.NewReader(tc.body))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		c := &csdlChecker{m: m, missing: map[string]bool{}}
		c.checkValue(tc.name, tc.typ, v, false)
		got := strings.Join(c.problems, "; ")
		switch {
		case tc.problem == "" && got != "":
			t.Errorf("%s: unexpected problem %s", tc.name, got)
		case tc.problem != "" && !strings.Contains(got, tc.problem):
			t.Errorf("%s: problems %q, want one about %q", tc.name, got, tc.problem)
		}
	}
}
