package store

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"
)

// Raw runs a query into dest; tests use it to inspect what is stored.
func (db *DB) Raw(ctx context.Context, query string, dest any, args ...any) error {
	return db.gorm.WithContext(ctx).Raw(query, args...).Scan(dest).Error
}

// Columns lists a table's columns, sorted.
func (db *DB) Columns(ctx context.Context, table string) ([]string, error) {
	cols, err := db.gorm.WithContext(ctx).Migrator().ColumnTypes(table)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name()
	}
	slices.Sort(names)
	return names, nil
}

// Exec runs a statement, as a database administrator could.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	return db.gorm.WithContext(ctx).Exec(query, args...).Error
}

// SecretBatching sets how long the first choice of a secret vote's batch
// waits and how many choices make a batch due.
func (s *VoteService) SecretBatching(window time.Duration, max int) {
	s.secret.mu.Lock()
	s.secret.window, s.secret.max = window, max
	s.secret.mu.Unlock()
}

// SecretPending is how many choices of a vote wait for their batch here.
func (s *VoteService) SecretPending(voteID int64) int {
	s.secret.mu.Lock()
	defer s.secret.mu.Unlock()
	return len(s.secret.pending[voteID])
}

// FlushSecret writes a vote's batch now and waits until it is written.
func (s *VoteService) FlushSecret(voteID int64) { s.secret.drain(voteID) }

// GroupQueued is how many grouped writes wait for a group commit worker.
func (db *DB) GroupQueued() int { return len(db.group.in) }

// Grouped runs fn as a grouped write that first locks the session
// meetingID; fn gets the transaction it runs in.
func (db *DB) Grouped(ctx context.Context, meetingID int64, fn func(tx *gorm.DB) error) error {
	return db.writeGrouped(ctx, sessionKey(meetingID), func(tx *Tx) error { return fn(tx.DB) })
}
