// Package store implements the e-Cabinet services over GORM, with PostgreSQL
// in production and an embedded pure-Go SQLite file as the default. Both run
// the same versioned migrations (per dialect, embedded in the binary) and pass
// one contract test suite. Row types are kept apart from domain types.
//
// # What a 2xx promises, and what keeps the promise
//
// A write acknowledged to a member is stored as acknowledged, unless a later
// acknowledged write replaced it; a refused write leaves nothing. On SQLite
// every write transaction begins IMMEDIATE, so writes run one at a time and
// each sees everything committed before it. On PostgreSQL (READ COMMITTED)
// each write that answers with state a member relies on takes a lock or
// meets a constraint before it reads what it decides on:
//
//   - Ballot answers (own and paper answers recorded by the secretariat): the
//     member's ballot_recipients row FOR UPDATE (lockAnswerer), then the
//     ballot FOR SHARE. Two first answers: the second waits, sees the first
//     and is refused with conflict (ballot.already_answered) when changes
//     are not allowed; changes commit one after the other, in the order they
//     are acknowledged, each audited. Closing takes the ballot FOR UPDATE and
//     so waits for every answer in flight.
//   - Votes in session: the primary key (vote_id, member_id) of
//     vote_participation refuses a second vote (double_vote) even when two
//     arrive at once; a permitted change is an UPDATE of that row, which
//     waits for the row lock of the change before it. Casting holds the vote
//     FOR SHARE; closing takes it FOR UPDATE and counts what committed.
//   - Attendance, the speaking queue, the agenda and the session's status:
//     the meeting row FOR UPDATE (loadMeeting with lock), taken first, so
//     every change to one session, and the quorum it reports, is serialised.
//   - Task progress reports: the completing UPDATE is conditional
//     (completed_at IS NULL), which PostgreSQL re-checks after waiting for a
//     concurrent report's row lock, and a unique index allows one completing
//     report per task.
//   - Idempotency keys: the primary key (member_id, key) makes a retry wait
//     for the first request with its key and replay its stored answer.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/eventlog"
	"github.com/ecabinet/ecabinet/backend/notification"
	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// Dialects.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// SQLiteFile is the name of the embedded database file in its data directory.
const SQLiteFile = "ecabinet.db"

//go:embed migrations
var migrations embed.FS

// Config says where the database is.
type Config struct {
	// URL is a postgres:// URL; empty means the embedded SQLite file.
	URL string
	// DataDir holds the SQLite file (ecabinet.db) when URL is empty.
	DataDir string
	// MaxOpenConns bounds the PostgreSQL pool (default 20).
	MaxOpenConns int
	// TransactionPooling: PostgreSQL is reached through a pooler that may
	// give each transaction (and each statement outside one) another server
	// connection, as PgBouncer's transaction pooling does. Statements are
	// then never prepared by name (pgx caches their descriptions instead,
	// and sends each with the unnamed statement in one round trip), and
	// Migrate is refused (its advisory lock belongs to a session).
	TransactionPooling bool
	Logger             *slog.Logger
}

// DB is an open database with its dialect.
type DB struct {
	gorm    *gorm.DB
	sql     *sql.DB
	dialect string
	log     *slog.Logger
	// txPooling: see Config.TransactionPooling.
	txPooling bool
	// Now is the clock; tests replace it.
	Now func() time.Time
	// relay publishes the events that transactions commit; events reads them back.
	relay  *eventlog.Relay
	events *eventlog.Log
	// notices keeps the notifications that transactions write and sends them.
	notices *notification.Outbox
	// writer, on SQLite, is held by the transaction of this process that
	// writes (capacity 1): the others wait here, not on SQLite's lock while
	// holding a pooled connection, so that reads always find one.
	writer chan struct{}
	// group, when enabled, commits a live session's writes that arrive
	// together in one transaction (writeGrouped).
	group *group
}

// Open connects to the database described by cfg. It does not migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	gcfg := &gorm.Config{
		Logger:                 newGormLogger(log),
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
	db := &DB{log: log, Now: func() time.Time { return time.Now().UTC() }, txPooling: cfg.TransactionPooling}
	var err error
	switch {
	case cfg.URL == "":
		dir := cfg.DataDir
		if dir == "" {
			dir = "data"
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create data directory: %w", err)
		}
		db.dialect = SQLite
		gcfg.PrepareStmt = true // parsing is a third of a small statement's cost here; pgx caches on its own
		db.gorm, err = gorm.Open(sqlite.Open(sqliteDSN(filepath.Join(dir, SQLiteFile))), gcfg)
	case strings.HasPrefix(cfg.URL, "postgres://") || strings.HasPrefix(cfg.URL, "postgresql://"):
		db.dialect = Postgres
		var pcfg *pgx.ConnConfig
		if pcfg, err = pgx.ParseConfig(cfg.URL); err != nil {
			return nil, fmt.Errorf("store: DATABASE_URL: %w", err)
		}
		if cfg.TransactionPooling {
			pcfg.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
		}
		db.gorm, err = gorm.Open(postgres.New(postgres.Config{Conn: stdlib.OpenDB(*pcfg)}), gcfg)
	default:
		return nil, errors.New("store: DATABASE_URL must be a postgres:// URL or empty")
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", db.dialect, err)
	}
	if db.sql, err = db.gorm.DB(); err != nil {
		return nil, err
	}
	if db.dialect == SQLite {
		// One writer at a time: transactions begin IMMEDIATE and wait on the
		// busy timeout instead of failing; WAL lets readers run beside it.
		db.sql.SetMaxOpenConns(8)
		db.writer = make(chan struct{}, 1)
	} else {
		n := cfg.MaxOpenConns
		if n <= 0 {
			n = 20
		}
		db.sql.SetMaxOpenConns(n)
		db.sql.SetMaxIdleConns(n)
		db.sql.SetConnMaxIdleTime(5 * time.Minute)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.sql.PingContext(pctx); err != nil {
		_ = db.sql.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", db.dialect, err)
	}
	db.relay = eventlog.NewRelay(db.gorm, log)
	db.events = eventlog.New(db.gorm, db.snapshotTx(), translate)
	db.notices = notification.NewOutbox(db.gorm, log, func() time.Time { return db.Now() }, translate)
	return db, nil
}

// Events is the event log of this database.
func (db *DB) Events() *eventlog.Log { return db.events }

// Relay publishes what this database's transactions commit to the bus; run
// one per instance (Relay().Run).
func (db *DB) Relay() *eventlog.Relay { return db.relay }

// Notices lists the notifications the services write and sends them by
// e-mail and Web Push.
func (db *DB) Notices() *notification.Outbox { return db.notices }

// sqliteBusy is how long a writer waits for SQLite's lock.
const sqliteBusy = 10 * time.Second

func sqliteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", sqliteBusy.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// Writers take the lock when they begin, so a transaction never fails
	// upgrading a read snapshot to a write. (No _time_format: the driver
	// ignores _txlock after it; its default time format is the one we want.)
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Dialect returns Postgres or SQLite.
func (db *DB) Dialect() string { return db.dialect }

// SQL returns the underlying pool, for metrics.
func (db *DB) SQL() *sql.DB { return db.sql }

// Close closes the pool.
func (db *DB) Close() error { return db.sql.Close() }

// Ping checks that the database answers. Errors: unavailable.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return unavailable(err)
	}
	var one int
	if err := db.sql.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return unavailable(err)
	}
	return nil
}

// Migrate applies the embedded migrations of the dialect that are not yet
// recorded in the goose_db_version table. Concurrent instances on PostgreSQL
// serialise on an advisory lock.
func (db *DB) Migrate(ctx context.Context) error {
	if db.txPooling {
		return errors.New("store: migrations hold a session-level advisory lock, which a transaction pool " +
			"(ECABINET_DB_POOL_MODE=transaction) cannot keep: run ecabinet migrate with DATABASE_URL naming PostgreSQL itself")
	}
	p, err := db.migrations()
	if err != nil {
		return err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, r := range res {
		db.log.Info("migration applied", "version", r.Source.Version, "path", r.Source.Path, "duration_ms", r.Duration.Milliseconds())
	}
	return nil
}

// migrations returns the goose provider of the dialect's embedded migrations.
func (db *DB) migrations() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+db.dialect)
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.sql, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// MigrationVersion returns the highest applied migration version.
func (db *DB) MigrationVersion(ctx context.Context) (int64, error) {
	var v sql.NullInt64
	err := db.sql.QueryRowContext(ctx, "SELECT MAX(version_id) FROM goose_db_version WHERE is_applied").Scan(&v)
	return v.Int64, err
}

// tx runs fn in a transaction. Errors returned by fn roll it back and are
// returned as they are (domain errors) or translated (database errors).
func (db *DB) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if db.writer != nil {
		// SQLite takes one writer at a time anyway (transactions begin
		// IMMEDIATE); waiting for it here leaves the pool's connections to
		// readers. The wait is bounded as SQLite's busy timeout bounds it.
		wait, cancel := context.WithTimeout(ctx, sqliteBusy)
		defer cancel()
		select {
		case db.writer <- struct{}{}:
			defer func() { <-db.writer }()
		case <-wait.Done():
			return ecabinet.Errorf(ecabinet.EUNAVAILABLE, "unavailable")
		}
	}
	err := db.gorm.WithContext(ctx).Transaction(fn)
	return translate(err)
}

// read returns a session for reads outside a transaction.
func (db *DB) read(ctx context.Context) *gorm.DB { return db.gorm.WithContext(ctx) }

// Size returns the size of the database in bytes: pg_database_size on
// PostgreSQL; on SQLite the main file after a checkpoint has folded the
// write-ahead log into it.
func (db *DB) Size(ctx context.Context) (int64, error) {
	var n int64
	if db.dialect == Postgres {
		err := db.sql.QueryRowContext(ctx, "SELECT pg_database_size(current_database())").Scan(&n)
		return n, translate(err)
	}
	if _, err := db.sql.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return 0, translate(err)
	}
	var pages, size int64
	if err := db.sql.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return 0, translate(err)
	}
	err := db.sql.QueryRowContext(ctx, "PRAGMA page_size").Scan(&size)
	return pages * size, translate(err)
}
