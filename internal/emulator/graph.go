package emulator

import "net/http"

// serveGraph serves Microsoft Graph under /v1.0 and /beta.
func (s *Server) serveGraph(w http.ResponseWriter, r *http.Request, version, path string) {
	writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Invalid version or resource segment: "+path)
}
