package iostreams

import (
	"fmt"
	"time"
)

// progressInterval is how often the spinner advances.
const progressInterval = 120 * time.Millisecond

var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// tickerFunc starts a ticker; tests replace it so frames advance on demand.
type tickerFunc func(d time.Duration) (ticks <-chan time.Time, stop func())

func realTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

type progress struct {
	done    chan struct{}
	stopped chan struct{}
}

// StartProgress shows msg with a spinner on stderr while a wait is under
// way. It does nothing unless stderr is a terminal, so logs and pipes never
// see spinner frames. A second call replaces the message.
func (s *IOStreams) StartProgress(msg string) {
	if !s.stderrTTY {
		return
	}
	s.progressMu.Lock()
	defer s.progressMu.Unlock()
	s.stopProgressLocked()

	p := &progress{done: make(chan struct{}), stopped: make(chan struct{})}
	ticks, stopTicker := s.newTicker(progressInterval)
	s.progress = p
	go func() {
		defer close(p.stopped)
		defer stopTicker()
		for frame := 0; ; frame++ {
			fmt.Fprintf(s.ErrOut, "\r%s %s", spinnerFrames[frame%len(spinnerFrames)], msg)
			select {
			case <-p.done:
				// Erase the line so the next message starts clean.
				fmt.Fprint(s.ErrOut, "\r\x1b[K")
				return
			case <-ticks:
			}
		}
	}()
}

// StopProgress removes the spinner, if any, and returns once its line is
// erased, so whatever is written next is not overwritten.
func (s *IOStreams) StopProgress() {
	s.progressMu.Lock()
	defer s.progressMu.Unlock()
	s.stopProgressLocked()
}

func (s *IOStreams) stopProgressLocked() {
	if s.progress == nil {
		return
	}
	close(s.progress.done)
	<-s.progress.stopped
	s.progress = nil
}
