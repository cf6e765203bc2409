package bench

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/iostreams"
)

// peakRSSLimit is the memory target for doctor on the large tenant.
const peakRSSLimit = 100 << 20

func largeTenant(t *testing.T) *emulator.State {
	t.Helper()
	if testing.Short() {
		t.Skip("large tenant")
	}
	st, err := emulator.GenerateLargeTenant(Epoch, emulator.ScaleTestSize)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestLargeTenantProcessMemory runs doctor and app list against the large
// tenant as processes of their own, the emulator staying in the test: the
// peak resident memory (max RSS) is teamsctl's alone. The child is the
// test binary, which holds more than teamsctl, so the figure is an upper
// bound. Under -race the figures are reported only.
func TestLargeTenantProcessMemory(t *testing.T) {
	// Child processes: run beside the others, after the virtual-clock tests.
	t.Parallel()
	e := Start(t, Options{State: largeTenant(t), Real: true, Latency: time.Millisecond})
	version := e.RunProcess(context.Background(), "--version")
	t.Logf("teamsctl --version: max RSS %.1f MB (the process's floor)", mb(version.MaxRSS))
	for _, args := range [][]string{DoctorArgs, {"app", "list", "-o", "json"}} {
		r := e.RunProcess(context.Background(), args...)
		if r.Code != 0 && r.Code != 6 {
			t.Fatalf("teamsctl %s exited %d\n%s", strings.Join(args, " "), r.Code, r.Stderr)
		}
		t.Logf("teamsctl %s: max RSS %.1f MB, %s wall", strings.Join(args, " "), mb(r.MaxRSS), r.Wall.Round(time.Millisecond))
		if r.MaxRSS == 0 {
			t.Log("peak memory not measured: no /proc/self/status")
		} else if r.MaxRSS > peakRSSLimit && !raceEnabled {
			t.Errorf("teamsctl %s: max RSS %.1f MB on the large tenant, target under %d MB", strings.Join(args, " "), mb(r.MaxRSS), peakRSSLimit>>20)
		}
	}
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// firstWrite records, when the first app is written to stdout, how many
// pages of app registrations the emulator had served.
type firstWrite struct {
	mu    sync.Mutex
	e     *Env
	pages int // -1 until the first write
	out   strings.Builder
}

func (w *firstWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.pages < 0 && strings.Contains(string(p), `"appId"`) {
		w.pages = applicationPages(w.e.Emu.Server.RequestLog())
	}
	return w.out.Write(p)
}

func applicationPages(log []emulator.RequestRecord) int {
	n := 0
	for _, r := range log {
		if r.Method == "GET" && strings.HasSuffix(r.Path, "/applications") {
			n++
		}
	}
	return n
}

// TestAppListStreamsPages lists the large tenant's 2,000 app registrations
// page by page: the first app is printed before the second page is
// requested, and the JSON output is one complete array.
func TestAppListStreamsPages(t *testing.T) {
	e := Start(t, Options{State: largeTenant(t)})
	ios, _, _, errOut := iostreams.Test()
	w := &firstWrite{e: e, pages: -1}
	ios.Out = w
	r := e.RunIO(t.Context(), ios, "app", "list", "--page-size", "100", "-o", "json")
	if r.Code != 0 {
		t.Fatalf("app list exited %d: %s", r.Code, errOut)
	}
	var items []struct{ AppID string }
	if err := json.Unmarshal([]byte(w.out.String()), &items); err != nil {
		t.Fatalf("app list -o json: %v", err)
	}
	pages := applicationPages(r.Log)
	t.Logf("%d apps in %d pages; the first was printed after %d page(s); %s", len(items), pages, w.pages, r)
	if want := emulator.ScaleTestSize.Applications; len(items) < want {
		t.Errorf("listed %d apps, the tenant has at least %d", len(items), want)
	}
	if w.pages != 1 {
		t.Errorf("the first app was printed after %d pages were read, want 1: the list is not streamed", w.pages)
	}
	if pages < len(items)/100 {
		t.Errorf("%d pages for %d apps at 100 per page", pages, len(items))
	}
}

// TestAppListPageCountTarget: app list asks Graph for its largest page
// (999 applications), so the large tenant's 2,000 apps take 3 requests
// instead of 20.
func TestAppListPageCountTarget(t *testing.T) {
	e := Start(t, Options{State: largeTenant(t)})
	r := e.MustRun("app", "list", "-o", "json")
	pages := applicationPages(r.Log)
	t.Logf("%d pages; %s", pages, r)
	if pages > 3 {
		t.Errorf("app list read %d pages of applications, want at most 3 for %d apps", pages, emulator.ScaleTestSize.Applications)
	}
}

func TestVmHWM(t *testing.T) {
	status := "Name:\tbench.test\nVmPeak:\t  900000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40000 kB\n"
	if got := vmHWM(status); got != 50<<20 {
		t.Errorf("vmHWM = %d, want %d", got, 50<<20)
	}
	if got := vmHWM("Name:\tx\n"); got != 0 {
		t.Errorf("vmHWM without the line = %d", got)
	}
}
