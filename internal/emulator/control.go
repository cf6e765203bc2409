package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
)

// The control API (/_emulator/...) drives the sandbox from outside: JSON
// in and out, no authentication on loopback, and Options.ControlToken as a
// bearer token when a served emulator is reachable beyond it
// (authorizeControl). Each feature
// registers its routes with registerControlRoutes from an init function in
// its own file, so adding controls never touches this router.

// controlRegistrar adds routes to the control mux. Patterns are Go 1.22
// ServeMux patterns including the /_emulator prefix, e.g.
// "POST /_emulator/devicecodes/{userCode}/approve".
type controlRegistrar func(s *Server, mux *http.ServeMux)

var (
	controlRegistrarsMu sync.Mutex
	controlRegistrars   []controlRegistrar
)

// registerControlRoutes adds a feature's control routes; call it from init.
func registerControlRoutes(r controlRegistrar) {
	controlRegistrarsMu.Lock()
	defer controlRegistrarsMu.Unlock()
	controlRegistrars = append(controlRegistrars, r)
}

func init() { registerControlRoutes(loginControlRoutes) }

// loginControlRoutes are the controls of the login side and the state.
func loginControlRoutes(s *Server, mux *http.ServeMux) {
	mux.HandleFunc("GET /_emulator/devicecodes", s.controlPendingDeviceCodes)
	mux.HandleFunc("POST /_emulator/devicecodes/{userCode}/approve", s.controlApproveDeviceCode)
	mux.HandleFunc("POST /_emulator/devicecodes/{userCode}/decline", s.controlSettleDeviceCode(s.DeclineDeviceCode))
	mux.HandleFunc("POST /_emulator/devicecodes/{userCode}/expire", s.controlSettleDeviceCode(s.ExpireDeviceCode))
	mux.HandleFunc("PUT /_emulator/interactive-user", s.controlSetInteractiveUser)
	mux.HandleFunc("GET /_emulator/state", s.controlState)
	mux.HandleFunc("POST /_emulator/reset", s.controlReset)
}

// serveControl serves the emulator's own control API under /_emulator.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request, path string) {
	mux := s.controlMux()
	if _, pattern := mux.Handler(r); pattern == "" {
		writeControlError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("No control endpoint %s %s", r.Method, path))
		return
	}
	mux.ServeHTTP(w, r)
}

// controlMux builds the server's control router on first use, after
// every init has registered its routes.
func (s *Server) controlMux() *http.ServeMux {
	s.controlOnce.Do(func() {
		s.control = http.NewServeMux()
		controlRegistrarsMu.Lock()
		defer controlRegistrarsMu.Unlock()
		for _, register := range controlRegistrars {
			register(s, s.control)
		}
	})
	return s.control
}

// writeControlError writes {"error":{"code","message"}} like Graph, so one
// client can read both.
func writeControlError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": message}})
}

// readControlBody decodes a JSON body, rejecting unknown fields so typos
// in sandbox scripts fail loudly.
func readControlBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeControlError(w, http.StatusBadRequest, "BadRequest", "Invalid JSON body: "+err.Error())
		return false
	}
	return true
}

func (s *Server) controlPendingDeviceCodes(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"value": s.PendingDeviceCodes()})
}

// controlApproveDeviceCode approves a code; body {"user":"upn","mfa":bool}
// (mfa defaults to true: the user completes MFA when asked). A failed
// sign-in answers 200 with status "failed" and the AADSTS error, which the
// polling client also receives.
func (s *Server) controlApproveDeviceCode(w http.ResponseWriter, r *http.Request) {
	body := struct {
		User string `json:"user"`
		MFA  *bool  `json:"mfa"`
	}{}
	if !readControlBody(w, r, &body) {
		return
	}
	if body.User == "" {
		writeControlError(w, http.StatusBadRequest, "BadRequest", `"user" (a user principal name) is required`)
		return
	}
	mfa := body.MFA == nil || *body.MFA
	err := s.approveDeviceCode(r.PathValue("userCode"), body.User, mfa)
	var lf *LoginFailure
	switch {
	case errors.As(err, &lf):
		writeJSON(w, http.StatusOK, map[string]any{"userCode": r.PathValue("userCode"), "status": "failed", "error": lf})
	case err != nil:
		writeDeviceCodeControlError(w, err)
	default:
		writeJSON(w, http.StatusOK, map[string]any{"userCode": r.PathValue("userCode"), "status": deviceCodeApproved})
	}
}

func (s *Server) controlSettleDeviceCode(settle func(string) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := settle(r.PathValue("userCode")); err != nil {
			writeDeviceCodeControlError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func writeDeviceCodeControlError(w http.ResponseWriter, err error) {
	if errors.Is(err, ErrDeviceCodeNotFound) {
		writeControlError(w, http.StatusNotFound, "NotFound", err.Error())
		return
	}
	writeControlError(w, http.StatusConflict, "Conflict", err.Error())
}

func (s *Server) controlSetInteractiveUser(w http.ResponseWriter, r *http.Request) {
	body := struct {
		User string `json:"user"`
		MFA  bool   `json:"mfa"`
	}{}
	if !readControlBody(w, r, &body) {
		return
	}
	if err := s.SetInteractiveUser(body.User, body.MFA); err != nil {
		writeControlError(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// controlState dumps the state; ?mask=volatile also masks what changes
// from run to run (see Dump).
func (s *Server) controlState(w http.ResponseWriter, r *http.Request) {
	raw, err := s.Dump(r.URL.Query().Get("mask") == "volatile")
	if err != nil {
		writeControlError(w, http.StatusInternalServerError, "InternalError", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(raw) // the client went away; nothing to report to
}

func (s *Server) controlReset(w http.ResponseWriter, _ *http.Request) {
	if err := s.Reset(); err != nil {
		writeControlError(w, http.StatusInternalServerError, "InternalError", err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// SetInteractiveUser chooses who the emulated login page signs in when a
// request names nobody (no login_hint). mfa says whether that user
// completes MFA challenges (an MFA-registered account is also needed). An
// empty upn clears the setting in every tenant.
func (s *Server) SetInteractiveUser(upn string, mfa bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if upn == "" {
		for _, t := range s.state.Tenants {
			t.InteractiveUser = nil
		}
		return nil
	}
	for _, t := range s.state.Tenants {
		if u := t.UserByIDOrUPN(upn); u != nil {
			t.InteractiveUser = &InteractiveUser{UserID: u.ID, MFA: mfa}
			return nil
		}
	}
	return fmt.Errorf("no user %q in any tenant", upn)
}

// Reset replaces the state with a fresh build of the seed the server
// started from (the built-in Contoso tenant when it was restored from a
// saved state). The signing key is kept, so tokens a client cached stay
// verifiable.
func (s *Server) Reset() error { return s.ResetTo(s.seed) }

// ResetTo replaces the state with seed (nil: the built-in Contoso) and
// keeps the signing key, so tokens clients cached stay verifiable.
func (s *Server) ResetTo(seed *Seed) error {
	if seed == nil {
		var err error
		if seed, err = DefaultSeed(); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := seed.Build(s.now())
	if err != nil {
		return err
	}
	st.SigningKey = s.state.SigningKey
	s.state = st
	return nil
}
