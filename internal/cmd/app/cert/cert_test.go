package cert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

// writePEM writes a self-signed certificate valid around cmdtest.Now.
func writePEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vendor"},
		NotBefore: cmdtest.Now.Add(-time.Hour), NotAfter: cmdtest.Now.Add(365 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "vendor.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNewCmdAction(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	capture := func(o *Options) error { got = o; return nil }
	pemFile := writePEM(t)
	if err := cmdtest.Execute(NewCmdAction(env.Factory, "add", capture), "elevato --cert "+pemFile+" --name vendor-2025"); err != nil {
		t.Fatal(err)
	}
	if got.App != "elevato" || got.Name != "vendor-2025" || len(got.CertPEM) == 0 {
		t.Errorf("add options = %+v", got)
	}
	if err := cmdtest.Execute(NewCmdAction(env.Factory, "remove", capture), "elevato 9b2e41c0 --yes"); err != nil {
		t.Fatal(err)
	}
	if got.Action != "remove" || got.KeyID != "9b2e41c0" || !got.Yes {
		t.Errorf("remove options = %+v", got)
	}
	if err := cmdtest.Execute(NewCmdAction(env.Factory, "list", capture), "elevato"); err != nil || got.Action != "list" {
		t.Errorf("list options = %+v, %v", got, err)
	}
	notPEM := filepath.Join(t.TempDir(), "vendor.key")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ action, args, want string }{
		{"add", "elevato", "--cert is required"},
		{"add", "--cert " + pemFile, "missing APP"},
		{"add", "elevato --cert " + filepath.Join(t.TempDir(), "missing.pem"), "--cert:"},
		{"add", "elevato --cert " + notPEM, "--cert " + notPEM},
		{"list", "a b", `unexpected argument "b"`},
		{"remove", "elevato", "missing KEYID"},
	}
	for _, tt := range tests {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdAction(env.Factory, tt.action, capture), tt.args), tt.want)
	}
}
