package ui

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Escape returns s with every character that could steer a terminal or
// break a line-oriented layout written as a visible escape: tab, newline
// and carriage return as \t, \n and \r, other C0 controls and DEL as \xNN
// (ESC is \x1b), C1 controls and the bidirectional formatting characters
// (overrides, embeddings, isolates, marks) and the line and paragraph
// separators as \uNNNN, and bytes that are not UTF-8 as \xNN. Everything
// else, backslashes included, is unchanged, so an escaped string escapes
// to itself.
//
// Strings that come from Microsoft Graph or from a file are
// attacker-controlled: anyone who can register an app names it.
func Escape(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return r == utf8.RuneError || needsEscape(r) })
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for rest := s[i:]; rest != ""; {
		r, size := utf8.DecodeRuneInString(rest)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, rest[0])
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80 && needsEscape(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(rest[:size])
		}
		rest = rest[size:]
	}
	return b.String()
}

// EscapeLines is Escape for text whose newlines are its layout, such as a
// PowerShell snippet of several commands: each line is escaped, the
// newlines between them are kept.
func EscapeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Escape(l)
	}
	return strings.Join(lines, "\n")
}

// needsEscape reports the runes Escape writes as escapes.
func needsEscape(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f: // C0 controls, DEL
		return true
	case r >= 0x80 && r <= 0x9f: // C1 controls (CSI, OSC, ...)
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // Arabic letter mark, LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // embeddings and overrides
		return true
	case r >= 0x2066 && r <= 0x2069: // isolates
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

// Escaped returns a deep copy of v whose every string (in exported struct
// fields, slices, arrays, map keys and values, pointers and interfaces) is
// Escape'd; a string field tagged text:"lines" is EscapeLines'd instead. The printer hands it to text renderers, so a result's strings
// cannot reach a terminal raw; JSON output uses v itself and stays exact.
func Escaped[T any](v T) T {
	out, ok := escapeValue(reflect.ValueOf(&v).Elem()).Interface().(T)
	if !ok {
		return v
	}
	return out
}

func escapeValue(v reflect.Value) reflect.Value {
	t := v.Type()
	switch v.Kind() {
	case reflect.String:
		out := reflect.New(t).Elem()
		out.SetString(Escape(v.String()))
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(t.Elem())
		out.Elem().Set(escapeValue(v.Elem()))
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(t).Elem()
		out.Set(escapeValue(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(t).Elem()
		out.Set(v) // unexported fields (time.Time's) are copied as they are
		for i := range t.NumField() {
			f := t.Field(i)
			switch {
			case !f.IsExported():
			case f.Type.Kind() == reflect.String && f.Tag.Get("text") == "lines":
				out.Field(i).SetString(EscapeLines(v.Field(i).String()))
			default:
				out.Field(i).Set(escapeValue(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(escapeValue(v.Index(i)))
		}
		return out
	case reflect.Array:
		out := reflect.New(t).Elem()
		for i := range v.Len() {
			out.Index(i).Set(escapeValue(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(t, v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(escapeValue(it.Key()), escapeValue(it.Value()))
		}
		return out
	default:
		return v
	}
}
