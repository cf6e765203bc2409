package fsutil

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Lock is an exclusive advisory lock on a file, held across processes.
type Lock struct {
	f *os.File
}

// LockFile takes an exclusive lock on path (created with mode 0600),
// waiting until it is free or ctx ends. Polling keeps the code portable;
// the interval is short because teamsctl holds locks only for one command.
func LockFile(ctx context.Context, path string) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	for {
		l, ok, err := TryLockFile(path)
		if err != nil || ok {
			return l, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %s, held by another teamsctl process: %w", path, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TryLockFile takes an exclusive lock on path (created with mode 0600) if
// it is free; ok is false when another holder has it, in this process or
// another. The operating system releases a lock when its process ends,
// however it ends, so a held lock means a live holder.
//
// A holder may remove the lock file while it holds it (to leave nothing
// behind); a lock taken on the file it opened just before is then a lock
// on a removed file, which nobody else would honour. So the lock counts
// only while path still names the locked file, and is taken again on the
// new file otherwise.
func TryLockFile(path string) (l *Lock, ok bool, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return nil, false, err
		}
		ok, err = tryLock(f)
		if err != nil || !ok {
			_ = f.Close()
			if err != nil {
				return nil, false, fmt.Errorf("lock %s: %w", path, err)
			}
			return nil, false, nil
		}
		if current(f, path) {
			return &Lock{f: f}, true, nil
		}
		_ = unlock(f)
		_ = f.Close()
	}
}

// current reports whether path still names the open file f.
func current(f *os.File, path string) bool {
	held, err := f.Stat()
	if err != nil {
		return false
	}
	named, err := os.Stat(path)
	return err == nil && os.SameFile(held, named)
}

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	if err := unlock(l.f); err != nil {
		_ = l.f.Close()
		return err
	}
	return l.f.Close()
}
