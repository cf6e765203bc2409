package report

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/teamsctl/teamsctl/internal/golden"
)

// chromium finds Debian's Chromium (apt-get install chromium), or skips.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium to render the HTML report in: install it (Debian: apt-get install chromium); .ci/run does")
	return ""
}

// browserResult is what the page showed.
type browserResult struct {
	Titles     []string `json:"titles"`     // visible check titles
	Injected   bool     `json:"injected"`   // a script from tenant data ran
	BodyText   string   `json:"bodyText"`   // the page's text
	External   []string `json:"external"`   // resources other than the page itself
	StatusWord []string `json:"statusWord"` // badge texts
}

// render opens the report file in headless Chromium, returns what it
// showed, the console errors and exceptions, and a screenshot.
func render(t *testing.T, file string) (browserResult, []string, []byte) {
	t.Helper()
	bin := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900))
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	var mu sync.Mutex
	var problems []string
	if err := chromedp.Listen(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				problems = append(problems, fmt.Sprintf("console.%s: %s", e.Type, strings.Join(args, " ")))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError || e.Entry.Level == cdplog.EntryLevelWarning {
				problems = append(problems, fmt.Sprintf("log %s (%s): %s", e.Entry.Level, e.Entry.Source, e.Entry.Text))
			}
		case *page.EventJavascriptDialogOpening:
			problems = append(problems, "a dialog opened: "+e.Message)
		}
	}); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	err := chromedp.Do(bctx,
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, cdplog.Enable, cdp.Empty{})
			return err
		}),
		chromedp.Navigate("file://"+file),
		chromedp.WaitReady("body"),
	)
	if err != nil {
		t.Fatalf("render %s in Chromium: %v", file, err)
	}
	raw, err := chromedp.Run(bctx, chromedp.Evaluate[string](`JSON.stringify({
  titles: [...document.querySelectorAll('.check .title')].filter(e => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && s.color !== s.backgroundColor;
  }).map(e => e.textContent),
  injected: window.__injected === true,
  bodyText: document.body.innerText,
  external: performance.getEntriesByType('resource').map(e => e.name),
  statusWord: [...document.querySelectorAll('.badge')].map(e => e.textContent)
})`))
	if err != nil {
		t.Fatalf("read the page: %v", err)
	}
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	var res browserResult
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return res, append([]string(nil), problems...), shot
}

// TestReportsInChromium renders a doctor and an integrations report whose
// tenant data tries to inject markup and script: the page loads without
// console errors, fetches nothing, runs no script, shows every check's
// title and the injected text as text. With -update it writes the
// screenshot in docs/.
func TestReportsInChromium(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name       string
		doc        *Document
		titles     []string
		screenshot string
	}{
		{"doctor", Doctor(sampleDoctor(), sampleMeta()), sampleDoctorTitles(), "report-doctor.png"},
		{"integrations", Integrations(sampleIntegrations(), sampleMeta()), sampleIntegrationTitles(), "report-integrations.png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, tc.name+".html")
			if err := tc.doc.WriteFile(file); err != nil {
				t.Fatal(err)
			}
			res, problems, shot := render(t, file)
			if len(problems) > 0 {
				t.Errorf("console errors or dialogs:\n%s", strings.Join(problems, "\n"))
			}
			if res.Injected {
				t.Error("a script from tenant data ran")
			}
			if len(res.External) > 0 {
				t.Errorf("the page loaded resources: %v", res.External)
			}
			visible := map[string]bool{}
			for _, ti := range res.Titles {
				visible[ti] = true
			}
			for _, want := range tc.titles {
				if !visible[want] {
					t.Errorf("check title %q is not visible (visible: %q)", want, res.Titles)
				}
			}
			if !strings.Contains(res.BodyText, injection) {
				t.Errorf("the injected text is not shown as text:\n%s", res.BodyText)
			}
			for _, word := range []string{"PASS", "WARN", "FAIL"} {
				if !strings.Contains(strings.Join(res.StatusWord, " "), word) {
					t.Errorf("no %s badge: the statuses must read without colour (%q)", word, res.StatusWord)
				}
			}
			if golden.Update() {
				if err := os.WriteFile(filepath.Join("..", "..", "docs", tc.screenshot), shot, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
