package emulator

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// graphError is a Graph error response a handler returns.
type graphError struct {
	Status  int
	Code    string
	Message string
	Details []GraphErrorDetail
	// Header is set on the response (WWW-Authenticate on 401s).
	Header http.Header
}

func (e *graphError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func newGraphError(status int, code, message string, details ...GraphErrorDetail) *graphError {
	return &graphError{Status: status, Code: code, Message: message, Details: details}
}

func errBadRequest(format string, args ...any) *graphError {
	return newGraphError(http.StatusBadRequest, "Request_BadRequest", fmt.Sprintf(format, args...))
}

// errNotFound is the directory's 404 for an unknown (or not yet replicated)
// object id (graph.md sections 1 and 10).
func errNotFound(ref string) *graphError {
	return newGraphError(http.StatusNotFound, "Request_ResourceNotFound",
		fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", ref))
}

// errNotModelled marks requests Graph accepts but the emulator does not
// emulate: it refuses loudly (501) rather than answer wrongly.
func errNotModelled(what string) *graphError {
	return newGraphError(http.StatusNotImplemented, "NotImplemented", "The emulator does not support "+what+".")
}

// graphCall is one Graph request being served.
type graphCall struct {
	s       *Server
	w       http.ResponseWriter
	r       *http.Request
	version string
	now     time.Time
	route   *graphRoute
	params  map[string]string
	query   *odataQuery
	// viaMe is true for /me/... paths.
	viaMe bool

	tenant   *Tenant
	claims   *AccessClaims
	caller   *User             // delegated calls
	callerSP *ServicePrincipal // app-only calls (nil if the client has none)
}

// serveGraph serves Microsoft Graph under /v1.0 and /beta.
func (s *Server) serveGraph(w http.ResponseWriter, r *http.Request, version, path string) {
	if wantsNoMetadata(r) {
		nw := &noMetadataWriter{ResponseWriter: w}
		defer nw.flush()
		w = nw
	}
	if gerr := s.serveGraphCall(w, r, version, path); gerr != nil {
		writeGraphErr(w, r, gerr)
	}
}

func writeGraphErr(w http.ResponseWriter, r *http.Request, e *graphError) {
	for k, vs := range e.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	writeGraphError(w, r, e.Status, e.Code, e.Message, e.Details...)
}

func (s *Server) serveGraphCall(w http.ResponseWriter, r *http.Request, version, path string) *graphError {
	claims, gerr := s.authenticate(r)
	if gerr != nil {
		return gerr
	}
	segs, viaMe, gerr := splitGraphPath(path)
	if gerr != nil {
		return gerr
	}
	route, params, gerr := matchRoute(r.Method, version, segs)
	if gerr != nil {
		return gerr
	}
	if viaMe && claims.IsAppOnly() {
		return newGraphError(http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
	}
	query, gerr := parseODataQuery(r, route.Options)
	if gerr != nil {
		return gerr
	}
	c := &graphCall{s: s, w: w, r: r, version: version, route: route, params: params, query: query, viaMe: viaMe, claims: claims}
	if route.Unlocked {
		c.now = s.now()
		return route.Handler(c)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c.now = s.now()
	if gerr := c.bindCaller(); gerr != nil {
		return gerr
	}
	rule := route.Authz
	if c.upsertCreates() {
		rule = lookupAuthz("POST", "/"+route.segs[0])
	}
	if gerr := c.authorize(rule); gerr != nil {
		return gerr
	}
	return route.Handler(c)
}

// authenticate checks the bearer token like Graph: 401
// InvalidAuthenticationToken with the validation message otherwise.
func (s *Server) authenticate(r *http.Request) (*AccessClaims, *graphError) {
	raw := ""
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		raw = strings.TrimSpace(h[7:])
	}
	claims, err := s.verifyAccessToken(raw, s.now(), graphAudiences)
	if err == nil {
		s.mu.Lock()
		known := s.state.TenantByIDOrDomain(claims.TenantID) != nil
		s.mu.Unlock()
		if !known {
			err = errTokenIssuer
		}
	}
	if err != nil {
		e := newGraphError(http.StatusUnauthorized, "InvalidAuthenticationToken", err.Error())
		e.Header = http.Header{"Www-Authenticate": {fmt.Sprintf(
			`Bearer realm="", authorization_uri="%s/common/oauth2/authorize", client_id="%s"`, baseURL(r), GraphAppID)}}
		return nil, e
	}
	return claims, nil
}

// bindCaller resolves the tenant and the calling user or service principal
// from the token; the caller holds s.mu. Graph serves the tenant the token
// was issued for.
func (c *graphCall) bindCaller() *graphError {
	c.tenant = c.s.state.TenantByIDOrDomain(c.claims.TenantID)
	if c.tenant == nil {
		return newGraphError(http.StatusUnauthorized, "InvalidAuthenticationToken", errTokenIssuer.Error())
	}
	if c.claims.IsAppOnly() {
		c.callerSP = c.tenant.ServicePrincipalByAppID(c.claims.AppID)
		return nil
	}
	c.caller = c.tenant.UserByIDOrUPN(c.claims.ObjectID)
	if c.caller == nil {
		// The user was deleted after the token was issued.
		return newGraphError(http.StatusUnauthorized, "InvalidAuthenticationToken", errTokenInvalid.Error())
	}
	return nil
}

// splitGraphPath turns "/applications(appId='x')/owners/$ref" into
// segments, expanding key segments ("name(key='v')" -> "name", "key='v'")
// and dropping the legacy /myorganization prefix. /me is rewritten to the
// users tree's /me routes and reported.
func splitGraphPath(path string) ([]string, bool, *graphError) {
	var segs []string
	for _, raw := range strings.Split(strings.Trim(path, "/"), "/") {
		if raw == "" {
			continue
		}
		name, key, ok := strings.Cut(raw, "(")
		if !ok {
			segs = append(segs, raw)
			continue
		}
		if !strings.HasSuffix(key, ")") {
			return nil, false, newGraphError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Bad Request - Error in query syntax: '%s'.", raw))
		}
		segs = append(segs, name, strings.TrimSuffix(key, ")"))
	}
	if len(segs) > 0 && strings.EqualFold(segs[0], "myorganization") {
		segs = segs[1:]
	}
	viaMe := len(segs) > 0 && strings.EqualFold(segs[0], "me")
	return segs, viaMe, nil
}

// keyValue extracts the value of a key segment: "appId='x'" -> "x",
// "'x'" -> "x", "x" -> "x" (plain ids may contain '=', as Outlook's do).
func keyValue(seg string) string {
	if name, v, ok := strings.Cut(seg, "='"); ok && name != "" && strings.HasSuffix(v, "'") {
		return strings.TrimSuffix(v, "'")
	}
	if len(seg) >= 2 && strings.HasPrefix(seg, "'") && strings.HasSuffix(seg, "'") {
		return seg[1 : len(seg)-1]
	}
	return seg
}

// keyName returns the alternate key of a segment ("appId" for
// "appId='x'"), or "" for a plain id.
func keyName(seg string) string {
	if name, v, ok := strings.Cut(seg, "='"); ok && name != "" && strings.HasSuffix(v, "'") {
		return name
	}
	return ""
}

// decodeJSONBody reads the request body as a JSON object, keeping raw
// values so handlers can reject unknown properties by name.
func (c *graphCall) decodeJSONBody() (map[string]json.RawMessage, *graphError) {
	raw, err := io.ReadAll(c.r.Body)
	if err != nil {
		return nil, errUnreadableJSON()
	}
	var body map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&body); err != nil || body == nil {
		return nil, errUnreadableJSON()
	}
	return body, nil
}

// decodeOptionalJSONBody allows an empty body (addPassword).
func (c *graphCall) decodeOptionalJSONBody() (map[string]json.RawMessage, *graphError) {
	raw, err := io.ReadAll(c.r.Body)
	if err != nil {
		return nil, errUnreadableJSON()
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return map[string]json.RawMessage{}, nil
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, errUnreadableJSON()
	}
	return body, nil
}

func errUnreadableJSON() *graphError {
	return newGraphError(http.StatusBadRequest, "BadRequest",
		"Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
}

// field decodes one property of a request body into dst, with Graph's
// error for a value of the wrong type.
func field(body map[string]json.RawMessage, name string, dst any) *graphError {
	raw, ok := body[name]
	if !ok {
		return nil
	}
	// Start from the zero value: json.Unmarshal reuses a slice's backing
	// array, which a PATCH applied to a copy shares with the stored object.
	target := reflect.ValueOf(dst).Elem()
	target.Set(reflect.Zero(target.Type()))
	if err := json.Unmarshal(raw, dst); err != nil {
		return newGraphError(http.StatusBadRequest, "BadRequest",
			fmt.Sprintf("Cannot convert the literal '%s' to the expected type of property '%s'.", strings.Trim(string(raw), `"`), name))
	}
	return nil
}

// writeEntity answers with one object and its @odata.context.
func (c *graphCall) writeEntity(status int, contextPath string, view map[string]any) *graphError {
	out, gerr := c.query.project(view, c.route.Type)
	if gerr != nil {
		return gerr
	}
	ordered := map[string]any{"@odata.context": c.contextURL(contextPath, true)}
	for k, v := range out {
		ordered[k] = v
	}
	writeJSON(c.w, status, ordered)
	return nil
}

// writeRaw answers with a body that already has its own @odata fields.
func (c *graphCall) writeRaw(status int, body map[string]any) *graphError {
	writeJSON(c.w, status, body)
	return nil
}

func (c *graphCall) noContent() *graphError {
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// contextURL builds @odata.context: Graph always names its public host.
func (c *graphCall) contextURL(path string, entity bool) string {
	u := "https://graph.microsoft.com/" + c.version + "/$metadata#" + path
	if sel := c.query.selectSuffix(); sel != "" {
		u += sel
	}
	if entity {
		u += "/$entity"
	}
	return u
}

// lag is the replication delay applied to objects this call creates.
func (c *graphCall) lag() Replicated {
	if d := c.s.replicationLag(); d > 0 {
		return Replicated{VisibleAt: c.now.Add(d)}
	}
	return Replicated{}
}

// isoTime renders an Edm.DateTimeOffset as the directory and Teams send
// it: UTC with seven fractional digits (100-ns ticks), e.g.
// 2019-09-17T19:10:35.2742618Z; a client that parses only whole seconds
// fails against Graph as it does here.
func isoTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.0000000Z")
}

func emptyIfNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// wantsNoMetadata reports Accept: application/json;odata.metadata=none,
// with which Graph, like any OData service, leaves out control
// information: @odata.context, @odata.type, @odata.id and @odata.etag,
// but not @odata.nextLink and @odata.count (OData JSON Format 4.01,
// 3.1.3 "metadata=none").
func wantsNoMetadata(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		if strings.EqualFold(k, "odata.metadata") && strings.EqualFold(strings.TrimSpace(v), "none") {
			return true
		}
	}
	return false
}

// noMetadataWriter buffers a Graph response and rewrites its JSON body
// without control information.
type noMetadataWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (w *noMetadataWriter) WriteHeader(status int) { w.status = status }

func (w *noMetadataWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

func (w *noMetadataWriter) flush() {
	status := cmp.Or(w.status, http.StatusOK)
	body := w.buf.Bytes()
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if ct := w.Header().Get("Content-Type"); strings.Contains(ct, "odata.metadata=minimal") && dec.Decode(&v) == nil {
		w.Header().Set("Content-Type", strings.Replace(ct, "odata.metadata=minimal", "odata.metadata=none", 1))
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		if enc.Encode(stripControlInfo(v)) == nil {
			body = out.Bytes()
		}
	}
	w.ResponseWriter.WriteHeader(status)
	_, _ = w.ResponseWriter.Write(body) // the client went away; nothing to report to
}

func stripControlInfo(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if strings.Contains(k, "@odata.") && k != "@odata.nextLink" && k != "@odata.count" && k != "@odata.deltaLink" {
				delete(x, k)
				continue
			}
			x[k] = stripControlInfo(e)
		}
	case []any:
		for i, e := range x {
			x[i] = stripControlInfo(e)
		}
	}
	return v
}
