package auth

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/emulator"
)

func TestMergeKeepsWhatOtherProcessesSaved(t *testing.T) {
	base := `{"AccessToken":{"a":{"v":1},"b":{"v":1}},"RefreshToken":{"r":{"v":1}}}`
	// This process refreshed a and removed b; another added c and
	// rotated the refresh token.
	ours := `{"AccessToken":{"a":{"v":2}},"RefreshToken":{"r":{"v":1}}}`
	disk := `{"AccessToken":{"a":{"v":1},"b":{"v":1},"c":{"v":1}},"RefreshToken":{"r":{"v":2}}}`
	var got cacheSections
	if err := json.Unmarshal(mergeCache([]byte(base), []byte(ours), []byte(disk)), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]string{
		"AccessToken":  {"a": `{"v":2}`, "c": `{"v":1}`},
		"RefreshToken": {"r": `{"v":2}`},
	}
	for section, entries := range want {
		if len(got[section]) != len(entries) {
			t.Errorf("%s = %s", section, got[section])
		}
		for k, v := range entries {
			if string(got[section][k]) != v {
				t.Errorf("%s[%s] = %s, want %s", section, k, got[section][k], v)
			}
		}
	}
}

func TestMergeFallsBackToOursOnUnknownFormat(t *testing.T) {
	if got := string(mergeCache([]byte(`{}`), []byte(`{"x":{}}`), []byte(`not json`))); got != `{"x":{}}` {
		t.Errorf("merge = %s", got)
	}
}

// Concurrent invocations, each with its own Authenticator (its own MSAL
// client, cache view and lock handle, as separate processes have), redeem
// the refresh token and write the cache at once. The file must stay valid
// and keep working.
func TestConcurrentInvocationsKeepTheCacheUsable(t *testing.T) {
	h := newHarness(t, emulator.Options{AccessTokenLifetime: 299 * time.Second}) // every call redeems and writes
	deviceCodeLogin(t, h)
	scopes := []Scopes{{"User.Read"}, {"Application.ReadWrite.All"}, {"Policy.Read.All"}, {"DelegatedPermissionGrant.ReadWrite.All"}}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(scopes))
	for i := 0; i < 4; i++ {
		for _, s := range scopes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := h.auth(nil).TokenFor(context.Background(), s)
				errs <- err
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent TokenFor: %v", err)
		}
	}
	raw, err := os.ReadFile(h.auth(nil).files.tokens())
	if err != nil {
		t.Fatal(err)
	}
	var sections cacheSections
	if err := json.Unmarshal(raw, &sections); err != nil {
		t.Fatalf("cache file corrupt: %v", err)
	}
	if len(sections["Account"]) != 1 || len(sections["RefreshToken"]) != 1 {
		t.Errorf("cache holds %d accounts and %d refresh tokens, want 1 each", len(sections["Account"]), len(sections["RefreshToken"]))
	}
	if _, err := h.auth(nil).TokenFor(context.Background(), Scopes{"User.Read"}); err != nil {
		t.Fatalf("after the concurrent run: %v", err)
	}
}
