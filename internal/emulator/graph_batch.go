package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
)

// JSON batching (graph.md section 9): up to 20 requests, each routed
// through the same Graph handler in-process with the caller's token;
// dependsOn orders them and a failed dependency yields 424.

const maxBatchRequests = 20

type batchRequest struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

func (c *graphCall) serveBatch() *graphError {
	var in struct {
		Requests []batchRequest `json:"requests"`
	}
	if err := json.NewDecoder(c.r.Body).Decode(&in); err != nil || in.Requests == nil {
		return errUnreadableJSON()
	}
	if len(in.Requests) > maxBatchRequests {
		// The limit is documented; the wording is unverified.
		return newGraphError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Number of batch requests exceeds the limit of %d.", maxBatchRequests))
	}
	if gerr := validateBatch(in.Requests); gerr != nil {
		return gerr
	}
	status := map[string]int{}
	responses := make([]batchResponse, 0, len(in.Requests))
	for _, req := range in.Requests {
		resp := c.runBatchItem(req, status)
		status[req.ID] = resp.Status
		responses = append(responses, resp)
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"responses": responses})
	return nil
}

// validateBatch checks ids, methods, relative URLs and that dependsOn
// names earlier requests.
func validateBatch(reqs []batchRequest) *graphError {
	seen := map[string]bool{}
	for _, req := range reqs {
		switch {
		case req.ID == "" || req.Method == "" || req.URL == "":
			return newGraphError(http.StatusBadRequest, "BadRequest", "Invalid batch payload format: every request needs id, method and url.")
		case seen[req.ID]:
			return newGraphError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Batch request ids must be unique; '%s' is repeated.", req.ID))
		case strings.Contains(req.URL, "://") || strings.HasPrefix(strings.TrimPrefix(req.URL, "/"), "v1.0/") || strings.HasPrefix(strings.TrimPrefix(req.URL, "/"), "beta/"):
			return newGraphError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid request url '%s': batch urls are relative to the version, e.g. /users.", req.URL))
		}
		for _, dep := range req.DependsOn {
			if !seen[dep] {
				return newGraphError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Request '%s' depends on unknown or later request '%s'.", req.ID, dep))
			}
		}
		seen[req.ID] = true
	}
	return nil
}

func (c *graphCall) runBatchItem(req batchRequest, status map[string]int) batchResponse {
	for _, dep := range req.DependsOn {
		if status[dep] >= 400 {
			return batchError(req.ID, http.StatusFailedDependency, "FailedDependency", "The request depends on a request that failed.")
		}
	}
	path := "/" + strings.TrimPrefix(req.URL, "/")
	if strings.HasPrefix(strings.ToLower(path), "/$batch") {
		return batchError(req.ID, http.StatusBadRequest, "BadRequest", "A batch request cannot contain another batch.")
	}
	hasBody := len(req.Body) > 0 && string(req.Body) != "null"
	if hasBody && headerValue(req.Headers, "Content-Type") == "" {
		return batchError(req.ID, http.StatusBadRequest, "BadRequest", "Content-Type header is required for a request with a body.")
	}
	sub, err := http.NewRequestWithContext(c.r.Context(), strings.ToUpper(req.Method), "/"+c.version+path, bytes.NewReader(req.Body))
	if err != nil {
		return batchError(req.ID, http.StatusBadRequest, "BadRequest", "Invalid request url '"+req.URL+"'.")
	}
	sub.Host = c.r.Host
	for k, v := range req.Headers {
		sub.Header.Set(k, v)
	}
	sub.Header.Set("Authorization", c.r.Header.Get("Authorization"))
	sub, _ = withRequestContext(sub, c.s.now())
	rec := httptest.NewRecorder()
	c.s.serveGraphWithFaults(rec, sub, c.version, strings.TrimPrefix(sub.URL.Path, "/"+c.version))
	return recordedBatchResponse(req.ID, rec)
}

func headerValue(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

func recordedBatchResponse(id string, rec *httptest.ResponseRecorder) batchResponse {
	resp := batchResponse{ID: id, Status: rec.Code, Headers: map[string]string{}}
	for k := range rec.Header() {
		if k == "Date" {
			continue
		}
		resp.Headers[k] = rec.Header().Get(k)
	}
	if body := bytes.TrimSpace(rec.Body.Bytes()); len(body) > 0 {
		resp.Body = body
	}
	return resp
}

func batchError(id string, status int, code, message string) batchResponse {
	body, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": message}})
	return batchResponse{ID: id, Status: status, Headers: map[string]string{"Content-Type": "application/json"}, Body: body}
}
