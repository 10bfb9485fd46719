package ecabinet

import (
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"ngắn", 50, "ngắn"},
		{"abcdef", 3, "abc…"},
		{"aệ", 2, "a…"}, // "ệ" is 3 bytes: cut before it, not inside
		{"aệ", 4, "aệ"},
		{"x\xffy", 10, "x\uFFFDy"},
		{"", 0, ""},
	} {
		got := Clip(c.in, c.n)
		if got != c.want || !utf8.ValidString(got) {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
