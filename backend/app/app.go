// Package app wires one e-Cabinet instance together from its configuration:
// store, bus, services, hub and HTTP server, and runs it until shutdown.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/backend/auth"
	"github.com/ecabinet/ecabinet/backend/bus"
	"github.com/ecabinet/ecabinet/backend/config"
	"github.com/ecabinet/ecabinet/backend/demo"
	ehttp "github.com/ecabinet/ecabinet/backend/http"
	"github.com/ecabinet/ecabinet/backend/hub"
	"github.com/ecabinet/ecabinet/backend/mail"
	"github.com/ecabinet/ecabinet/backend/notification"
	"github.com/ecabinet/ecabinet/backend/pdf"
	"github.com/ecabinet/ecabinet/backend/push"
	"github.com/ecabinet/ecabinet/backend/ratelimit"
	"github.com/ecabinet/ecabinet/backend/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"
)

// App is one running instance.
type App struct {
	cfg     *config.Config
	log     *slog.Logger
	DB      *store.DB
	Bus     bus.Bus
	redis   redis.UniversalClient
	Server  *ehttp.Server
	Hub     *hub.Hub
	signIns *store.SignInStore
	// hubStarted is set once the hub's dispatcher runs (Close stops it).
	hubStarted bool

	progress  *store.Progress
	notifier  *store.Notifier
	ballots   *store.BallotService
	tasks     *store.TaskService
	mailer    *mail.SMTP
	positions *store.PositionService
	pushes    *store.PushStore
	// bg runs the background work (relay, live counts, ballot deadlines and
	// reminders, e-mail, clean-up) until the instance stops.
	bg     context.Context
	stopBg context.CancelFunc
	cache  *pdf.Cache
	// The Prometheus registry and its own listener (ECABINET_METRICS_ADDR).
	registry  *prometheus.Registry
	metricsLn net.Listener
}

// Stamped copies of documents are made at most this many at a time, one
// slot kept for short documents (see pdf.Cache): stamping copies a
// document object by object, in memory of its structure, not its size.
const stampConcurrency = 2

// A stamped copy is kept this long after it was made (then made again, with
// a new time, on the next opening); a temporary file this long is a leftover.
const (
	stampedMaxAge = 7 * 24 * time.Hour
	tempMaxAge    = 6 * time.Hour
)

// A one-time password link is kept this long after it expired, so that
// opening it says it expired (later: that it is not valid).
const passwordLinksKept = 30 * 24 * time.Hour

// New opens the store (and migrates it, or checks its schema), connects
// the bus, seeds the demo body when configured, and builds the HTTP server.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger) (*App, error) {
	a := &App{cfg: cfg, log: log}
	ok := false
	defer func() {
		if !ok {
			a.Close()
		}
	}()
	var err error
	if a.DB, err = OpenStore(ctx, cfg, log); err != nil {
		return nil, err
	}
	hasher := auth.NewHasher(cfg.HashConcurrency)
	if cfg.Demo {
		if _, err := demo.Seed(ctx, a.DB, hasher, cfg.DemoPassword, log); err != nil {
			return nil, fmt.Errorf("demo data: %w", err)
		}
	}

	// Redis (when configured) backs both the bus and the login rate limits.
	var limiter auth.Limiter = ratelimit.NewLocal(cfg.LoginWindow)
	if cfg.Redis != nil {
		if a.redis, err = newRedis(cfg.Redis, "ecabinet-"+cfg.InstanceID); err != nil {
			return nil, err
		}
		limiter = ratelimit.NewRedis(a.redis, cfg.RedisPrefix, cfg.LoginWindow)
	}
	a.signIns = store.NewSignInStore(a.DB)
	authSvc, err := auth.New(a.signIns, hasher, limiter, auth.Config{
		IdleTimeout: cfg.SessionIdle, Lifetime: cfg.SessionLifetime,
		MaxFailuresPerUser: cfg.LoginMaxFailures, MaxFailuresPerIP: 20 * cfg.LoginMaxFailures,
		MFAKey: cfg.MFAKey,
	}, log)
	if err != nil {
		return nil, err
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(a.DB.SQL(), "ecabinet"))
	a.registry = reg
	if cfg.MetricsAddr != "" {
		if a.metricsLn, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			return nil, fmt.Errorf("ECABINET_METRICS_ADDR=%s: %w", cfg.MetricsAddr, err)
		}
	}

	if a.cache, err = pdf.NewCache(cfg.CacheDir, stampConcurrency); err != nil {
		return nil, fmt.Errorf("ECABINET_CACHE_DIR: %w", err)
	}
	meetings := store.NewMeetingService(a.DB)
	a.Hub = hub.New(hub.Options{
		Log: a.DB.Events(), Scopes: store.NewScopes(a.DB, meetings), SignIns: authSvc,
		Instance: cfg.InstanceID, Logger: log, Metrics: hub.NewMetrics(reg), QueueSize: cfg.WSQueue,
	})
	if a.redis != nil {
		if a.Bus, err = bus.NewRedis(ctx, a.redis, cfg.RedisPrefix, a.Hub.BusHandlers(), log); err != nil {
			return nil, fmt.Errorf("redis: %w", err)
		}
	} else {
		a.Bus = bus.NewLocal(a.Hub.BusHandlers())
	}
	if err := a.Hub.Start(ctx, a.Bus); err != nil {
		return nil, fmt.Errorf("hub: %w", err)
	}
	a.hubStarted = true

	// Votes and ballots, with live counts and notifications.
	a.progress = store.NewProgress(a.DB, 500*time.Millisecond)
	if cfg.SMTPURL != "" {
		if a.mailer, err = mail.New(cfg.SMTPURL, cfg.SMTPFrom); err != nil {
			return nil, fmt.Errorf("ECABINET_SMTP_URL: %w", err)
		}
	}
	a.notifier = store.NewNotifier(a.DB, a.mailer != nil)
	meetings.Notifying(a.notifier)
	a.positions = store.NewPositionService(a.DB, a.notifier)
	a.pushes = store.NewPushStore(a.DB, push.GenerateKeys)
	a.ballots = store.NewBallotService(a.DB, a.notifier)
	a.tasks = store.NewTaskService(a.DB, a.notifier)
	a.bg, a.stopBg = context.WithCancel(context.Background())
	// A live session's writes that arrive together share a commit.
	a.DB.EnableGroupCommit(a.bg, 4)
	if cfg.BallotBatch {
		a.ballots.EnableBatching(a.bg, 4, 500, 2*time.Millisecond)
	}

	documents := store.NewDocumentService(a.DB, a.cache)
	if cfg.Demo {
		if err := demo.SeedActivity(ctx, demo.Services{DB: a.DB, Meetings: meetings, Documents: documents, Ballots: a.ballots, Positions: a.positions}, time.Now(), log); err != nil {
			return nil, fmt.Errorf("demo data: %w", err)
		}
	}

	seal, err := signingSeal(cfg)
	if err != nil {
		return nil, err
	}
	signing := store.NewSigningService(a.DB, documents, a.ballots, seal)
	if cfg.Demo {
		if err := demo.SeedSigning(ctx, a.DB, signing, store.NewBodyService(a.DB), seal != nil, time.Now(), log); err != nil {
			return nil, fmt.Errorf("demo data: %w", err)
		}
	}

	members := store.NewMemberService(a.DB)
	a.Server = ehttp.New(ehttp.Options{
		Signing:         signing,
		Auth:            authSvc,
		Members:         members,
		Importer:        members,
		Organizations:   store.NewOrganizationService(a.DB),
		PasswordLinks:   store.NewPasswordLinkService(a.DB, hasher, cfg.PasswordLinkLifetime),
		PublicURL:       cfg.PublicURL,
		Bodies:          store.NewBodyService(a.DB),
		Meetings:        meetings,
		Agenda:          meetings,
		Attendance:      meetings,
		Speakers:        meetings,
		Realtime:        a.Hub,
		Votes:           store.NewVoteService(a.DB),
		Ballots:         a.ballots,
		Devices:         store.NewDeviceService(a.DB),
		Notifications:   a.notifier,
		Reports:         a.ballots,
		Auditor:         a.DB,
		AuditLog:        store.NewAuditService(a.DB),
		Documents:       documents,
		Ledger:          store.NewLedgerService(a.DB),
		Conclusions:     store.NewConclusionService(a.DB),
		Positions:       a.positions,
		Minutes:         store.NewMinutesService(a.DB),
		Push:            a.pushes,
		Tasks:           a.tasks,
		UploadLimit:     int64(cfg.UploadLimit),
		TempDir:         a.cache.TempDir(),
		Ready:           map[string]ehttp.Pinger{"database": a.DB, "bus": a.Bus},
		Registry:        reg,
		AllowedOrigins:  cfg.AllowedOrigins,
		TrustedProxies:  cfg.TrustedProxies,
		SessionLifetime: cfg.SessionLifetime,
		Logger:          log,
	})
	ok = true
	return a, nil
}

// Run serves on ln until ctx ends, then shuts down gracefully: readiness
// turns 503, after ShutdownDelay the listener closes and in-flight requests
// get ShutdownTimeout to finish.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	jobs := []func(context.Context){
		func(ctx context.Context) { a.DB.Relay().Run(ctx, a.Bus, time.Second) },
		a.progress.Run,
		every(5*time.Minute, nil, a.janitor),
		every(5*time.Second, nil, a.ballotJobs),
		// Every minute: reminders are counted in days.
		every(time.Minute, nil, a.taskJobs),
		every(30*time.Second, nil, a.positionJobs),
		a.pushJobs,
		func(ctx context.Context) { a.logAuditHead(ctx); every(time.Hour, nil, a.logAuditHead)(ctx) },
	}
	if a.mailer != nil {
		jobs = append(jobs, every(30*time.Second, a.DB.Notices().Mail, a.mailJobs))
	}
	var wg sync.WaitGroup
	for _, job := range jobs {
		wg.Add(1)
		go func() { defer wg.Done(); job(a.bg) }()
	}
	defer func() { a.stopBg(); wg.Wait() }()

	if a.metricsLn != nil {
		defer serveMetrics(a.metricsLn, a.registry, a.log)()
	}
	if a.cfg.PprofAddr != "" {
		stop, err := servePprof(a.cfg.PprofAddr, a.log)
		if err != nil {
			return fmt.Errorf("ECABINET_PPROF_ADDR=%s: %w", a.cfg.PprofAddr, err)
		}
		defer stop()
	}

	errc := make(chan error, 1)
	go func() { errc <- a.Server.Listen(ln) }()
	a.log.Info("listening", "addr", ln.Addr().String(), "database", a.DB.Dialect(), "redis", a.redis != nil)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down", "delay", a.cfg.ShutdownDelay, "timeout", a.cfg.ShutdownTimeout)
	a.Server.Drain()
	time.Sleep(a.cfg.ShutdownDelay)
	// Sockets first (1001 with a retry hint: clients resume elsewhere), then
	// in-flight requests.
	hctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	if err := a.Hub.Shutdown(hctx); err != nil {
		a.log.Warn("some WebSocket handlers did not end in time", "err", err)
	}
	cancel()
	if err := a.Server.Shutdown(a.cfg.ShutdownTimeout); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// every returns a job that runs work every period until ctx ends, the
// first time after one period, and also whenever wake delivers (a nil
// wake never does).
func every(period time.Duration, wake <-chan struct{}, work func(context.Context)) func(context.Context) {
	return func(ctx context.Context) {
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-wake:
			}
			work(ctx)
		}
	}
}

// ballotJobs closes ballots at their deadline and sends due reminders.
func (a *App) ballotJobs(ctx context.Context) {
	if n, err := a.ballots.CloseDue(ctx); err != nil {
		a.log.Warn("closing due ballots failed", "err", err)
	} else if n > 0 {
		a.log.Info("ballots closed at their deadline", "count", n)
	}
	if _, err := a.ballots.SendDueReminders(ctx); err != nil {
		a.log.Warn("ballot reminders failed", "err", err)
	}
}

// taskJobs sends the task reminders that are due and announces the tasks
// that turned overdue (reminders are counted in days; each goes once,
// whatever instance sends it).
func (a *App) taskJobs(ctx context.Context) {
	if n, err := a.tasks.SendDueReminders(ctx); err != nil {
		a.log.Warn("task reminders failed", "err", err)
	} else if n > 0 {
		a.log.Info("task reminders sent", "members", n)
	}
	if n, err := a.tasks.AnnounceOverdue(ctx); err != nil {
		a.log.Warn("announcing overdue tasks failed", "err", err)
	} else if n > 0 {
		a.log.Info("tasks turned overdue", "count", n)
	}
}

// mailJobs sends queued notification e-mail (SMTP is configured).
func (a *App) mailJobs(ctx context.Context) {
	if _, err := a.DB.Notices().SendMail(ctx, 50, func(e notification.Email) error { return a.mailer.Send(e.Address, e.Subject, e.Text) }); err != nil {
		a.log.Warn("sending e-mail failed", "err", err)
	}
}

// positionJobs applies the cut-off of sessions whose time for positions
// has passed: their consent block forms.
func (a *App) positionJobs(ctx context.Context) {
	if n, err := a.positions.CloseDuePositions(ctx); err != nil {
		a.log.Warn("applying the cut-off for positions failed", "err", err)
	} else if n > 0 {
		a.log.Info("consent blocks formed at the cut-off", "sessions", n)
	}
}

// pushJobs pushes waiting notifications to the members' tablets, every 30
// seconds and when one is made.
func (a *App) pushJobs(ctx context.Context) {
	public, private, err := a.pushes.VAPIDKeys(ctx)
	if err != nil {
		a.log.Warn("no VAPID keys: push notices are off", "err", err)
		return
	}
	sender := push.NewSender(public, private, a.cfg.SMTPFrom, nil)
	every(30*time.Second, a.DB.Notices().Push, func(ctx context.Context) {
		_, err := a.DB.Notices().SendPush(ctx, 50, func(job notification.PushJob) string {
			outcome, err := sender.Send(ctx, job)
			if err != nil {
				a.log.Warn("push notice not sent", "err", err)
			}
			return outcome
		})
		if err != nil {
			a.log.Warn("pushing notices failed", "err", err)
		}
	})(ctx)
}

// logAuditHead writes the audit chains' head to the log (at start and
// every hour): a copy of the logs kept elsewhere then anchors the chains, so
// even entries removed from their end (with the head rewritten) are noticed.
func (a *App) logAuditHead(ctx context.Context) {
	if id, hash, err := a.DB.AuditHead(ctx); err == nil {
		a.log.Info("audit head", "last_id", id, "hash", hash)
	}
}

// janitor removes expired sign-ins and old cached files.
func (a *App) janitor(ctx context.Context) {
	now := time.Now().UTC()
	if err := a.signIns.DeleteExpiredTickets(ctx, now); err != nil {
		a.log.Warn("expired tickets not removed", "err", err)
	}
	if err := a.DB.DeleteOldKeys(now.Add(-24 * time.Hour)); err != nil {
		a.log.Warn("old idempotency keys not removed", "err", err)
	}
	if err := a.DB.DeleteOldPasswordLinks(ctx, now.Add(-passwordLinksKept)); err != nil {
		a.log.Warn("old password links not removed", "err", err)
	}
	if n, err := a.signIns.DeleteExpiredSignIns(ctx, now, now.Add(-a.cfg.SessionIdle)); err != nil {
		a.log.Warn("expired sign-ins not removed", "err", err)
	} else if n > 0 {
		a.log.Info("expired sign-ins removed", "count", n)
	}
	if n, err := a.cache.Prune(now.Add(-stampedMaxAge), now.Add(-tempMaxAge)); err != nil {
		a.log.Warn("cache not pruned", "err", err)
	} else if n > 0 {
		a.log.Info("cached files removed", "count", n)
	}
}

// MetricsAddr is the address /metrics is served on; empty when none.
func (a *App) MetricsAddr() string {
	if a.metricsLn == nil {
		return ""
	}
	return a.metricsLn.Addr().String()
}

// Close releases the hub, the bus, Redis, the database and the metrics
// listener.
func (a *App) Close() {
	if a.metricsLn != nil {
		_ = a.metricsLn.Close()
	}
	if a.stopBg != nil {
		a.stopBg()
	}
	if a.hubStarted {
		a.Hub.Stop()
		a.hubStarted = false
	}
	if a.Bus != nil {
		_ = a.Bus.Close()
	}
	if a.redis != nil {
		_ = a.redis.Close()
	}
	if a.DB != nil {
		_ = a.DB.Close()
	}
}
