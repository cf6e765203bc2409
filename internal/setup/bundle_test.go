package setup

import (
	"os"
	"path/filepath"
	"testing"
)

// A later setup run keeps a hand-off file only when it holds the secret
// an earlier run wrote there; HandoffHoldsSecret reads both formats
// Encode writes.
func TestHandoffHoldsSecret(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b Bundle) string {
		t.Helper()
		path := filepath.Join(dir, name)
		data, err := b.Encode(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	with := Bundle{TenantID: "t", ClientID: "c", ClientSecret: "s3cr3t-value"}
	without := Bundle{TenantID: "t", ClientID: "c", SecretNote: "made in an earlier run"}
	for _, tc := range []struct {
		path string
		want bool
	}{
		{write("with.json", with), true},
		{write("without.json", without), false},
		{write("with.env", with), true},
		{write("without.env", without), false},
		{filepath.Join(dir, "missing.json"), false},
	} {
		if got := HandoffHoldsSecret(tc.path); got != tc.want {
			t.Errorf("HandoffHoldsSecret(%s) = %v, want %v", filepath.Base(tc.path), got, tc.want)
		}
	}
}
