package fsutil

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTryLockFileReportsAHeldLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	held, ok, err := TryLockFile(path)
	if err != nil || !ok {
		t.Fatalf("free lock: ok=%v err=%v", ok, err)
	}
	if l, ok, err := TryLockFile(path); err != nil || ok || l != nil {
		t.Fatalf("held lock: ok=%v err=%v", ok, err)
	}
	if err := held.Unlock(); err != nil {
		t.Fatal(err)
	}
	again, ok, err := TryLockFile(path)
	if err != nil || !ok {
		t.Fatalf("released lock: ok=%v err=%v", ok, err)
	}
	_ = again.Unlock()
}

// TestLockOnARemovedFileDoesNotCount: a holder that removes its lock file
// before releasing it leaves whoever opened the old file with a lock that
// path no longer names; TryLockFile takes the lock on the file path names.
func TestLockOnARemovedFileDoesNotCount(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	holder, ok, err := TryLockFile(path)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	opened, err := os.Open(path) // a recoverer opened it, then waits
	if err != nil {
		t.Fatal(err)
	}
	defer opened.Close()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	_ = holder.Unlock()
	if ok, err := tryLock(opened); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if current(opened, path) {
		t.Fatal("a lock on the removed file counts")
	}
	next, ok, err := TryLockFile(path) // a new run's lock: a new file
	if err != nil || !ok || !current(next.f, path) {
		t.Fatal(ok, err)
	}
	_ = next.Unlock()
}
