package emulator

import "net/http"

func init() { registerControlRoutes(faultAndTeamsControlRoutes) }

// faultAndTeamsControlRoutes expose fault injection, the request log and
// Teams application access policies to tools driving a served emulator.
func faultAndTeamsControlRoutes(s *Server, mux *http.ServeMux) {
	mux.HandleFunc("GET /_emulator/faults", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Faults())
	})
	mux.HandleFunc("PUT /_emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		var opts FaultOptions
		if !readControlBody(w, r, &opts) {
			return
		}
		s.SetFaults(opts)
		writeJSON(w, http.StatusOK, s.Faults())
	})
	mux.HandleFunc("GET /_emulator/requests", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"value": s.RequestLog()})
	})
	mux.HandleFunc("DELETE /_emulator/requests", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetRequestLog()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_emulator/teams-policies", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"value": s.TeamsAccessPolicies()})
	})
	mux.HandleFunc("POST /_emulator/teams-policies/grant", func(w http.ResponseWriter, r *http.Request) {
		var g TeamsPolicyGrant
		if !readControlBody(w, r, &g) {
			return
		}
		if g.Policy == "" {
			g.Policy = "recruiting-apps" // teamsctl's default policy name (presets.DefaultAccessPolicyName)
		}
		if err := s.GrantTeamsAccessPolicy(g); err != nil {
			writeControlError(w, http.StatusBadRequest, "BadRequest", err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"value": s.TeamsAccessPolicies()})
	})
}
