package emulator

import (
	"bytes"
	"compress/gzip"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// MaxRequestBodyBytes is Graph's limit on a request body: "Write requests
// in the Microsoft Graph API have a size limit of 4 MB. [...] Requests
// exceeding the size limit fail with the status code HTTP 413, and the
// error message "Request entity too large" or "Payload too large""
// (https://learn.microsoft.com/en-us/graph/use-the-api, HTTP methods).
// The emulator applies it to every body it reads, the login and control
// endpoints' too (Entra documents no limit for its token endpoint: that
// part is a guess), both to the bytes received and to what they inflate
// to, so a small gzip body cannot grow without bound.
const MaxRequestBodyBytes = 4 << 20

// errBodyTooLarge: the body, as sent or inflated, exceeds the limit.
var errBodyTooLarge = errors.New("request entity too large")

// readBody reads the request body once, before routing and before any
// authentication, within MaxRequestBodyBytes before and during
// decompression, and replaces it with the bytes read. The Graph SDK's
// compression middleware gzips every POST, PATCH and PUT, so a gzip body
// is inflated here and handlers see plain JSON.
func readBody(r *http.Request) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	if r.ContentLength > MaxRequestBodyBytes {
		return errBodyTooLarge
	}
	raw, err := readAtMost(r.Body, MaxRequestBodyBytes)
	if err != nil {
		return err
	}
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("the request body could not be decompressed: %w", err)
		}
		if raw, err = readAtMost(zr, MaxRequestBodyBytes); err != nil {
			if errors.Is(err, errBodyTooLarge) {
				return err
			}
			return fmt.Errorf("the request body could not be decompressed: %w", err)
		}
		r.Header.Del("Content-Encoding")
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	r.ContentLength = int64(len(raw))
	return nil
}

// readAtMost reads r to its end, or fails with errBodyTooLarge as soon as
// more than limit bytes arrive.
func readAtMost(r io.Reader, limit int64) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > limit {
		return nil, errBodyTooLarge
	}
	return raw, nil
}

// writeBodyError answers a body readBody refused: 413 as Graph does for
// one over the limit (the error code is a guess: the page names only the
// status and the message), 400 for one that cannot be read or inflated.
func writeBodyError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errBodyTooLarge) {
		w.Header().Set("Connection", "close") // the rest of the body is not read
		writeGraphError(w, r, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
			fmt.Sprintf("Request entity too large: the body exceeds %d bytes (as sent or decompressed).", MaxRequestBodyBytes))
		return
	}
	writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "The request body could not be read: "+err.Error())
}

// authorizeControl checks the control API's bearer token when the server
// has one (a served emulator reachable beyond loopback). It answers 401
// and reports false when the token is missing or wrong.
func (s *Server) authorizeControl(w http.ResponseWriter, r *http.Request) bool {
	if s.controlToken == "" {
		return true
	}
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if strings.EqualFold(scheme, "Bearer") && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(s.controlToken)) == 1 {
		return true
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="teamsctl sandbox control"`)
	writeControlError(w, http.StatusUnauthorized, "Unauthorized",
		"The control API needs the token 'teamsctl sandbox serve' printed at start: send Authorization: Bearer TOKEN.")
	return false
}
