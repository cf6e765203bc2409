package emulator

import (
	"net/http"
	"time"
)

// FaultOptions configure injected latency, random errors and replication lag.
type FaultOptions struct {
	// Latency is added to every Graph request, plus up to Jitter more.
	Latency time.Duration
	Jitter  time.Duration
	// ReplicationLag keeps newly written objects invisible to other calls.
	ReplicationLag time.Duration
}

// faultInjector decides, per request, whether to delay or fail it.
type faultInjector struct {
	opts FaultOptions
}

func newFaultInjector(opts FaultOptions) *faultInjector { return &faultInjector{opts: opts} }

// intercept delays the request and reports whether it answered it with an
// injected fault.
func (f *faultInjector) intercept(s *Server, w http.ResponseWriter, r *http.Request) bool {
	delay := f.opts.Latency
	if err := s.sleep(r.Context(), delay); err != nil {
		return true
	}
	return false
}
