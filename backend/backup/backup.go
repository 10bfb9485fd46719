// Package backup copies the embedded SQLite database while the server runs
// and puts a copy back in its place while it is stopped. On PostgreSQL,
// pg_dump and pg_restore do that work (scripts/backup, scripts/restore).
package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ecabinet/ecabinet/backend/store"
)

// ErrNotSQLite is returned by the SQLite-only backup and restore: on
// PostgreSQL, pg_dump and pg_restore do that work (scripts/backup, scripts/restore).
var ErrNotSQLite = errors.New("backup: backup and restore by the server are for the embedded SQLite database; on PostgreSQL use pg_dump and pg_restore (scripts/backup, scripts/restore)")

// Backup writes a consistent copy of the embedded SQLite database to path
// (VACUUM INTO: one read transaction, so the server may keep running and
// writing). Documents are stored in the database, so this is their backup
// too. path must not exist yet.
func Backup(ctx context.Context, db *store.DB, path string) error {
	if db.Dialect() != store.SQLite {
		return ErrNotSQLite
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup: %s exists already", path)
	}
	if _, err := db.SQL().ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("backup: to %s: %w", path, err)
	}
	return nil
}

// RestoreSQLite replaces the embedded database in dataDir with the backup
// at src. The server must be stopped. The backup is checked (SQLite
// integrity, e-Cabinet migrations) and given new event epochs in a copy
// beside the database, which then takes the database's place in one
// rename; the database it replaces is kept as ecabinet.db.replaced-<time>.
// It returns the path of that kept file ("" when there was none).
func RestoreSQLite(ctx context.Context, src, dataDir string, cfg store.Config) (kept string, err error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	work, err := os.MkdirTemp(dataDir, "restore-")
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(work)
	if err := copyFile(src, filepath.Join(work, store.SQLiteFile)); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	cfg.URL, cfg.DataDir = "", work
	if err := prepareRestored(ctx, cfg); err != nil {
		return "", err
	}
	// Closing the last connection checkpointed the write-ahead log into the
	// file; a log left behind would hold part of the restore.
	if fi, err := os.Stat(filepath.Join(work, store.SQLiteFile+"-wal")); err == nil && fi.Size() > 0 {
		return "", errors.New("restore: the restored copy kept a write-ahead log; nothing was replaced")
	}
	live := filepath.Join(dataDir, store.SQLiteFile)
	if _, err := os.Stat(live); err == nil {
		kept = live + ".replaced-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(live, kept); err != nil {
			return "", fmt.Errorf("restore: %w", err)
		}
	}
	// The old database's log and index belong to the old file.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(live + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return kept, fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(filepath.Join(work, store.SQLiteFile), live); err != nil {
		return kept, fmt.Errorf("restore: %w", err)
	}
	return kept, syncDir(dataDir)
}

// prepareRestored checks a restored copy and gives its streams new epochs.
func prepareRestored(ctx context.Context, cfg store.Config) error {
	db, err := store.Open(ctx, cfg)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer db.Close()
	var check string
	if err := db.SQL().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		return fmt.Errorf("restore: the backup is not a sound SQLite database (%v%s)", err, check)
	}
	if v, err := db.MigrationVersion(ctx); err != nil || v == 0 {
		return fmt.Errorf("restore: the backup is not an e-Cabinet database (no applied migrations: %v)", err)
	}
	if _, err := db.Events().NewEpochs(ctx); err != nil {
		return fmt.Errorf("restore: new epochs: %w", err)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// syncDir makes the renames in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
