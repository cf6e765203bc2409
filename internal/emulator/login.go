package emulator

import "net/http"

// serveLogin serves the Entra login endpoints under /{tenant}/...
func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	writeOAuthError(w, r, oauthError{Error: "invalid_request", Code: 900561, Message: "The endpoint only accepts POST requests."})
}
