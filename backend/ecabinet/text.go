package ecabinet

import (
	"strings"
	"unicode/utf8"
)

// Clip makes text kept from a client (a user agent) or from an error fit
// for storing and logging: bytes that are not UTF-8 become U+FFFD, and text
// over n bytes is cut between two characters and marked with "…". A cut in
// the middle of a character, or a client's stray byte, would be text
// PostgreSQL refuses.
func Clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
