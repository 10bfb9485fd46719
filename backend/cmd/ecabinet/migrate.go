package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/ecabinet/ecabinet/backend/app"
	"github.com/ecabinet/ecabinet/backend/config"
	"github.com/ecabinet/ecabinet/backend/store"
)

// migrate runs "ecabinet migrate": it applies the pending migrations under
// PostgreSQL's advisory lock (instances and jobs that migrate at once wait
// for each other) and says where the schema stands.
func migrate(ctx context.Context, cfg *config.Config, log *slog.Logger, out io.Writer) error {
	if cfg.DBPoolMode == config.DBPoolTransaction {
		return errors.New("ecabinet migrate takes a session-level advisory lock, which a transaction pool cannot keep: " +
			"run it with DATABASE_URL naming PostgreSQL itself and without ECABINET_DB_POOL_MODE=transaction")
	}
	db, err := store.Open(ctx, app.StoreConfig(cfg, log))
	if err != nil {
		return err
	}
	defer db.Close()
	before, err := db.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	after, err := db.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	if len(before.Missing) == 0 {
		fmt.Fprintf(out, "the schema is up to date (migration %d)\n", after.Applied)
		return nil
	}
	fmt.Fprintf(out, "applied migrations %v: the schema is at migration %d\n", before.Missing, after.Applied)
	return nil
}
