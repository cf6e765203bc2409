package main

import (
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/teamsctl/teamsctl/internal/emulator"
)

// emulators are the TLS emulators started by `emu start`, per script.
var emulators sync.Map // *testscript.TestScript -> *emulator.Server

// cmdEmu drives an emulator over loopback TLS in the test process, for
// journeys that exercise --login-url, --graph-url and --ca-file the way a
// real tenant would be reached:
//
//	emu start                   start it; TEAMSCTL_LOGIN_URL, TEAMSCTL_GRAPH_URL
//	                            and TEAMSCTL_CA_FILE point the next commands at it
//	emu approve UPN             approve the device code a background teamsctl
//	                            is waiting on, signing in as UPN
//	emu nosecrets               fail if the last command's stdout or stderr
//	                            shows a refresh token or device code the
//	                            emulator issued
//	emu signin CLIENT UPN [SCOPE...]
//	                            sign UPN in to the app CLIENT (appId) through
//	                            the device-code flow, as the app's own users
//	                            do, and print "ok" or the AADSTS code on
//	                            stdout; against the `emu start` emulator, or
//	                            else the script's --sandbox tenant (scopes
//	                            default to Graph's .default)
func cmdEmu(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: emu start | approve UPN | nosecrets | signin CLIENT UPN [SCOPE...]")
	}
	switch args[0] {
	case "start":
		emuStart(ts)
	case "approve":
		if len(args) != 2 {
			ts.Fatalf("usage: emu approve UPN")
		}
		emuApprove(ts, emuServer(ts), args[1])
	case "nosecrets":
		emuNoSecrets(ts, emuServer(ts))
	case "signin":
		if len(args) < 3 {
			ts.Fatalf("usage: emu signin CLIENT UPN [SCOPE...]")
		}
		emuSignIn(ts, args[1], args[2], args[3:])
	default:
		ts.Fatalf("emu: unknown subcommand %q", args[0])
	}
}

func emuStart(ts *testscript.TestScript) {
	srv, err := emulator.New(emulator.Options{})
	ts.Check(err)
	server := httptest.NewTLSServer(srv)
	ts.Defer(server.Close)
	emulators.Store(ts, srv)
	ts.Defer(func() { emulators.Delete(ts) })
	caFile := filepath.Join(ts.Getenv("WORK"), "emulator-ca.pem")
	ts.Check(os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate().Raw}), 0o600))
	ts.Setenv("TEAMSCTL_LOGIN_URL", server.URL)
	ts.Setenv("TEAMSCTL_GRAPH_URL", server.URL+"/v1.0")
	ts.Setenv("TEAMSCTL_CA_FILE", caFile)
}

func emuServer(ts *testscript.TestScript) *emulator.Server {
	srv, ok := emulators.Load(ts)
	if !ok {
		ts.Fatalf("emu: run `emu start` first")
	}
	return srv.(*emulator.Server)
}

// emuApprove waits for the background sign-in to ask for a device code,
// then plays the user at the device-login page.
func emuApprove(ts *testscript.TestScript, srv *emulator.Server, upn string) {
	deadline := time.Now().Add(20 * time.Second)
	for {
		if pending := srv.PendingDeviceCodes(); len(pending) > 0 {
			ts.Check(srv.ApproveDeviceCode(pending[0].UserCode, upn))
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("emu approve: no device code requested within 20s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func emuNoSecrets(ts *testscript.TestScript, srv *emulator.Server) {
	st, err := srv.Snapshot()
	ts.Check(err)
	var secrets []string
	for _, rt := range st.RefreshTokens {
		secrets = append(secrets, rt.Token)
	}
	for _, dc := range st.DeviceCodes {
		secrets = append(secrets, dc.DeviceCode)
	}
	if len(secrets) == 0 {
		ts.Fatalf("emu nosecrets: the emulator issued nothing to look for")
	}
	output := ts.ReadFile("stdout") + ts.ReadFile("stderr")
	for _, s := range secrets {
		if strings.Contains(output, s) {
			ts.Fatalf("emu nosecrets: the output shows a secret the emulator issued (%.10s...)", s)
		}
	}
}
