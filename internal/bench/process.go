package bench

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/teamsctl"
)

// envAsTeamsctl makes a test binary of a package that calls
// RunAsTeamsctlIfAsked from TestMain run teamsctl instead of its tests.
// Re-executing the test binary gives the process tests a teamsctl process
// without building the command separately (one more link of the Graph SDK
// in CI); the binary holds the tests too, so its memory and start-up
// figures are upper bounds for teamsctl's.
const envAsTeamsctl = "TEAMSCTL_BENCH_AS_TEAMSCTL"

// envPeakFile names the file a child writes its peak resident memory to.
// The parent cannot ask the kernel: a child's rusage max RSS starts at
// the parent's, which holds the emulator and the large tenant, since
// Linux carries the high-water mark of the memory a process had before
// exec over to it; /proc/self/status's VmHWM is the exec'd program's own.
const envPeakFile = "TEAMSCTL_BENCH_PEAK_FILE"

// RunAsTeamsctlIfAsked runs teamsctl and exits when this process is a
// child started by Env.Command; otherwise it returns. Call it first in
// TestMain.
func RunAsTeamsctlIfAsked() {
	if os.Getenv(envAsTeamsctl) != "1" {
		return
	}
	code := teamsctl.MainWith(teamsctl.Deps{IOStreams: iostreams.System(os.Getenv), Getenv: os.Getenv, Now: time.Now,
		Browser: childBrowser()})
	if path := os.Getenv(envPeakFile); path != "" {
		if status, err := os.ReadFile("/proc/self/status"); err == nil {
			_ = os.WriteFile(path, status, 0o600)
		}
	}
	os.Exit(code)
}

// vmHWM is the VmHWM of a /proc/PID/status text, in bytes (0: none).
func vmHWM(status string) int64 {
	for line := range strings.Lines(status) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// Process is a teamsctl child process.
type Process struct {
	Cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	peakFile       string
}

// ProcessResult is how a child process ended.
type ProcessResult struct {
	Args []string
	// Code is the exit code; -1 when the process was killed.
	Code           int
	Killed         bool
	Stdout, Stderr string
	// MaxRSS is the process's peak resident memory in bytes (VmHWM;
	// 0 where /proc is missing or the process was killed).
	MaxRSS int64
	Wall   time.Duration
}

// Command returns teamsctl as a child process with the commands'
// environment (and nothing of the test's but PATH).
func (e *Env) Command(ctx context.Context, args ...string) *Process {
	self, err := os.Executable()
	if err != nil {
		e.TB.Fatal(err)
	}
	p := &Process{Cmd: exec.CommandContext(ctx, self, args...), peakFile: filepath.Join(e.TB.TempDir(), "status")}
	env := []string{envAsTeamsctl + "=1", envPeakFile + "=" + p.peakFile, "PATH=" + os.Getenv("PATH"), childGORACE()}
	e.mu.Lock()
	for k, v := range e.env {
		env = append(env, k+"="+v)
	}
	e.mu.Unlock()
	p.Cmd.Env = env
	p.Cmd.Stdout, p.Cmd.Stderr = &p.stdout, &p.stderr
	return p
}

// Wait waits for the process and measures it; start is when it started.
func (p *Process) Wait(start time.Time) ProcessResult {
	err := p.Cmd.Wait()
	r := ProcessResult{Args: p.Cmd.Args[1:], Code: p.Cmd.ProcessState.ExitCode(), Stdout: p.stdout.String(),
		Stderr: p.stderr.String(), Wall: time.Since(start)}
	if ws, ok := p.Cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		r.Killed = ws.Signal() == syscall.SIGKILL
	}
	if status, err := os.ReadFile(p.peakFile); err == nil {
		r.MaxRSS = vmHWM(string(status))
	}
	if err != nil && r.Code == 0 {
		r.Code = -1
	}
	return r
}

// RunProcess runs one command line as a child process.
func (e *Env) RunProcess(ctx context.Context, args ...string) ProcessResult {
	e.TB.Helper()
	p := e.Command(ctx, args...)
	start := time.Now()
	if err := p.Cmd.Start(); err != nil {
		e.TB.Fatalf("starting teamsctl %s: %v", strings.Join(args, " "), err)
	}
	return p.Wait(start)
}

// childGORACE is the race detector's options for a child process: under
// -race every process sleeps atexit_sleep_ms (1 s by default) before it
// exits, which would add a second to every run the tests start.
func childGORACE() string {
	return "GORACE=" + strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0")
}
