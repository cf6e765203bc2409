package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// queryOption is a set of OData system query options a route accepts.
type queryOption int

const (
	optSelect queryOption = 1 << iota
	optFilter
	optTop
	optCount
	optOrderBy
	optSearch
	optExpand
	optSkipToken

	optEntity     = optSelect | optExpand
	optCollection = optSelect | optFilter | optTop | optCount | optOrderBy | optSearch | optExpand | optSkipToken
)

// optionNames are the names OData WebApi uses in its "not allowed" message.
var optionNames = map[string]struct {
	opt  queryOption
	name string
}{
	"$select":    {optSelect, "Select"},
	"$filter":    {optFilter, "Filter"},
	"$top":       {optTop, "Top"},
	"$count":     {optCount, "Count"},
	"$orderby":   {optOrderBy, "OrderBy"},
	"$search":    {optSearch, "Search"},
	"$expand":    {optExpand, "Expand"},
	"$skiptoken": {optSkipToken, "SkipToken"},
}

// Graph's paging limits for directory collections.
const (
	defaultPageSize = 100
	maxPageSize     = 999
)

// odataQuery holds the parsed system query options of a request.
type odataQuery struct {
	Select     []string
	FilterText string
	Filter     filterExpr
	Top        int
	Skip       int
	Count      bool
	OrderBy    string
	OrderDesc  bool
	// Advanced is true with the ConsistencyLevel: eventual header, which
	// Graph requires for ne, endsWith, not, $count and $search.
	Advanced bool
}

// parseODataQuery reads $-options. Options Graph rejects give its 400s;
// options Graph accepts but the emulator does not model give 501.
func parseODataQuery(r *http.Request, allowed queryOption) (*odataQuery, *graphError) {
	q := &odataQuery{Advanced: strings.EqualFold(r.Header.Get("ConsistencyLevel"), "eventual")}
	values := r.URL.Query()
	for _, key := range sortedKeys(values) {
		if !strings.HasPrefix(key, "$") {
			continue // Graph ignores unknown non-system parameters
		}
		val := values.Get(key)
		lower := strings.ToLower(key)
		if lower == "$skip" {
			return nil, errBadRequest("'$skip' is not supported by the service.")
		}
		known, ok := optionNames[lower]
		if !ok {
			return nil, newGraphError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The query parameter '%s' is not supported.", key))
		}
		if allowed&known.opt == 0 {
			return nil, newGraphError(http.StatusBadRequest, "BadRequest", fmt.Sprintf(
				"The query specified in the URI is not valid. Query option '%s' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.", known.name))
		}
		if gerr := q.set(lower, val); gerr != nil {
			return nil, gerr
		}
	}
	return q, nil
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (q *odataQuery) set(option, val string) *graphError {
	switch option {
	case "$select":
		for _, p := range strings.Split(val, ",") {
			if p = strings.TrimSpace(p); p != "" {
				q.Select = append(q.Select, p)
			}
		}
	case "$filter":
		expr, err := parseFilter(val)
		if err != nil {
			return newGraphError(http.StatusBadRequest, "BadRequest", "Invalid filter clause: "+err.Error())
		}
		q.Filter, q.FilterText = expr, val
	case "$top":
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 || n > maxPageSize {
			// Observed wording for directory collections; the code is
			// unverified.
			return newGraphError(http.StatusBadRequest, "Request_UnsupportedQuery",
				fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", val, maxPageSize))
		}
		q.Top = n
	case "$count":
		if !q.Advanced {
			// Unverified wording; the rule (advanced queries need
			// ConsistencyLevel: eventual) is documented.
			return errBadRequest("$count is not currently supported.")
		}
		q.Count = strings.EqualFold(val, "true")
	case "$orderby":
		prop, dir, _ := strings.Cut(strings.TrimSpace(val), " ")
		q.OrderBy, q.OrderDesc = prop, strings.EqualFold(strings.TrimSpace(dir), "desc")
	case "$search":
		if !q.Advanced {
			return newGraphError(http.StatusBadRequest, "Request_UnsupportedQuery",
				"Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'")
		}
		return errNotModelled("$search")
	case "$expand":
		return errNotModelled("$expand")
	case "$skiptoken":
		skip, ok := decodeSkipToken(val)
		if !ok {
			return newGraphError(http.StatusBadRequest, "Directory_ExpiredPageToken",
				"The specified page token value has expired and can no longer be included in your request.")
		}
		q.Skip = skip
	}
	return nil
}

// Skip tokens are opaque to clients; the emulator encodes an offset.
func encodeSkipToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("emu-skip:" + strconv.Itoa(offset)))
}

func decodeSkipToken(tok string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(raw), "emu-skip:"))
	if err != nil || n < 0 || !strings.HasPrefix(string(raw), "emu-skip:") {
		return 0, false
	}
	return n, true
}

// graphType describes an entity type for $select, $filter and $orderby.
type graphType struct {
	Name string // microsoft.graph.application
	// Resource is the name directory filter errors use ("Application").
	Resource string
	// Zero renders an empty object, whose keys are the selectable properties.
	Zero func() map[string]any
	// Filter lists filterable properties and their operators
	// ("eq in startswith any ge le"); with ConsistencyLevel: eventual, ne,
	// not and endswith are also allowed wherever eq / startswith are.
	Filter map[string]string
	// OrderBy lists sortable properties.
	OrderBy []string
	// PageSize overrides the directory's default page size (Outlook
	// collections page by 10).
	PageSize int
	// Default, when set, are the properties returned without $select
	// (users return only a basic set unless asked for more).
	Default []string
}

// selectSuffix is the "(a,b)" part @odata.context gets for $select.
func (q *odataQuery) selectSuffix() string {
	if len(q.Select) == 0 {
		return ""
	}
	return "(" + strings.Join(q.Select, ",") + ")"
}

// selects reports whether prop is $select-ed.
func (q *odataQuery) selects(prop string) bool { return containsFold(q.Select, prop) }

// project applies $select to a view: unknown properties give Graph's 400.
func (q *odataQuery) project(view map[string]any, t *graphType) (map[string]any, *graphError) {
	if t == nil || (len(q.Select) == 0 && t.Default == nil) {
		return view, nil
	}
	if len(q.Select) == 0 {
		out := map[string]any{}
		for _, k := range append([]string{"@odata.type", "@odata.id"}, t.Default...) {
			if v, ok := view[k]; ok {
				out[k] = v
			}
		}
		return out, nil
	}
	zero := t.Zero()
	out := map[string]any{}
	for _, p := range q.Select {
		name, ok := canonicalProp(zero, p)
		if !ok {
			return nil, newGraphError(http.StatusBadRequest, "BadRequest",
				fmt.Sprintf("Could not find a property named '%s' on type '%s'.", p, t.Name))
		}
		if v, present := view[name]; present {
			out[name] = v
		}
	}
	for _, k := range []string{"@odata.type", "@odata.id"} {
		if v, ok := view[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

func canonicalProp(zero map[string]any, p string) (string, bool) {
	if _, ok := zero[p]; ok {
		return p, true
	}
	for k := range zero {
		if strings.EqualFold(k, p) {
			return k, true
		}
	}
	return "", false
}

// writeCollection filters, sorts, pages and projects views and writes
// {"@odata.context", "value", "@odata.nextLink"}.
func (c *graphCall) writeCollection(contextPath string, views []map[string]any) *graphError {
	t := c.route.Type
	views, gerr := c.query.apply(views, t)
	if gerr != nil {
		return gerr
	}
	total := len(views)
	size := defaultPageSize
	if t != nil && t.PageSize > 0 {
		size = t.PageSize
	}
	if c.query.Top > 0 {
		size = c.query.Top
	}
	start := min(c.query.Skip, total)
	end := min(start+size, total)
	page := make([]map[string]any, 0, end-start)
	for _, v := range views[start:end] {
		p, gerr := c.query.project(v, t)
		if gerr != nil {
			return gerr
		}
		page = append(page, p)
	}
	if len(c.query.Select) > 0 && len(page) == 0 && t != nil {
		if _, gerr := c.query.project(t.Zero(), t); gerr != nil {
			return gerr
		}
	}
	body := map[string]any{"@odata.context": c.contextURL(contextPath, false), "value": page}
	if c.query.Count && start == 0 {
		body["@odata.count"] = total
	}
	if end < total {
		body["@odata.nextLink"] = c.nextLink(end)
	}
	writeJSON(c.w, http.StatusOK, body)
	return nil
}

// nextLink is the absolute URL of the next page: the same request with a
// new $skiptoken, on the host the client used.
func (c *graphCall) nextLink(offset int) string {
	q := c.r.URL.Query()
	for k := range q {
		if strings.EqualFold(k, "$skiptoken") {
			q.Del(k)
		}
	}
	q.Set("$skiptoken", encodeSkipToken(offset))
	return baseURL(c.r) + c.r.URL.Path + "?" + strings.ReplaceAll(q.Encode(), "%24", "$")
}

// apply runs $filter and $orderby.
func (q *odataQuery) apply(views []map[string]any, t *graphType) ([]map[string]any, *graphError) {
	if q.Filter != nil {
		if t == nil || t.Filter == nil {
			return nil, errUnsupportedQuery()
		}
		if gerr := checkFilter(q.Filter, t, q.Advanced, nil); gerr != nil {
			return nil, gerr
		}
		props := filterProps(q.Filter, map[string]bool{})
		kept := views[:0:0]
		for _, v := range views {
			if evalFilter(q.Filter, toFilterRecord(v, props)) {
				kept = append(kept, v)
			}
		}
		views = kept
	}
	if q.OrderBy != "" {
		if t == nil || !containsFold(t.OrderBy, q.OrderBy) {
			return nil, errUnsupportedQuery()
		}
		key := func(v map[string]any) string { return fmt.Sprint(resolveFilterPath(v, nil, q.OrderBy)) }
		sort.SliceStable(views, func(i, j int) bool {
			a, b := key(views[i]), key(views[j])
			if q.OrderDesc {
				return strings.ToLower(a) > strings.ToLower(b)
			}
			return strings.ToLower(a) < strings.ToLower(b)
		})
	}
	return views, nil
}

func errUnsupportedQuery() *graphError {
	return newGraphError(http.StatusBadRequest, "Request_UnsupportedQuery", "Unsupported Query.")
}

// checkFilter verifies that every property and operator of a filter is one
// the collection supports. lambdaVars are the variables of enclosing any()
// lambdas, mapped to the collection property they range over.
func checkFilter(e filterExpr, t *graphType, advanced bool, lambdaVars map[string]string) *graphError {
	switch x := e.(type) {
	case filterAnd:
		if gerr := checkFilter(x.L, t, advanced, lambdaVars); gerr != nil {
			return gerr
		}
		return checkFilter(x.R, t, advanced, lambdaVars)
	case filterOr:
		if gerr := checkFilter(x.L, t, advanced, lambdaVars); gerr != nil {
			return gerr
		}
		return checkFilter(x.R, t, advanced, lambdaVars)
	case filterNot:
		if !advanced {
			return errAdvancedOperator("not")
		}
		return checkFilter(x.X, t, advanced, lambdaVars)
	case filterCompare:
		return checkFilterOp(t, lambdaVars, x.Prop, x.Op, advanced)
	case filterIn:
		return checkFilterOp(t, lambdaVars, x.Prop, "in", advanced)
	case filterFunc:
		return checkFilterOp(t, lambdaVars, x.Prop, x.Name, advanced)
	case filterAny:
		if gerr := checkFilterOp(t, lambdaVars, x.Prop, "any", advanced); gerr != nil {
			return gerr
		}
		inner := map[string]string{x.Var: x.Prop}
		for k, v := range lambdaVars {
			inner[k] = v
		}
		return checkFilter(x.Body, t, advanced, inner)
	}
	return errUnsupportedQuery()
}

// checkFilterOp checks one property/operator pair. Inside a lambda the
// variable stands for an element of the collection property; its operators
// are those listed for "<collection>/$each" (eq and startswith by default).
func checkFilterOp(t *graphType, lambdaVars map[string]string, prop, op string, advanced bool) *graphError {
	key := prop
	if head, rest, _ := strings.Cut(prop, "/"); lambdaVars[head] != "" {
		key = lambdaVars[head] + "/$each"
		if rest != "" {
			key = lambdaVars[head] + "/" + rest
		}
	}
	ops, ok := lookupFold(t.Filter, key)
	if !ok && strings.HasSuffix(key, "/$each") {
		ops, ok = "eq startswith", true
	}
	if !ok {
		return errUnsupportedFilterProperty(prop, t)
	}
	allowed := strings.Fields(ops)
	switch {
	case containsFold(allowed, op):
		return nil
	case op == "ne" && containsFold(allowed, "eq"), op == "endswith" && containsFold(allowed, "startswith"):
		if !advanced {
			return errAdvancedOperator(op)
		}
		return nil
	}
	return errUnsupportedFilterProperty(prop, t)
}

func lookupFold(m map[string]string, key string) (string, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}

func errUnsupportedFilterProperty(prop string, t *graphType) *graphError {
	return newGraphError(http.StatusBadRequest, "Request_UnsupportedQuery", fmt.Sprintf(
		"Unsupported or invalid query filter clause specified for property '%s' of resource '%s'.", prop, t.Resource))
}

// errAdvancedOperator is Graph's answer to an advanced-query operator
// without ConsistencyLevel: eventual (community-observed wording).
func errAdvancedOperator(op string) *graphError {
	name := map[string]string{"ne": "ne", "not": "not", "endswith": "endsWith"}[op]
	return newGraphError(http.StatusBadRequest, "Request_UnsupportedQuery", fmt.Sprintf(
		"Operator '%s' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information", name))
}

// toFilterRecord converts the properties of a view that the filter
// names (props, lower case) into plain JSON values (slices of strings
// become []any) so the evaluator sees what a client would. Converting only
// those keeps a filter over the large tenant's 20,000 service principals
// from encoding every property of each.
func toFilterRecord(view map[string]any, props map[string]bool) map[string]any {
	named := make(map[string]any, len(props))
	for k, v := range view {
		for p := range props {
			if strings.EqualFold(k, p) {
				named[k] = v
				break
			}
		}
	}
	raw, err := json.Marshal(named)
	if err != nil {
		return view
	}
	var out map[string]any
	if json.Unmarshal(raw, &out) != nil {
		return view
	}
	return out
}

// filterProps adds to into the first segment, in lower case, of every
// property path e names (a lambda variable's name too, which matches no
// property or one the filter names anyway), and returns into.
func filterProps(e filterExpr, into map[string]bool) map[string]bool {
	add := func(path string) {
		first, _, _ := strings.Cut(path, "/")
		into[strings.ToLower(first)] = true
	}
	switch x := e.(type) {
	case filterAnd:
		filterProps(x.L, into)
		filterProps(x.R, into)
	case filterOr:
		filterProps(x.L, into)
		filterProps(x.R, into)
	case filterNot:
		filterProps(x.X, into)
	case filterCompare:
		add(x.Prop)
	case filterIn:
		add(x.Prop)
	case filterFunc:
		add(x.Prop)
	case filterAny:
		add(x.Prop)
		filterProps(x.Body, into)
	}
	return into
}
