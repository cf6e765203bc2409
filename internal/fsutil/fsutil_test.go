package fsutil

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
