package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// internalError wraps a database error the client must never see. The
// HTTP layer logs Cause with the request id and answers "internal".
type internalError struct{ cause error }

func (e *internalError) Error() string { return "store: " + e.cause.Error() }
func (e *internalError) Unwrap() error { return e.cause }

// translate turns a database error into a domain error: duplicates become
// conflict, a database that does not answer becomes unavailable; domain
// errors pass through; anything else stays an internal error.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var de *ecabinet.Error
	if errors.As(err, &de) {
		return err
	}
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return &ecabinet.Error{Code: ecabinet.ENOTFOUND, Key: "not_found.generic"}
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return ecabinet.Errorf(ecabinet.ECONFLICT, "conflict.duplicate")
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return ecabinet.Errorf(ecabinet.ECONFLICT, "conflict.reference")
	case isUnavailable(err):
		return unavailable(err)
	}
	return &internalError{cause: err}
}

// unavailable reports a database that does not answer.
func unavailable(cause error) error {
	return fmt.Errorf("%w (%v)", &ecabinet.Error{Code: ecabinet.EUNAVAILABLE, Key: "unavailable", RetryAfter: 5}, cause)
}

func isUnavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exception; 57P0x: admin shutdown, crash shutdown, cannot connect now.
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P")
	}
	msg := err.Error()
	return strings.Contains(msg, "connection refused") || strings.Contains(msg, "bad connection") ||
		strings.Contains(msg, "database is locked") || strings.Contains(msg, "unexpected EOF") ||
		strings.Contains(msg, "conn closed") || strings.Contains(msg, "database is closed") || strings.Contains(msg, "broken pipe")
}

// gormLogger routes GORM's log to slog: errors other than "not found" and
// slow statements are logged; ordinary statements only at debug level.
type gormLogger struct {
	log  *slog.Logger
	slow time.Duration
}

func newGormLogger(log *slog.Logger) logger.Interface {
	return &gormLogger{log: log.With("component", "gorm"), slow: 500 * time.Millisecond}
}

func (l *gormLogger) LogMode(logger.LogLevel) logger.Interface { return l }
func (l *gormLogger) Info(ctx context.Context, msg string, args ...any) {
	l.log.InfoContext(ctx, fmt.Sprintf(msg, args...))
}
func (l *gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	l.log.WarnContext(ctx, fmt.Sprintf(msg, args...))
}
func (l *gormLogger) Error(ctx context.Context, msg string, args ...any) {
	l.log.ErrorContext(ctx, fmt.Sprintf(msg, args...))
}

func (l *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && !errors.Is(err, context.Canceled) &&
		!errors.Is(err, gorm.ErrDuplicatedKey): // duplicates are how constraints refuse (a second vote): not a fault
		sql, rows := fc()
		l.log.WarnContext(ctx, "sql error", "err", err, "sql", ecabinet.Clip(sql, 500), "rows", rows, "ms", elapsed.Milliseconds())
	case elapsed > l.slow:
		sql, rows := fc()
		l.log.WarnContext(ctx, "slow sql", "sql", ecabinet.Clip(sql, 500), "rows", rows, "ms", elapsed.Milliseconds())
	case l.log.Enabled(ctx, slog.LevelDebug):
		sql, rows := fc()
		l.log.DebugContext(ctx, "sql", "sql", ecabinet.Clip(sql, 500), "rows", rows, "ms", elapsed.Milliseconds())
	}
}
