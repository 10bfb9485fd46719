package demo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf"
	"github.com/ecabinet/ecabinet/backend/store"
)

// YearOptions sizes a demo year. Zero values give the scale the Government
// reported for its first period: 27 sessions and 674 written ballots.
type YearOptions struct {
	// Slug names the body; default the demo body, seeded first if missing.
	Slug string
	// End is the last moment of the year (default now): the year is the
	// 365 days before it, so tasks due later are still in progress.
	End      time.Time
	Sessions int    // default 27: 12 regular (monthly), the rest thematic
	Ballots  int    // default 674
	Seed     uint64 // of the random choices; the same seed makes the same year
	// Password and Hasher seed the demo accounts when the demo body is missing.
	Password string
	Hasher   store.PasswordHasher
	Log      *slog.Logger
}

// YearResult counts what a demo year made.
type YearResult struct {
	Body                               *ecabinet.Body
	From, To                           time.Time
	Sessions, Items, Documents         int
	Versions, Placeholders, Copies     int
	Ballots, Answers                   int
	Conclusions, Tasks, Reports, Notes int
	Actions                            int
	// Ledger and Tasks are the body's figures over the year once played,
	// as the API reports them (task statuses at the real time).
	Ledger    *ecabinet.LedgerSummary
	TaskStats *ecabinet.TaskStats
}

// ErrYearExists is returned when the body already has sessions in the year.
var ErrYearExists = errors.New("demo: the body already has sessions in this year; demo-year fills a year once")

// clock is the injected time of the year being played.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time  { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time) { c.ns.Store(t.UnixNano()) }

// person is a member with the context that acts as them.
type person struct {
	m   *ecabinet.Member
	ctx context.Context
}

// action is one step of the year, played at its time.
type action struct {
	at   time.Time
	seq  int
	name string
	do   func() error
}

// year plays a year of a body's activity through the store services.
type year struct {
	db          *store.DB
	clock       *clock
	rng         *rand.Rand
	log         *slog.Logger
	meetings    *store.MeetingService
	docs        *store.DocumentService
	ballots     *store.BallotService
	conclusions *store.ConclusionService
	tasks       *store.TaskService
	body        *ecabinet.Body
	loc         *time.Location
	sec, chair  *person
	voters      []*person            // active voting members, chair included
	byOrg       map[string][]*person // active members by organisation
	from, to    time.Time
	plan        []action
	res         YearResult
}

// Year fills a body with a year of activity through the same services the
// API uses, on an injected clock that moves from one action to the next:
// sessions with agendas, documents (real PDFs of realistic page counts,
// some replaced before and some after publication), classified paper-only
// documents with numbered copies, attendance, agenda items shorter than
// planned, conclusion notices, written ballots answered by most
// recipients, and tasks from both with progress reports and reminders.
// It refuses a body that already has sessions in the year.
func Year(ctx context.Context, db *store.DB, opt YearOptions) (*YearResult, error) {
	if opt.Sessions == 0 {
		opt.Sessions = 27
	}
	if opt.Ballots == 0 {
		opt.Ballots = 674
	}
	if opt.End.IsZero() {
		opt.End = time.Now()
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	y := &year{db: db, clock: &clock{}, rng: rand.New(rand.NewPCG(opt.Seed, 0x5eed)), log: opt.Log, byOrg: map[string][]*person{}}
	if err := y.setUp(ctx, opt); err != nil {
		return nil, err
	}
	cacheDir, err := os.MkdirTemp("", "ecabinet-demo-year-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(cacheDir)
	cache, err := pdf.NewCache(cacheDir, 1)
	if err != nil {
		return nil, err
	}
	notifier := store.NewNotifier(db, false)
	y.meetings, y.docs, y.conclusions = store.NewMeetingService(db), store.NewDocumentService(db, cache), store.NewConclusionService(db)
	y.ballots, y.tasks = store.NewBallotService(db, notifier), store.NewTaskService(db, notifier)

	existing, err := y.meetings.ListMeetings(y.sec.ctx, ecabinet.MeetingFilter{From: &y.from, To: &y.to})
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return nil, ErrYearExists
	}
	y.planSessions(opt.Sessions)
	y.planBallots(opt.Ballots)
	y.planDays()
	if err := y.run(ctx); err != nil {
		return &y.res, err
	}
	rep, err := store.NewLedgerService(db).LedgerReport(y.sec.ctx, ecabinet.LedgerFilter{From: &y.from, To: &y.to, Group: ecabinet.GroupYear})
	if err != nil {
		return &y.res, err
	}
	stats, err := y.tasks.TaskStats(y.sec.ctx, ecabinet.TaskStatsFilter{From: &y.from})
	if err != nil {
		return &y.res, err
	}
	y.res.Ledger, y.res.TaskStats = &rep.Total, &stats.Total
	return &y.res, nil
}

// setUp finds the body and its people and sets the year's bounds.
func (y *year) setUp(ctx context.Context, opt YearOptions) error {
	var err error
	switch {
	case opt.Slug == "" || opt.Slug == BodySlug:
		if opt.Hasher == nil {
			return errors.New("demo: a password hasher is needed to seed the demo body")
		}
		y.body, err = Seed(ctx, y.db, opt.Hasher, opt.Password, y.log)
	default:
		y.body, err = y.db.FindBodyBySlug(ctx, opt.Slug)
	}
	if err != nil {
		return err
	}
	// The provinces that lead tasks join the body's organisations.
	if err := y.db.EnsureOrganizations(ctx, y.body.ID, provinces...); err != nil {
		return err
	}
	y.loc = y.body.Settings.Location()
	end := opt.End.In(y.loc)
	y.to = end.UTC()
	y.from = time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, y.loc).AddDate(0, 0, -365).UTC()
	y.res.Body, y.res.From, y.res.To = y.body, y.from, y.to

	names, err := y.db.Usernames(ctx, y.body.ID)
	if err != nil {
		return err
	}
	var all []*person
	for name := range names {
		a, err := y.db.ActorByUsername(ctx, name)
		if err != nil {
			continue // inactive
		}
		m, err := store.NewMemberService(y.db).FindMember(ecabinet.NewContextWithActor(ctx, a), a.MemberID)
		if err != nil {
			return err
		}
		all = append(all, &person{m: m, ctx: ecabinet.NewContextWithActor(ctx, a)})
	}
	slices.SortFunc(all, func(a, b *person) int { return cmp.Compare(a.m.ID, b.m.ID) })
	for _, p := range all {
		switch {
		case p.m.Role == ecabinet.RoleSecretary && (y.sec == nil || p.m.Clearance.Covers(y.sec.m.Clearance)):
			y.sec = p // the most cleared secretary prepares the sessions
		case p.m.Role == ecabinet.RoleChair && y.chair == nil:
			y.chair = p
		}
		if p.m.Voting {
			y.voters = append(y.voters, p)
		}
		if p.m.Organization != "" {
			y.byOrg[p.m.Organization] = append(y.byOrg[p.m.Organization], p)
		}
	}
	if y.sec == nil || y.chair == nil || len(y.voters) < 3 {
		return fmt.Errorf("demo: body %s needs a secretary, a chair and voting members", y.body.Slug)
	}
	return nil
}

// at plans an action; actions after the end of the year are left out (and
// so are those that depend on them, which come later still).
func (y *year) at(t time.Time, name string, do func() error) {
	if t.After(y.to) || t.Before(y.from) {
		return
	}
	y.plan = append(y.plan, action{at: t.UTC(), seq: len(y.plan), name: name, do: do})
}

// local returns the day d days after the year's first day, at hh:mm in the body's zone.
func (y *year) local(d int, hh, mm int) time.Time {
	f := y.from.In(y.loc)
	return time.Date(f.Year(), f.Month(), f.Day()+d, hh, mm, 0, 0, y.loc)
}

// weekday moves t forward to a working day.
func weekday(t time.Time) time.Time {
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// planDays sends the due task reminders every morning.
func (y *year) planDays() {
	for d := 0; d <= 366; d++ {
		y.at(y.local(d, 7, 0), "task reminders", func() error {
			_, err := y.tasks.SendDueReminders(context.Background())
			return err
		})
	}
}

// run plays the plan in time order with the clock at each action's time.
func (y *year) run(ctx context.Context) error {
	prev := y.db.Now
	y.db.Now = y.clock.now
	defer func() { y.db.Now = prev }()
	slices.SortStableFunc(y.plan, func(a, b action) int { return a.at.Compare(b.at) })
	start := time.Now()
	for i, a := range y.plan {
		if err := ctx.Err(); err != nil {
			return err
		}
		y.clock.set(a.at)
		if err := a.do(); err != nil {
			return fmt.Errorf("demo year: %s on %s: %w", a.name, a.at.In(y.loc).Format(time.DateTime), err)
		}
		y.res.Actions++
		if i > 0 && i%5000 == 0 {
			y.log.Info("demo year", "actions", i, "of", len(y.plan), "at", a.at.In(y.loc).Format(time.DateOnly), "elapsed", time.Since(start).Round(time.Second).String())
		}
	}
	return nil
}

// pick returns one of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// between returns a number in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }
