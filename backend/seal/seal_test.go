package seal_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ecabinet/ecabinet/backend/seal"
)

// A sealed secret opens for its member with the same key only: not for
// another member (a value copied between rows), not with another key, not
// in a box for another kind of secret, not after a change.
func TestSealedSecretsOpenOnlyWhereTheyBelong(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	box, err := seal.New(key, "totp")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := box.Seal(12, []byte("JBSWY3DPEHPK3PXP"))
	if err != nil || !seal.Sealed(stored) || bytes.Contains([]byte(stored), []byte("JBSWY3DPEHPK3PXP")) {
		t.Fatalf("sealed %q %v", stored, err)
	}
	if plain, err := box.Open(12, stored); err != nil || string(plain) != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("open: %q %v", plain, err)
	}
	other, _ := seal.New(bytes.Repeat([]byte{8}, 32), "totp")
	signing, _ := seal.New(key, "signing key")
	changed := stored[:len(stored)-2] + "AA"
	for name, try := range map[string]func() ([]byte, error){
		"another member": func() ([]byte, error) { return box.Open(13, stored) },
		"another key":    func() ([]byte, error) { return other.Open(12, stored) },
		"another kind":   func() ([]byte, error) { return signing.Open(12, stored) },
		"changed":        func() ([]byte, error) { return box.Open(12, changed) },
		"not sealed":     func() ([]byte, error) { return box.Open(12, "JBSWY3DPEHPK3PXP") },
	} {
		if _, err := try(); !errors.Is(err, seal.ErrOpen) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := seal.New(key[:16], "totp"); err == nil {
		t.Fatal("a 16-byte key was accepted")
	}
}
