package emulator

import "net/http"

// serveControl serves the emulator's own control API under /_emulator.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request, path string) {
	writeGraphError(w, r, http.StatusNotFound, "NotFound", "No control endpoint "+path)
}
