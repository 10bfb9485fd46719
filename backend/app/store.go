package app

import (
	"context"
	"log/slog"

	"github.com/ecabinet/ecabinet/backend/config"
	"github.com/ecabinet/ecabinet/backend/store"
)

// StoreConfig says where the database of cfg is and how it is reached.
func StoreConfig(cfg *config.Config, log *slog.Logger) store.Config {
	return store.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, MaxOpenConns: cfg.DBMaxConns,
		TransactionPooling: cfg.DBPoolMode == config.DBPoolTransaction, Logger: log}
}

// OpenStore opens the database of cfg with this release's schema: it
// applies the pending migrations (ECABINET_MIGRATE=true), or refuses a
// schema older than this release's, saying to run ecabinet migrate.
func OpenStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, StoreConfig(cfg, log))
	if err != nil {
		return nil, err
	}
	if cfg.Migrate {
		err = db.Migrate(ctx)
	} else {
		err = db.RequireSchema(ctx)
	}
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}
