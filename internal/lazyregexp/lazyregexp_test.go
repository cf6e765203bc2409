package lazyregexp

import (
	"sync"
	"testing"
)

func TestCompiledOnFirstUse(t *testing.T) {
	r := New(`^a(\d+)$`)
	if r.rx != nil {
		t.Fatal("compiled before first use")
	}
	if !r.MatchString("a12") || r.MatchString("b12") {
		t.Error("MatchString")
	}
	if m := r.FindStringSubmatch("a7"); len(m) != 2 || m[1] != "7" {
		t.Errorf("FindStringSubmatch = %q", m)
	}
	if got := New(`\d`).ReplaceAllString("a1b2", "_"); got != "a_b_" {
		t.Errorf("ReplaceAllString = %q", got)
	}
}

func TestConcurrentFirstUse(t *testing.T) {
	r := New(`^x+$`)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if !r.MatchString("xxx") {
				t.Error("no match")
			}
		})
	}
	wg.Wait()
}

func TestInvalidPanicsOnUse(t *testing.T) {
	r := New(`(`)
	defer func() {
		if recover() == nil {
			t.Error("an invalid expression did not panic on use")
		}
	}()
	r.MatchString("x")
}
