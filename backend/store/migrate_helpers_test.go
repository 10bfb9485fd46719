package store

import (
	"context"
	"log/slog"
	"os"
	"testing"

	"github.com/ecabinet/ecabinet/backend/testenv"
	"github.com/pressly/goose/v3"
)

// migratedTo opens a new database of dialect (SQLite in a temporary
// directory, or a fresh PostgreSQL database) migrated up to version only,
// for tests of what a later migration does to existing rows; the provider
// runs the later ones. Version 0 leaves the database empty.
func migratedTo(t *testing.T, dialect string, version int64) (*DB, *goose.Provider) {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	cfg := Config{DataDir: t.TempDir(), Logger: log}
	if dialect == Postgres {
		cfg = Config{URL: testenv.Postgres(t), Logger: log}
	}
	db, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	p, err := db.migrations()
	if err != nil {
		t.Fatal(err)
	}
	if version > 0 {
		if _, err := p.UpTo(ctx, version); err != nil {
			t.Fatal(err)
		}
	}
	return db, p
}
