package ui

import (
	"testing"
	"time"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"elevato - MS Teams integration": "elevato - MS Teams integration",
		"esc\x1b[31mRED\x07":             `esc\x1b[31mRED\x07`,
		"a\nb\tc\rd":                     `a\nb\tc\rd`,
		"nul\x00del\x7f":                 `nul\x00del\x7f`,
		"csi\u009b2J nel\u0085":          `csi\u009b2J nel\u0085`,
		"bidi\u202egnp.exe\u2066x\u2069": `bidi\u202egnp.exe\u2066x\u2069`,
		"mark\u200e\u200f\u061c":         `mark\u200e\u200f\u061c`,
		"sep\u2028\u2029":                `sep\u2028\u2029`,
		"bad\xffutf8":                    `bad\xffutf8`,
		"Zürich café – ok ✓ \ufffd":      "Zürich café – ok ✓ \ufffd",
		`already\x1b escaped`:            `already\x1b escaped`,
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
		if got := Escape(want); got != want {
			t.Errorf("Escape is not idempotent on %q: %q", want, got)
		}
	}
}

type inner struct {
	Name  string
	At    time.Time
	Lines string `text:"lines"`
}

type nested struct {
	Name    string
	Ptr     *inner
	List    []inner
	Map     map[string]string
	Any     any
	Arr     [1]string
	private string
	Nil     *inner
}

func TestEscapedIsADeepCopy(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	v := &nested{Name: "a\x1b", Ptr: &inner{Name: "b\n", At: at, Lines: "one\x1b\ntwo"}, List: []inner{{Name: "c\t"}}, Map: map[string]string{"k\r": "v\x07"},
		Any: "d\x1b", Arr: [1]string{"e\n"}, private: "raw\x1b"}
	got := Escaped(v)
	if got.Name != `a\x1b` || got.Ptr.Name != `b\n` || got.Ptr.Lines != "one\\x1b\ntwo" || !got.Ptr.At.Equal(at) || got.List[0].Name != `c\t` || got.Map[`k\r`] != `v\x07` ||
		got.Any != `d\x1b` || got.Arr[0] != `e\n` || got.private != "raw\x1b" || got.Nil != nil {
		t.Errorf("Escaped = %+v", got)
	}
	if v.Name != "a\x1b" || v.Ptr.Name != "b\n" || v.List[0].Name != "c\t" || v.Map["k\r"] != "v\x07" {
		t.Errorf("the original changed: %+v", v)
	}
}
