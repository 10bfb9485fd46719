package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/ecabinet/ecabinet/backend/auth"
	"github.com/ecabinet/ecabinet/backend/config"
	"github.com/ecabinet/ecabinet/backend/demo"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// demoYear runs "ecabinet demo-year": it fills a body with a year of
// activity at the Government's reported scale (see demo.Year) and reports
// what it made, how long it took and how much the database grew.
func demoYear(ctx context.Context, cfg *config.Config, db *store.DB, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("demo-year", flag.ContinueOnError)
	fs.SetOutput(out)
	slug := fs.String("body", demo.BodySlug, "slug of the body to fill (the demo body is seeded when missing)")
	sessions := fs.Int("sessions", 27, "sessions in the year (12 regular, the rest thematic)")
	ballots := fs.Int("ballots", 674, "written ballots in the year")
	seed := fs.Uint64("seed", 1, "seed of the random choices")
	end := fs.String("end", "", "last day of the year, YYYY-MM-DD in Vietnam (default: now)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opt := demo.YearOptions{Slug: *slug, Sessions: *sessions, Ballots: *ballots, Seed: *seed, Log: log,
		Password: cfg.DemoPassword, Hasher: auth.NewHasher(cfg.HashConcurrency)}
	if *end != "" {
		d, err := time.ParseInLocation(time.DateOnly, *end, ecabinet.DefaultBodySettings().Location())
		if err != nil {
			return fmt.Errorf("-end: want YYYY-MM-DD")
		}
		opt.End = d.Add(24*time.Hour - time.Second)
	}
	if *sessions < 1 || *ballots < 0 {
		return fmt.Errorf("-sessions must be at least 1 and -ballots not negative")
	}
	before, err := db.Size(ctx)
	if err != nil {
		return err
	}
	started := time.Now()
	res, err := demo.Year(ctx, db, opt)
	if err != nil {
		return err
	}
	took := time.Since(started)
	after, err := db.Size(ctx)
	if err != nil {
		return err
	}
	l, s := res.Ledger, res.TaskStats
	fmt.Fprintf(out, "Body %s (%s), %s to %s\n", res.Body.Slug, db.Dialect(), res.From.Format(time.DateOnly), res.To.Format(time.DateOnly))
	fmt.Fprintf(out, "  %d sessions (%d agenda items, %d documents, %d versions, %d paper-only with %d numbered copies), %d conclusion notices\n",
		res.Sessions, res.Items, res.Documents, res.Versions, res.Placeholders, res.Copies, res.Conclusions)
	fmt.Fprintf(out, "  %d ballots (%d answers), %d tasks (%d progress notes, %d completions); %d actions\n",
		res.Ballots, res.Answers, res.Tasks, res.Notes, res.Reports, res.Actions)
	fmt.Fprintf(out, "  paper: %d pages avoided (%d sheets, %d VND, %.1f kg), %d printed; %.1f%% electronic\n",
		l.Paper.PagesAvoided, l.Paper.SheetsAvoided, l.Paper.CostAvoidedVND, float64(l.Paper.WeightAvoidedMg)/1e6, l.Paper.PagesPrinted, l.Paper.ElectronicSharePc)
	fmt.Fprintf(out, "  time: %d closed sessions, %.0f planned minutes, %.0f actual: %.1f%% shorter (goal %d%%: %.1f%% of it)\n",
		l.Time.Sessions, l.Time.PlannedMinutes, l.Time.ActualMinutes, l.Time.SavingPc, l.Time.TargetPc, l.Time.ProgressPc)
	fmt.Fprintf(out, "  tasks now: %d assigned; %d done (%d on time %.1f%%, %d late %.1f%%); %d in progress %.1f%%; %d overdue %.1f%%\n",
		s.Assigned, s.Done, s.DoneOnTime, s.DoneOnTimePc, s.DoneLate, s.DoneLatePc, s.InProgress, s.InProgressPc, s.Overdue, s.OverduePc)
	fmt.Fprintf(out, "Took %s; database %.1f MiB before, %.1f MiB after (+%.1f MiB)\n", took.Round(time.Second),
		float64(before)/(1<<20), float64(after)/(1<<20), float64(after-before)/(1<<20))
	return nil
}
