package sandbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/teamsctl/teamsctl/internal/emulator"
)

func TestServeAnswersDiscoveryOverTrustedTLS(t *testing.T) {
	statePath := filepath.Join(t.TempDir(), "state.json")
	s, err := Serve(ServeOptions{Addr: "127.0.0.1:0", StateFile: statePath})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(context.Background())

	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CAPEM) {
		t.Fatal("CAPEM is not a certificate")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(s.URL + "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("x-ms-request-id") == "" {
		t.Fatal("no emulator response")
	}

	// A write through the network is persisted to the state file.
	_ = s.Server.Update(func(st *emulator.State) error { st.HomeTenant().DisplayName = "Served"; return nil })
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/_emulator/unknown", nil)
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
	}
	raw, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	var st emulator.State
	if err := json.Unmarshal(raw, &st); err != nil || st.HomeTenant().DisplayName != "Served" {
		t.Fatalf("persisted state: %v / %+v", err, st.HomeTenant())
	}
}

func TestServeRefusesToListenBeyondLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "example.com:0"} {
		_, err := Serve(ServeOptions{Addr: addr})
		var nl *NotLoopbackError
		if !errors.As(err, &nl) {
			t.Errorf("%s: err = %v, want NotLoopbackError", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		if !IsLoopbackAddr(addr) {
			t.Errorf("%s is loopback", addr)
		}
	}
}

// The generated certificate also covers Microsoft's hosts, so an
// unmodified client reaches the emulator through hosts-file entries once
// it trusts the CA: here the TLS name is Azure Resource Manager's and the
// answer is ARM's (401 without a token).
func TestServeCertificateCoversMicrosoftHosts(t *testing.T) {
	s, err := Serve(ServeOptions{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(context.Background())
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CAPEM)
	for _, host := range MicrosoftHosts {
		client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: host}}}
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/tenants?api-version=2022-12-01", nil)
		req.Host = host
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: GET /tenants without a token = %d, want ARM's 401", host, resp.StatusCode)
		}
	}
}
