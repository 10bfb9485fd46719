package demo_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/auth"
	"github.com/ecabinet/ecabinet/backend/demo"
	"github.com/ecabinet/ecabinet/backend/store"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// A small demo year (the full one is the same code at 27 sessions and 674
// ballots: see the README) fills the demo body through the services,
// gives figures the ledger and statistics then report, leaves the clock
// as it was, and refuses to run twice on the same year.
func TestDemoYear(t *testing.T) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
			cfg := store.Config{DataDir: t.TempDir(), Logger: log}
			if dialect == store.Postgres {
				cfg = store.Config{URL: testenv.Postgres(t), Logger: log}
			}
			db, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			opt := demo.YearOptions{End: time.Date(2026, 6, 30, 16, 59, 59, 0, time.UTC), Sessions: 1, Ballots: 3, Seed: 7,
				Password: "demo-password", Hasher: auth.NewHasher(2), Log: log}
			res, err := demo.Year(ctx, db, opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.Sessions != 1 || res.Conclusions != 1 || res.Ballots != 3 || res.Answers < 3*20 || res.Documents < 8 ||
				res.Versions <= res.Documents-res.Placeholders || res.Tasks < 20 {
				t.Fatalf("made %+v", res)
			}
			l, s := res.Ledger, res.TaskStats
			if l.Meetings != 1 || l.Ballots != 3 || l.Paper.PagesAvoided == 0 || l.Time.Sessions != 1 || l.Time.SavingPc < 5 || l.Time.SavingPc > 45 {
				t.Fatalf("ledger %+v", l)
			}
			if s.Assigned != res.Tasks || s.Done != res.Reports || s.Done+s.InProgress+s.Overdue != s.Assigned {
				t.Fatalf("task statistics %+v for %d tasks and %d completions", s, res.Tasks, res.Reports)
			}
			if d := time.Since(db.Now()); d < 0 || d > time.Minute {
				t.Fatalf("the clock was not given back: %v", db.Now())
			}
			if _, err := demo.Year(ctx, db, opt); !errors.Is(err, demo.ErrYearExists) {
				t.Fatalf("a second run: %v", err)
			}
		})
	}
}
