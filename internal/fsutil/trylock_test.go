package fsutil

import (
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
