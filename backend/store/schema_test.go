package store

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// A server that does not migrate refuses a schema older than its own and
// says to run ecabinet migrate; it accepts its own and a newer one.
func TestRequireSchema(t *testing.T) {
	for _, dialect := range []string{SQLite, Postgres} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			empty, _ := migratedTo(t, dialect, 0)
			if err := empty.RequireSchema(ctx); err == nil || !strings.Contains(err.Error(), "no e-Cabinet schema") ||
				!strings.Contains(err.Error(), "ecabinet migrate") {
				t.Fatalf("an empty database: %v", err)
			}
			db, p := migratedTo(t, dialect, 8)
			s, err := db.SchemaStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if s.Applied != 8 || s.Latest < 9 || s.Missing[0] != 9 || !slices.IsSorted(s.Missing) {
				t.Fatalf("at migration 8: %+v", s)
			}
			if err := db.RequireSchema(ctx); err == nil || !strings.Contains(err.Error(), "older than this release") ||
				!strings.Contains(err.Error(), "ecabinet migrate") {
				t.Fatalf("at migration 8: %v", err)
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			if err := db.RequireSchema(ctx); err != nil {
				t.Fatalf("migrated: %v", err)
			}
			// A migration reverted counts as missing again.
			if _, err := p.Down(ctx); err != nil {
				t.Fatal(err)
			}
			if s, _ := db.SchemaStatus(ctx); len(s.Missing) != 1 || db.RequireSchema(ctx) == nil {
				t.Fatalf("after a migration was reverted: %+v", s)
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			// A later release migrated it further: still served.
			if _, err := db.sql.ExecContext(ctx, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, TRUE)"); err != nil {
				t.Fatal(err)
			}
			if err := db.RequireSchema(ctx); err != nil {
				t.Fatalf("a newer schema: %v", err)
			}
		})
	}
}

// Behind a transaction pool the store does not migrate: the advisory lock
// would not stay with its session.
func TestNoMigrationsThroughATransactionPool(t *testing.T) {
	db, _ := migratedTo(t, SQLite, 0)
	db.txPooling = true
	if err := db.Migrate(context.Background()); err == nil || !strings.Contains(err.Error(), "ecabinet migrate") {
		t.Fatalf("migrate: %v", err)
	}
}
