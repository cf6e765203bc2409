package sandbox

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/emulator"
)

func rename(to string) func(*emulator.Server) error {
	return func(s *emulator.Server) error {
		return s.Update(func(st *emulator.State) error { st.HomeTenant().DisplayName = to; return nil })
	}
}

func displayName(t *testing.T, sb *Sandbox) string {
	t.Helper()
	var name string
	err := sb.Do(context.Background(), func(s *emulator.Server) error {
		st, err := s.Snapshot()
		name = st.HomeTenant().DisplayName
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return name
}

func TestStatePersistsBetweenOpens(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	sb, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Do(ctx, rename("Contoso (rehearsal)")); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, stateFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v; want mode 0600", err)
	}
	again, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := displayName(t, again); got != "Contoso (rehearsal)" {
		t.Fatalf("display name = %q after reopening", got)
	}
}

func TestConcurrentOpenersSeeEachOthersWrites(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	a, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Do(ctx, rename("written by b")); err != nil {
		t.Fatal(err)
	}
	if got := displayName(t, a); got != "written by b" {
		t.Fatalf("a sees %q, want b's write", got)
	}
}

func TestResetStartsFromTheSeed(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	sb, _ := Open(ctx, dir, Options{})
	_ = sb.Do(ctx, rename("changed"))
	if err := Reset(ctx, dir, ""); err != nil {
		t.Fatal(err)
	}
	sb, _ = Open(ctx, dir, Options{})
	if got := displayName(t, sb); got != "Contoso" {
		t.Fatalf("after reset the tenant is %q", got)
	}
}

// The seed generation changes when the tenant is built from a seed, and
// only then: caches of the tenant's object ids are keyed by it.
func TestSeedGenerationChangesOnReset(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	if SeedGeneration(dir) != "" {
		t.Fatal("a generation before the sandbox exists")
	}
	sb, _ := Open(ctx, dir, Options{})
	created := SeedGeneration(dir)
	_ = sb.Do(ctx, rename("changed"))
	if _, err := Open(ctx, dir, Options{}); err != nil || created == "" || SeedGeneration(dir) != created {
		t.Fatalf("generation %q, then %q after a change (%v)", created, SeedGeneration(dir), err)
	}
	if err := Reset(ctx, dir, ""); err != nil {
		t.Fatal(err)
	}
	if SeedGeneration(dir) == created {
		t.Fatal("reset kept the generation")
	}
}

func TestCorruptStateSaysHowToRecover(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, stateFile), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "teamsctl sandbox reset") {
		t.Fatalf("err = %v, want a hint to reset", err)
	}
	if err := Reset(context.Background(), dir, ""); err != nil {
		t.Fatalf("reset of a corrupt sandbox: %v", err)
	}
	if _, err := Open(context.Background(), dir, Options{}); err != nil {
		t.Fatalf("after reset: %v", err)
	}
}

func TestTransportServesSandboxHostsOnly(t *testing.T) {
	sb, err := Open(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: sb.Transport()}

	resp, err := client.Get(LoginURL() + "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("x-ms-request-id") == "" || len(body) == 0 {
		t.Fatalf("no emulator response: %d %q", resp.StatusCode, body)
	}

	// The management host answers ARM's reads (here 401: no token).
	resp, err = client.Get(ManagementURL() + "/subscriptions?api-version=2022-12-01")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("management host: %d, want ARM's 401", resp.StatusCode)
	}

	if _, err := client.Get("https://graph.microsoft.com/v1.0/me"); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("err = %v, want the real Graph host refused", err)
	}
}

func TestResetKeepsTheSigningKey(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	key := func() string {
		sb, err := Open(ctx, dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		st, _ := sb.Server.Snapshot()
		return st.SigningKey
	}
	before := key()
	if err := Reset(ctx, dir, ""); err != nil {
		t.Fatal(err)
	}
	if key() != before {
		t.Fatal("reset replaced the signing key: cached sandbox sign-ins would stop working")
	}
}

// TestCancelledRequestIsNeverAnswered: a request cancelled while the
// emulator works on it (here, during injected latency) fails with the
// context's error, as over a network, instead of an empty 200 that the
// client would read as Graph's answer.
func TestCancelledRequestIsNeverAnswered(t *testing.T) {
	sb, err := Open(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sb.Server.SetFaults(emulator.FaultOptions{Latency: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, GraphURL()+"/policies/authorizationPolicy", nil)
	resp, err := sb.Transport().RoundTrip(req)
	if !errors.Is(err, context.Canceled) {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("cancelled request: status %d, err %v; want context.Canceled and no response", status, err)
	}
}
