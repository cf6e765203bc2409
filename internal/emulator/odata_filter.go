package emulator

import (
	"fmt"
	"strings"
)

// This file is a small, pure OData $filter parser and evaluator covering the
// subset Microsoft Graph's directory endpoints accept: comparisons (eq, ne,
// gt, ge, lt, le), in (...), startswith/endswith, and/or/not, parentheses and
// the any() lambda on collections (servicePrincipalNames/any(c:c eq 'x')).
// Which properties and operators a collection accepts is checked separately
// (checkFilter), because that is where Graph's errors differ from syntax
// errors.

// filterExpr is a node of a parsed filter.
type filterExpr interface {
	String() string
}

type (
	filterAnd struct{ L, R filterExpr }
	filterOr  struct{ L, R filterExpr }
	filterNot struct{ X filterExpr }
	// filterCompare is "prop op value"; Prop is a path such as "appId",
	// "c" (a lambda variable) or "c/skuId".
	filterCompare struct {
		Prop  string
		Op    string // eq ne gt ge lt le
		Value filterValue
	}
	filterIn struct {
		Prop   string
		Values []filterValue
	}
	// filterFunc is startswith(prop,'x') or endswith(prop,'x').
	filterFunc struct {
		Name string
		Prop string
		Arg  filterValue
	}
	// filterAny is prop/any(v:body).
	filterAny struct {
		Prop string
		Var  string
		Body filterExpr
	}
)

// filterValue is a literal. Kind is string, bool, null or raw (an unquoted
// literal: number, GUID or date-time).
type filterValue struct {
	Kind string
	Text string
}

func (e filterAnd) String() string { return "(" + e.L.String() + " and " + e.R.String() + ")" }
func (e filterOr) String() string  { return "(" + e.L.String() + " or " + e.R.String() + ")" }
func (e filterNot) String() string { return "not(" + e.X.String() + ")" }
func (e filterCompare) String() string {
	return e.Prop + " " + e.Op + " " + e.Value.String()
}
func (e filterIn) String() string {
	parts := make([]string, len(e.Values))
	for i, v := range e.Values {
		parts[i] = v.String()
	}
	return e.Prop + " in (" + strings.Join(parts, ",") + ")"
}
func (e filterFunc) String() string { return e.Name + "(" + e.Prop + "," + e.Arg.String() + ")" }
func (e filterAny) String() string {
	return e.Prop + "/any(" + e.Var + ":" + e.Body.String() + ")"
}

func (v filterValue) String() string {
	if v.Kind == "string" {
		return "'" + strings.ReplaceAll(v.Text, "'", "''") + "'"
	}
	return v.Text
}

// filterSyntaxError is a malformed filter.
type filterSyntaxError struct {
	Pos int
	Msg string
}

func (e *filterSyntaxError) Error() string {
	return fmt.Sprintf("Syntax error at position %d: %s", e.Pos, e.Msg)
}

type filterToken struct {
	kind string // word, string, "(", ")", ",", ":", eof
	text string
	pos  int
}

// tokenizeFilter splits a filter into words, string literals and
// punctuation. A word that starts with a digit may contain ':' so unquoted
// date-times survive; elsewhere ':' separates a lambda variable.
func tokenizeFilter(src string) ([]filterToken, error) {
	var toks []filterToken
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case strings.IndexByte("(),:", c) >= 0:
			toks = append(toks, filterToken{kind: string(c), text: string(c), pos: i})
			i++
		case c == '\'':
			text, next, err := scanFilterString(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, filterToken{kind: "string", text: text, pos: i})
			i = next
		case isFilterWordByte(c, false):
			start := i
			digit := c >= '0' && c <= '9'
			for i < len(src) && isFilterWordByte(src[i], digit) {
				i++
			}
			toks = append(toks, filterToken{kind: "word", text: src[start:i], pos: start})
		default:
			return nil, &filterSyntaxError{Pos: i, Msg: fmt.Sprintf("character '%c' is not valid", c)}
		}
	}
	return append(toks, filterToken{kind: "eof", pos: len(src)}), nil
}

func isFilterWordByte(c byte, digitWord bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	case c == '_' || c == '.' || c == '/' || c == '-' || c == '$' || c == '@':
		return true
	case digitWord && (c == ':' || c == '+'):
		return true
	}
	return false
}

// scanFilterString reads a quoted literal starting at src[start] == '\”
// where ” is an escaped quote.
func scanFilterString(src string, start int) (string, int, error) {
	var b strings.Builder
	for i := start + 1; i < len(src); i++ {
		if src[i] != '\'' {
			b.WriteByte(src[i])
			continue
		}
		if i+1 < len(src) && src[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return b.String(), i + 1, nil
	}
	return "", 0, &filterSyntaxError{Pos: start, Msg: "unterminated string literal"}
}

// maxFilterDepth bounds nesting so hostile filters cannot exhaust the stack.
const maxFilterDepth = 32

type filterParser struct {
	toks  []filterToken
	i     int
	depth int
}

// parseFilter parses a $filter value.
func parseFilter(src string) (filterExpr, error) {
	toks, err := tokenizeFilter(src)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != "eof" {
		return nil, &filterSyntaxError{Pos: t.pos, Msg: fmt.Sprintf("unexpected '%s'", t.text)}
	}
	return e, nil
}

func (p *filterParser) peek() filterToken { return p.toks[p.i] }

func (p *filterParser) next() filterToken {
	t := p.toks[p.i]
	if t.kind != "eof" {
		p.i++
	}
	return t
}

func (p *filterParser) expect(kind string) (filterToken, error) {
	t := p.next()
	if t.kind != kind {
		return t, &filterSyntaxError{Pos: t.pos, Msg: fmt.Sprintf("expected '%s'", kind)}
	}
	return t, nil
}

func (p *filterParser) isKeyword(word string) bool {
	t := p.peek()
	return t.kind == "word" && strings.EqualFold(t.text, word)
}

func (p *filterParser) parseOr() (filterExpr, error) {
	l, err := p.parseAnd()
	for err == nil && p.isKeyword("or") {
		p.next()
		var r filterExpr
		if r, err = p.parseAnd(); err == nil {
			l = filterOr{l, r}
		}
	}
	return l, err
}

func (p *filterParser) parseAnd() (filterExpr, error) {
	l, err := p.parseUnary()
	for err == nil && p.isKeyword("and") {
		p.next()
		var r filterExpr
		if r, err = p.parseUnary(); err == nil {
			l = filterAnd{l, r}
		}
	}
	return l, err
}

func (p *filterParser) parseUnary() (filterExpr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxFilterDepth {
		return nil, &filterSyntaxError{Pos: p.peek().pos, Msg: "the filter is nested too deeply"}
	}
	if p.isKeyword("not") {
		p.next()
		x, err := p.parseUnary()
		return filterNot{x}, err
	}
	if p.peek().kind == "(" {
		p.next()
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		_, err = p.expect(")")
		return e, err
	}
	return p.parsePrimary()
}

// parsePrimary parses a function call, an any() lambda, a comparison or an
// in-list; each starts with a word.
func (p *filterParser) parsePrimary() (filterExpr, error) {
	t, err := p.expect("word")
	if err != nil {
		return nil, err
	}
	if p.peek().kind == "(" {
		return p.parseCall(t)
	}
	prop := t.text
	opTok := p.next()
	if opTok.kind != "word" {
		return nil, &filterSyntaxError{Pos: opTok.pos, Msg: "expected an operator after '" + prop + "'"}
	}
	op := strings.ToLower(opTok.text)
	switch op {
	case "eq", "ne", "gt", "ge", "lt", "le":
		v, err := p.parseValue()
		return filterCompare{Prop: prop, Op: op, Value: v}, err
	case "in":
		vals, err := p.parseValueList()
		return filterIn{Prop: prop, Values: vals}, err
	}
	return nil, &filterSyntaxError{Pos: opTok.pos, Msg: fmt.Sprintf("unknown operator '%s'", opTok.text)}
}

// parseCall handles name(...) where name is startswith/endswith or
// path/any / path/all.
func (p *filterParser) parseCall(name filterToken) (filterExpr, error) {
	p.next() // (
	if path, fn, ok := cutLastSlash(name.text); ok && (strings.EqualFold(fn, "any") || strings.EqualFold(fn, "all")) {
		return p.parseLambda(path, strings.ToLower(fn), name.pos)
	}
	fn := strings.ToLower(name.text)
	if fn != "startswith" && fn != "endswith" {
		return nil, &filterSyntaxError{Pos: name.pos, Msg: fmt.Sprintf("unknown function '%s'", name.text)}
	}
	prop, err := p.expect("word")
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(","); err != nil {
		return nil, err
	}
	arg, err := p.parseValue()
	if err != nil {
		return nil, err
	}
	_, err = p.expect(")")
	return filterFunc{Name: fn, Prop: prop.text, Arg: arg}, err
}

func (p *filterParser) parseLambda(path, fn string, pos int) (filterExpr, error) {
	if fn != "any" {
		return nil, &filterSyntaxError{Pos: pos, Msg: "the 'all' lambda operator is not supported"}
	}
	v, err := p.expect("word")
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(":"); err != nil {
		return nil, err
	}
	body, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(")"); err != nil {
		return nil, err
	}
	return filterAny{Prop: path, Var: v.text, Body: body}, nil
}

func cutLastSlash(s string) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, '/')
	if i <= 0 || i == len(s)-1 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

func (p *filterParser) parseValue() (filterValue, error) {
	t := p.next()
	switch t.kind {
	case "string":
		return filterValue{Kind: "string", Text: t.text}, nil
	case "word":
		switch strings.ToLower(t.text) {
		case "true", "false":
			return filterValue{Kind: "bool", Text: strings.ToLower(t.text)}, nil
		case "null":
			return filterValue{Kind: "null", Text: "null"}, nil
		}
		return filterValue{Kind: "raw", Text: t.text}, nil
	}
	return filterValue{}, &filterSyntaxError{Pos: t.pos, Msg: "expected a literal value"}
}

func (p *filterParser) parseValueList() ([]filterValue, error) {
	if _, err := p.expect("("); err != nil {
		return nil, err
	}
	var vals []filterValue
	for {
		v, err := p.parseValue()
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		t := p.next()
		if t.kind == ")" {
			return vals, nil
		}
		if t.kind != "," {
			return nil, &filterSyntaxError{Pos: t.pos, Msg: "expected ',' or ')'"}
		}
	}
}

// filterRecord is what a filter is evaluated against: the Graph view of one
// object (a JSON-shaped map).
type filterRecord = map[string]any

// evalFilter reports whether rec satisfies e. vars binds lambda variables.
func evalFilter(e filterExpr, rec filterRecord) bool {
	return evalFilterIn(e, rec, nil)
}

func evalFilterIn(e filterExpr, rec filterRecord, vars map[string]any) bool {
	switch x := e.(type) {
	case filterAnd:
		return evalFilterIn(x.L, rec, vars) && evalFilterIn(x.R, rec, vars)
	case filterOr:
		return evalFilterIn(x.L, rec, vars) || evalFilterIn(x.R, rec, vars)
	case filterNot:
		return !evalFilterIn(x.X, rec, vars)
	case filterCompare:
		return compareFilterValue(resolveFilterPath(rec, vars, x.Prop), x.Op, x.Value)
	case filterIn:
		got := resolveFilterPath(rec, vars, x.Prop)
		for _, v := range x.Values {
			if compareFilterValue(got, "eq", v) {
				return true
			}
		}
		return false
	case filterFunc:
		got, ok := resolveFilterPath(rec, vars, x.Prop).(string)
		if !ok {
			return false
		}
		got, want := strings.ToLower(got), strings.ToLower(x.Arg.Text)
		if x.Name == "startswith" {
			return strings.HasPrefix(got, want)
		}
		return strings.HasSuffix(got, want)
	case filterAny:
		items, _ := resolveFilterPath(rec, vars, x.Prop).([]any)
		for _, item := range items {
			inner := map[string]any{}
			for k, v := range vars {
				inner[k] = v
			}
			inner[x.Var] = item
			if evalFilterIn(x.Body, rec, inner) {
				return true
			}
		}
	}
	return false
}

// resolveFilterPath looks up "a/b" in rec, or in a lambda variable when the
// first segment names one.
func resolveFilterPath(rec filterRecord, vars map[string]any, path string) any {
	segs := strings.Split(path, "/")
	var cur any = rec
	if v, ok := vars[segs[0]]; ok {
		cur, segs = v, segs[1:]
	}
	for _, s := range segs {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = lookupAnyFold(m, s)
	}
	return cur
}

// lookupAnyFold finds a property by name, case-insensitively as Graph
// resolves filter properties.
func lookupAnyFold(m map[string]any, name string) any {
	if v, ok := m[name]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// compareFilterValue compares a view value with a literal. Directory string
// comparisons are case-insensitive; date-times compare chronologically.
func compareFilterValue(got any, op string, want filterValue) bool {
	switch g := got.(type) {
	case nil:
		isNull := want.Kind == "null"
		return (op == "eq" && isNull) || (op == "ne" && !isNull)
	case bool:
		return compareOrdered(op, boolCmp(g, want.Text == "true"), want.Kind == "bool")
	case string:
		// Date-times compare chronologically: the directory's unquoted
		// DateTimeOffset literals, and Outlook's quoted local times
		// ('2017-07-01T08:00', UTC) against dateTimeTimeZone values.
		if t, ok := parseWindowTime(g); ok && want.Kind != "null" {
			if w, ok := parseWindowTime(want.Text); ok {
				return compareOrdered(op, t.Compare(w), true)
			}
		}
		if want.Kind == "null" {
			return op == "ne"
		}
		return compareOrdered(op, strings.Compare(strings.ToLower(g), strings.ToLower(want.Text)), true)
	case float64, int:
		return compareOrdered(op, strings.Compare(fmt.Sprint(g), want.Text), true)
	}
	return false
}

func boolCmp(a, b bool) int {
	if a == b {
		return 0
	}
	if !a {
		return -1
	}
	return 1
}

func compareOrdered(op string, cmp int, comparable bool) bool {
	if !comparable {
		return op == "ne"
	}
	switch op {
	case "eq":
		return cmp == 0
	case "ne":
		return cmp != 0
	case "gt":
		return cmp > 0
	case "ge":
		return cmp >= 0
	case "lt":
		return cmp < 0
	case "le":
		return cmp <= 0
	}
	return false
}
