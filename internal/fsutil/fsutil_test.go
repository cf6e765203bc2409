package fsutil

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestWriteFileAtomicIsPrivateAndComplete(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "state.json")
	if err := WriteFileAtomic(path, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, want 0600", info.Mode().Perm())
	}
	if got, _ := os.ReadFile(path); string(got) != "two" {
		t.Fatalf("content = %q", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("left %d files behind, want only the target", len(entries))
	}
}

func TestLockFileExcludesConcurrentHolders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	var mu sync.Mutex
	inside, maxInside := 0, 0
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := LockFile(context.Background(), path)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			inside++
			maxInside = max(maxInside, inside)
			mu.Unlock()
			time.Sleep(5 * time.Millisecond) // hold the lock so contenders must wait
			mu.Lock()
			inside--
			mu.Unlock()
			if err := l.Unlock(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if maxInside != 1 {
		t.Fatalf("%d holders at once, want 1", maxInside)
	}
}

func TestLockFileGivesUpWithContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	held, err := LockFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LockFile(ctx, path); err == nil {
		t.Fatal("second lock succeeded while the first was held")
	}
}

// TestWriteFileAtomicRemovesKilledWritersTemps: a temporary file of a
// writer that no longer runs (killed between create and rename) is
// removed by the next write or removal of the same file; a live writer's,
// and other files', are kept.
func TestWriteFileAtomicRemovesKilledWritersTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.json")
	dead := exec.Command(os.Args[0], "-test.run=^$")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{ // name: kept
		fmt.Sprintf(".journal.json.tmp-%d-123", dead.Process.Pid): false,
		fmt.Sprintf(".journal.json.tmp-%d-456", os.Getppid()):     true, // a live process
		fmt.Sprintf(".journal.json.tmp-%d-789", os.Getpid()):      true, // this one
		fmt.Sprintf(".other.json.tmp-%d-123", dead.Process.Pid):   true, // another file's
		".journal.json.tmp-123456789":                             true, // not ours (old format)
	}
	for name := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("torn"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	check := func(what string) {
		t.Helper()
		for name, kept := range files {
			_, err := os.Stat(filepath.Join(dir, name))
			if (err == nil) != kept {
				t.Errorf("%s: %s exists=%v, want %v", what, name, err == nil, kept)
			}
		}
	}
	if err := WriteFileAtomic(path, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	check("after a write")
	stale := filepath.Join(dir, fmt.Sprintf(".journal.json.tmp-%d-999", dead.Process.Pid))
	if err := os.WriteFile(stale, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := RemoveFile(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("RemoveFile left a killed writer's temporary file")
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("RemoveFile left the file")
	}
	if err := RemoveFile(path); err != nil {
		t.Errorf("removing a missing file: %v", err)
	}
}

// TestWriteFileAtomicReplacesOnlyRegularFiles: a symbolic link, a named
// pipe, a directory or a device at the path is refused and left as it
// was; the link's target is never written.
func TestWriteFileAtomicReplacesOnlyRegularFiles(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := mkfifo(fifo); err != nil {
		t.Skip("no named pipes here:", err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	for path, kind := range map[string]string{link: "symbolic link", fifo: "named pipe", sub: "directory", os.DevNull: "device"} {
		err := WriteFileAtomic(path, []byte("secret"), 0o600)
		var nr *NotRegularError
		if !errors.As(err, &nr) || !strings.Contains(err.Error(), kind) {
			t.Errorf("%s: got %v, want a NotRegularError naming a %s", path, err, kind)
		}
		if st, err := os.Lstat(path); err != nil || st.Mode().IsRegular() {
			t.Errorf("%s was replaced: %v %v", path, st.Mode(), err)
		}
	}
	if got, _ := os.ReadFile(target); string(got) != "keep" {
		t.Errorf("the link's target was written: %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 {
		t.Errorf("left temporary files behind: %v", entries)
	}
	// A new path and a regular file are written.
	for _, path := range []string{filepath.Join(dir, "new"), target} {
		if err := WriteFileAtomic(path, []byte("v"), 0o600); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

func TestCheckParentDir(t *testing.T) {
	dir := t.TempDir()
	if err := CheckParentDir(filepath.Join(dir, "x.html")); err != nil {
		t.Errorf("existing directory: %v", err)
	}
	missing := filepath.Join(dir, "nodir")
	err := CheckParentDir(filepath.Join(missing, "x.html"))
	if err == nil || !strings.Contains(err.Error(), "directory "+missing+" does not exist") {
		t.Errorf("missing directory: %v", err)
	}
	if _, statErr := os.Stat(missing); statErr == nil {
		t.Errorf("%s was created", missing)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CheckParentDir(filepath.Join(file, "x.html")); err == nil {
		t.Error("a file as the directory was accepted")
	}
}
