package serve

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

// TestServeWorksWithPlainCurl is the acceptance check of `sandbox serve`:
// a client that knows nothing of teamsctl (curl) discovers the login
// endpoints, signs in by device code through the control API and calls
// Graph, using only the URLs and CA the command printed.
func TestServeWorksWithPlainCurl(t *testing.T) {
	curlPath, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	env := cmdtest.New(t, "", map[string]string{"TEAMSCTL_OUTPUT": "json"})
	pr, pw := io.Pipe()
	env.IO.Out = pw
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	opts := &Options{IO: env.IO, Config: env.Factory.Config, Now: time.Now, Addr: "127.0.0.1:0", RetryAfter: time.Second}
	go func() { done <- serveRun(ctx, opts) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()

	var served Result
	if err := json.NewDecoder(pr).Decode(&served); err != nil {
		t.Fatalf("reading the printed result: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }() // drain the rest

	curl := func(args ...string) map[string]any {
		t.Helper()
		out, err := exec.Command(curlPath, append([]string{"-sS", "--cacert", served.CAFile}, args...)...).Output()
		if err != nil {
			t.Fatalf("curl %s: %v", strings.Join(args, " "), err)
		}
		var body map[string]any
		if err := json.Unmarshal(out, &body); err != nil {
			t.Fatalf("curl %s: not JSON: %q", strings.Join(args, " "), out)
		}
		return body
	}
	tenant := served.LoginURL + "/" + served.TenantDomain

	discovery := curl(tenant + "/v2.0/.well-known/openid-configuration")
	tokenURL, _ := discovery["token_endpoint"].(string)
	if !strings.HasPrefix(tokenURL, served.LoginURL) {
		t.Fatalf("token_endpoint %q is not on the served host", tokenURL)
	}

	const client = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
	code := curl(tenant+"/oauth2/v2.0/devicecode", "-d", "client_id="+client, "-d", "scope=https://graph.microsoft.com/User.Read offline_access")
	approval := curl(served.LoginURL+"/_emulator/devicecodes/"+code["user_code"].(string)+"/approve",
		"-X", "POST", "-H", "Content-Type: application/json", "-d", `{"user":"admin@contoso.onmicrosoft.com"}`)
	if approval["status"] != "approved" {
		t.Fatalf("approval = %v", approval)
	}
	token := curl(tokenURL, "-d", "grant_type=urn:ietf:params:oauth:grant-type:device_code",
		"-d", "client_id="+client, "-d", "device_code="+code["device_code"].(string))
	accessToken, _ := token["access_token"].(string)
	if accessToken == "" {
		t.Fatalf("token response = %v", token)
	}

	me := curl(served.GraphURL+"/me", "-H", "Authorization: Bearer "+accessToken)
	if me["userPrincipalName"] != "admin@contoso.onmicrosoft.com" {
		t.Fatalf("/me = %v", me)
	}
	if _, err := os.Stat(served.CAFile); err != nil {
		t.Fatalf("CA file: %v", err)
	}
}
