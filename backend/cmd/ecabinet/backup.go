package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/ecabinet/ecabinet/backend/app"
	"github.com/ecabinet/ecabinet/backend/backup"
	"github.com/ecabinet/ecabinet/backend/config"
	"github.com/ecabinet/ecabinet/backend/store"
)

// backupCommand runs the subcommands behind scripts/backup and scripts/restore:
//
//	backup FILE    a consistent copy of the embedded SQLite database (the server may run)
//	restore FILE   the embedded SQLite database replaced by a backup (the server stopped)
//	new-epochs     every event stream gets a new epoch (after pg_restore)
//
// PostgreSQL is backed up and restored by pg_dump and pg_restore.
func backupCommand(ctx context.Context, cmd string, args []string, cfg *config.Config, log *slog.Logger, stdout io.Writer) error {
	if cmd == "new-epochs" {
		if len(args) != 0 {
			return errors.New("usage: ecabinet new-epochs")
		}
		db, err := store.Open(ctx, app.StoreConfig(cfg, log))
		if err != nil {
			return err
		}
		defer db.Close()
		n, err := db.Events().NewEpochs(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d event streams have a new epoch: tablets resume by snapshot\n", n)
		return nil
	}
	if len(args) != 1 {
		return fmt.Errorf("usage: ecabinet %s FILE", cmd)
	}
	if cfg.DatabaseURL != "" {
		return backup.ErrNotSQLite
	}
	file := args[0]
	if cmd == "restore" {
		kept, err := backup.RestoreSQLite(ctx, file, cfg.DataDir, store.Config{Logger: log})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "restored %s into %s\n", file, cfg.DataDir)
		if kept != "" {
			fmt.Fprintf(stdout, "the database it replaced is kept as %s\n", kept)
		}
		return nil
	}
	// Open would create an empty database where there is none.
	if _, err := os.Stat(filepath.Join(cfg.DataDir, store.SQLiteFile)); err != nil {
		return fmt.Errorf("no database to back up in ECABINET_DATA_DIR=%s: %w", cfg.DataDir, err)
	}
	db, err := store.Open(ctx, store.Config{DataDir: cfg.DataDir, Logger: log})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := backup.Backup(ctx, db, file); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", cfg.DataDir, file)
	return nil
}
