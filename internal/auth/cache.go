package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"

	"github.com/teamsctl/teamsctl/internal/fsutil"
)

// fileCache persists one MSAL client's token cache in a file of mode 0600,
// shared by every teamsctl process using the profile.
//
// Reads need no lock: writes are atomic renames, so a reader sees a whole
// file. Writes take the profile's cross-process lock and merge: MSAL
// exports its entire in-memory cache, which would otherwise overwrite
// tokens another process saved since this one read the file. The merge is
// three-way per cache entry: what this process changed since its last read
// wins, everything else is kept as it is on disk.
//
// MSAL documents the serialized cache as opaque; it is JSON objects of
// entries keyed by cache key (AccessToken, RefreshToken, IdToken, Account,
// AppMetadata). If a future MSAL changes that, the merge falls back to
// writing this process's cache as is.
type fileCache struct {
	path string
	lock *profileLock

	mu sync.Mutex
	// base is the file as last read or written by this process.
	base []byte
}

// Replace loads the file into MSAL's in-memory cache.
func (c *fileCache) Replace(ctx context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := readCacheFile(c.path)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.base = data
	c.mu.Unlock()
	if len(data) == 0 {
		return u.Unmarshal([]byte("{}"))
	}
	if err := u.Unmarshal(data); err != nil {
		return fmt.Errorf("token cache %s is corrupt (%v); run `teamsctl logout` and sign in again", c.path, err)
	}
	return nil
}

// Export merges MSAL's in-memory cache into the file.
func (c *fileCache) Export(ctx context.Context, m cache.Marshaler, _ cache.ExportHints) error {
	ours, err := m.Marshal()
	if err != nil {
		return err
	}
	return c.lock.with(ctx, func() error {
		disk, err := readCacheFile(c.path)
		if err != nil {
			return err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		merged := mergeCache(c.base, ours, disk)
		if err := fsutil.WriteFileAtomic(c.path, merged, 0o600); err != nil {
			return fmt.Errorf("saving the token cache: %w", err)
		}
		c.base = merged
		return nil
	})
}

func readCacheFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the token cache: %w", err)
	}
	return data, nil
}

// cacheSections is the serialized cache: section -> key -> entry.
type cacheSections map[string]map[string]json.RawMessage

// mergeCache returns disk with the changes from base to ours applied.
func mergeCache(base, ours, disk []byte) []byte {
	if len(disk) == 0 || bytes.Equal(base, disk) {
		return ours
	}
	var b, o, d cacheSections
	if json.Unmarshal(orEmpty(base), &b) != nil || json.Unmarshal(ours, &o) != nil || json.Unmarshal(disk, &d) != nil {
		return ours
	}
	for _, section := range sectionNames(b, o) {
		for key := range keysOf(b[section], o[section]) {
			before, hadBefore := b[section][key]
			after, hasAfter := o[section][key]
			switch {
			case hadBefore && hasAfter && bytes.Equal(before, after):
				// unchanged here: keep the disk's version, whatever it is
			case hasAfter:
				if d[section] == nil {
					d[section] = map[string]json.RawMessage{}
				}
				d[section][key] = after
			default:
				delete(d[section], key)
			}
		}
	}
	merged, err := json.Marshal(d)
	if err != nil {
		return ours
	}
	return merged
}

func orEmpty(data []byte) []byte {
	if len(data) == 0 {
		return []byte("{}")
	}
	return data
}

func sectionNames(maps ...cacheSections) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range maps {
		for name := range m {
			if !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return out
}

func keysOf(maps ...map[string]json.RawMessage) map[string]bool {
	keys := map[string]bool{}
	for _, m := range maps {
		for k := range m {
			keys[k] = true
		}
	}
	return keys
}

// profileLock is the cross-process lock of one profile's sign-in files.
// Holding it across a whole silent token acquisition also keeps two
// processes from redeeming the same refresh token at once: the second
// finds the first one's fresh access token in the file instead.
//
// The lock is re-entrant through the context: MSAL calls Export with the
// context of the acquisition that already holds the lock.
type profileLock struct {
	path string
	// mu serializes holders within this process; the file lock alone would
	// let two goroutines of one process deadlock on flock.
	mu sync.Mutex
}

type heldKey struct{ *profileLock }

// with runs fn holding the lock, unless ctx shows it is already held.
func (l *profileLock) with(ctx context.Context, fn func() error) error {
	if ctx.Value(heldKey{l}) != nil {
		return fn()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	lock, err := fsutil.LockFile(ctx, l.path)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	return fn()
}

// hold runs fn with the lock held and a context that records it, so cache
// writes inside fn do not try to take it again.
func (l *profileLock) hold(ctx context.Context, fn func(ctx context.Context) error) error {
	return l.with(ctx, func() error { return fn(context.WithValue(ctx, heldKey{l}, true)) })
}
