package ecabinet_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// Every message key the code uses has a Vietnamese and an English text, so
// no user ever sees a raw key or the generic fallback by mistake.
func TestEveryMessageKeyIsTranslated(t *testing.T) {
	patterns := []*regexp.Regexp{
		regexp.MustCompile(`Errorf\([^,]+,\s*"([a-z_.]+)"`),
		regexp.MustCompile(`FieldError\("[a-z_]+",\s*"([a-z_.]+)"`),
		regexp.MustCompile(`Key:\s*"([a-z_.]*[a-z_])"`),
		regexp.MustCompile(`NotFound\("([a-z_]+)"\)`),
	}
	seen := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, re := range patterns {
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				key := m[1]
				if i == 3 {
					key = "not_found." + key
				}
				seen++
				if !ecabinet.HasMessage(key) {
					t.Errorf("%s: message key %q has no translation", path, key)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 20 {
		t.Fatalf("only %d message keys found: the scan is broken", seen)
	}
}

func TestTranslate(t *testing.T) {
	if got := ecabinet.Translate("en", "login_rate_limit", 30); got != "Too many failed sign-ins. Try again in 30 seconds." {
		t.Fatalf("en: %q", got)
	}
	if got := ecabinet.Translate("vi", "login_rate_limit", 30); !strings.Contains(got, "30 giây") {
		t.Fatalf("vi: %q", got)
	}
	if got := ecabinet.Translate("fr", "bad_credentials"); got != "Tên đăng nhập hoặc mật khẩu không đúng." {
		t.Fatalf("fallback to Vietnamese: %q", got)
	}
	if got := ecabinet.Translate("en", "no.such.key"); got != ecabinet.Translate("en", "internal") {
		t.Fatalf("unknown key: %q", got)
	}
}
