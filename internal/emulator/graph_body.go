package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// propSpec classifies the properties of a writable Graph type.
type propSpec struct {
	// Type is the full type name used in error messages.
	Type string
	// Writable properties are stored by the emulator.
	Writable []string
	// ReadOnly properties exist but cannot be set.
	ReadOnly []string
	// Unmodelled properties exist and are writable in Graph, but the
	// emulator does not store them: empty values are accepted, anything
	// else is refused with 501 rather than silently dropped.
	Unmodelled []string
}

// checkBodyProps rejects unknown and read-only properties the way Graph
// does. Instance annotations such as @odata.type (sent by the SDK) pass.
func checkBodyProps(body map[string]json.RawMessage, spec propSpec) *graphError {
	for _, name := range sortedRawKeys(body) {
		switch {
		case strings.HasPrefix(name, "@"):
		case containsExact(spec.Writable, name):
		case containsExact(spec.ReadOnly, name):
			// Wording unverified.
			return errBadRequest("Property '%s' is read-only and cannot be set.", name)
		case containsExact(spec.Unmodelled, name):
			if !isZeroJSON(body[name]) {
				return errNotModelled(fmt.Sprintf("setting property '%s' of %s", name, spec.Type))
			}
		default:
			return errUnknownProperty(name, spec.Type)
		}
	}
	return nil
}

// errUnknownProperty is OData's refusal of a property the type lacks
// (the code Graph uses here is unverified).
func errUnknownProperty(name, typeName string) *graphError {
	return newGraphError(http.StatusBadRequest, "BadRequest", fmt.Sprintf(
		"Property '%s' does not exist on type '%s'. Make sure to only use property names that are defined by the type or mark the type as open type.", name, typeName))
}

func containsExact(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func sortedRawKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// isZeroJSON reports whether a value is null, false, 0, "", [] or an
// object whose members are all zero: what a client sends for "unset".
func isZeroJSON(raw json.RawMessage) bool {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return false
	}
	return isZeroValue(v)
}

func isZeroValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case json.Number:
		return x.String() == "0"
	case []any:
		return len(x) == 0
	case map[string]any:
		for k, e := range x {
			if !strings.HasPrefix(k, "@") && !isZeroValue(e) {
				return false
			}
		}
		return true
	}
	return false
}

// objectBody decodes a nested object property and checks its properties.
func objectBody(body map[string]json.RawMessage, name string, spec propSpec) (map[string]json.RawMessage, *graphError) {
	raw, ok := body[name]
	if !ok || string(raw) == "null" {
		return nil, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, newGraphError(http.StatusBadRequest, "BadRequest",
			fmt.Sprintf("Cannot convert the literal '%s' to the expected type '%s'.", string(raw), spec.Type))
	}
	return obj, checkBodyProps(obj, spec)
}

// arrayBody decodes an array-of-objects property, checking each element.
func arrayBody(body map[string]json.RawMessage, name string, spec propSpec) ([]map[string]json.RawMessage, bool, *graphError) {
	raw, ok := body[name]
	if !ok {
		return nil, false, nil
	}
	var items []map[string]json.RawMessage
	if string(raw) != "null" {
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, true, newGraphError(http.StatusBadRequest, "BadRequest",
				fmt.Sprintf("Cannot convert the literal '%s' to the expected type 'Collection(%s)'.", string(raw), spec.Type))
		}
	}
	for _, it := range items {
		if gerr := checkBodyProps(it, spec); gerr != nil {
			return nil, true, gerr
		}
	}
	return items, true, nil
}
