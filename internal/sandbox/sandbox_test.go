package sandbox

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/emulator"
)

func TestStatePersistsBetweenOpens(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	sb, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = sb.Server.Update(func(st *emulator.State) error {
		st.HomeTenant().DisplayName = "Contoso (rehearsal)"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, stateFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v, mode %v; want mode 0600", err, info.Mode().Perm())
	}

	again, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	st, _ := again.Server.Snapshot()
	if got := st.HomeTenant().DisplayName; got != "Contoso (rehearsal)" {
		t.Fatalf("display name = %q after reopening", got)
	}
}

func TestResetStartsFromTheSeed(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	sb, _ := Open(ctx, dir, Options{})
	_ = sb.Server.Update(func(st *emulator.State) error { st.HomeTenant().DisplayName = "changed"; return nil })
	_ = sb.Close()
	if err := Reset(ctx, dir); err != nil {
		t.Fatal(err)
	}
	sb, _ = Open(ctx, dir, Options{})
	defer sb.Close()
	st, _ := sb.Server.Snapshot()
	if st.HomeTenant().DisplayName != "Contoso" {
		t.Fatalf("after reset the tenant is %q", st.HomeTenant().DisplayName)
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
}

func TestTransportServesSandboxHostsOnly(t *testing.T) {
	sb, err := Open(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	client := &http.Client{Transport: sb.Transport()}

	resp, err := client.Get(LoginURL() + "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("request-id") == "" || len(body) == 0 {
		t.Fatalf("no emulator response: %d %q", resp.StatusCode, body)
	}

	if _, err := client.Get("https://graph.microsoft.com/v1.0/me"); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("err = %v, want the real Graph host refused", err)
	}
}
