package store

import (
	"context"
	"fmt"
	"slices"
)

// Schema is how the database's schema stands against this binary's
// migrations.
type Schema struct {
	// Applied is the highest migration applied (0: none, no schema yet).
	Applied int64
	// Latest is the highest migration this binary has.
	Latest int64
	// Missing lists this binary's migrations not applied, lowest first.
	Missing []int64
}

// SchemaStatus reads which migrations the database has, without changing
// anything (it takes no lock and creates no table).
func (db *DB) SchemaStatus(ctx context.Context) (*Schema, error) {
	p, err := db.migrations()
	if err != nil {
		return nil, err
	}
	exists := "SELECT to_regclass('goose_db_version') IS NOT NULL"
	if db.dialect == SQLite {
		exists = "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version')"
	}
	var found bool
	if err := db.sql.QueryRowContext(ctx, exists).Scan(&found); err != nil {
		return nil, translate(err)
	}
	// The last row of a version says whether it is applied (goose appends
	// a row when it applies a migration and another when it reverts one).
	applied := map[int64]bool{}
	if found {
		rows, err := db.sql.QueryContext(ctx, "SELECT version_id, is_applied FROM goose_db_version ORDER BY id")
		if err != nil {
			return nil, translate(err)
		}
		defer rows.Close()
		for rows.Next() {
			var v int64
			var ok bool
			if err := rows.Scan(&v, &ok); err != nil {
				return nil, translate(err)
			}
			applied[v] = ok
		}
		if err := rows.Err(); err != nil {
			return nil, translate(err)
		}
	}
	s := &Schema{}
	for v, ok := range applied {
		if ok && v > s.Applied {
			s.Applied = v
		}
	}
	for _, src := range p.ListSources() {
		s.Latest = max(s.Latest, src.Version)
		if !applied[src.Version] {
			s.Missing = append(s.Missing, src.Version)
		}
	}
	slices.Sort(s.Missing)
	return s, nil
}

// RequireSchema returns an error saying what to run when a migration of
// this binary is not applied; a newer schema (a later release migrated it
// during a rolling update) is accepted.
func (db *DB) RequireSchema(ctx context.Context) error {
	s, err := db.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	switch {
	case s.Applied == 0:
		return fmt.Errorf("store: the database has no e-Cabinet schema yet: run `ecabinet migrate` first "+
			"(ECABINET_MIGRATE=false: this server does not migrate; this release needs migration %d)", s.Latest)
	case len(s.Missing) > 0:
		return fmt.Errorf("store: the database schema is older than this release: migration %d is applied, %v missing (this release needs %d): "+
			"run `ecabinet migrate` first (ECABINET_MIGRATE=false: this server does not migrate)", s.Applied, s.Missing, s.Latest)
	case s.Applied > s.Latest:
		db.log.Info("the database schema is newer than this release (a rolling update is under way)", "applied", s.Applied, "release", s.Latest)
	}
	return nil
}
