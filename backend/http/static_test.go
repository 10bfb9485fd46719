package http

import (
	"strings"
	"testing"
)

func TestInlineScriptHashes(t *testing.T) {
	html := []byte("<html><head><script src=\"/a.js\"></script></head><body><script>\n\t\t\t{ __sveltekit_x = 1; }\n\t\t</script></body></html>")
	got := inlineScriptHashes(html)
	// sha256 of the exact text between the tags, as browsers hash it
	// (printf '...' | openssl dgst -sha256 -binary | base64).
	if got != " 'sha256-6SymGKyCP8a7FpGaawYVTh1qEDK5VFi73LuxrTRERto='" {
		t.Fatalf("hashes = %q", got)
	}
	if !strings.Contains(contentSecurityPolicy(got), "script-src 'self' 'wasm-unsafe-eval' 'sha256-") {
		t.Fatal("the hash is not in the policy")
	}
	if inlineScriptHashes([]byte(`<script src="/x.js"></script>`)) != "" {
		t.Fatal("an external script was hashed")
	}
}
