package app

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ecabinet/ecabinet/backend/config"
	"github.com/ecabinet/ecabinet/backend/seal"
)

// signingKeyFile holds the key that seals signers' private keys when the
// embedded SQLite database is used and no key is configured.
const signingKeyFile = "signing.key"

// signingSeal returns the seal of signers' private keys: with
// ECABINET_SIGNING_KEY, else ECABINET_MFA_KEY, else (embedded SQLite only)
// a key file in the data directory, made on first use, readable by the
// owner only. With PostgreSQL and no key it returns nil: instances must
// share the key, so none is made up.
func signingSeal(cfg *config.Config) (*seal.Box, error) {
	key := cfg.SigningKey
	if key == nil {
		key = cfg.MFAKey
	}
	if key == nil && cfg.DatabaseURL == "" {
		var err error
		if key, err = keyFile(filepath.Join(cfg.DataDir, signingKeyFile)); err != nil {
			return nil, fmt.Errorf("signing key file: %w", err)
		}
	}
	if key == nil {
		return nil, nil
	}
	return seal.New(key, "signing key")
}

// keyFile reads a base64 key of 32 bytes from path, or makes one there.
func keyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, err
		}
		if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
			_ = f.Close()
			return nil, err
		}
		return key, f.Close()
	}
	if err != nil {
		return nil, err
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("%s does not hold 32 bytes in base64", path)
	}
	return key, nil
}
