package load

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/auth"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// Seeding, fast: a load run gets a fresh PostgreSQL database of its own
// (created from the admin URL, dropped at the end), migrated by the
// generator. The body, its members and their sign-ins are written with
// multi-row INSERTs straight into the tables the server reads, with one
// argon2id hash computed once and shared by every member (so logins would
// work, but no argon2 is paid per member), and each sign-in's token made
// here and stored under its SHA-256 as the server does. Sessions, agendas
// and ballots are then made through the HTTP API as a seeded secretary, so
// that they carry their events exactly as in production.

// Member is a seeded member with an open sign-in.
type Member struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Token    string `json:"token"` // the session cookie's value
	CSRF     string `json:"csrf"`
}

// Seed is the database of one run.
type Seed struct {
	URL    string // DATABASE_URL of the servers
	SQL    *sql.DB
	BodyID int64
	drop   func()
}

// Password is the password of every seeded member.
const Password = "ecabinet-load-password"

// NewSeed creates and migrates a fresh database from adminURL.
func NewSeed(ctx context.Context, adminURL string) (*Seed, error) {
	admin, err := sql.Open("pgx", adminURL)
	if err != nil {
		return nil, err
	}
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		return nil, fmt.Errorf("PostgreSQL at %s: %w", adminURL, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := fmt.Sprintf("ecabinet_load_%x", b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return nil, err
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		admin.Close()
		return nil, err
	}
	u.Path = "/" + name
	s := &Seed{URL: u.String(), drop: func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}}
	db, err := store.Open(ctx, store.Config{URL: s.URL, Logger: quietLog})
	if err != nil {
		s.drop()
		return nil, err
	}
	err = db.Migrate(ctx)
	var body *ecabinet.Body
	if err == nil {
		body, err = db.CreateBody(ctx, "load", "Load test body", ecabinet.DefaultBodySettings())
	}
	db.Close()
	if err != nil {
		s.drop()
		return nil, err
	}
	s.BodyID = body.ID
	if s.SQL, err = sql.Open("pgx", s.URL); err != nil {
		s.drop()
		return nil, err
	}
	return s, nil
}

// Close drops the database.
func (s *Seed) Close() {
	if s.SQL != nil {
		s.SQL.Close()
	}
	s.drop()
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Members adds n members of role (voting unless secretariat) named
// prefix0001…, each with an open sign-in.
func (s *Seed) Members(ctx context.Context, prefix string, role ecabinet.Role, n int) ([]Member, error) {
	hash, err := auth.NewHasher(1).Hash(ctx, Password)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	voting := role == ecabinet.RoleMember || role == ecabinet.RoleChair
	out := make([]Member, 0, n)
	const batch = 1000
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		var q strings.Builder
		q.WriteString("INSERT INTO members (body_id, username, password_hash, full_name, role, clearance, voting, active, precedence, created_at, updated_at) VALUES ")
		args := []any{s.BodyID, hash, string(role), voting, now}
		for i := start; i < end; i++ {
			if i > start {
				q.WriteString(",")
			}
			name := fmt.Sprintf("%s%05d", prefix, i+1)
			args = append(args, name, "Load "+name)
			fmt.Fprintf(&q, "($1, $%d, $2, $%d, $3, 'none', $4, TRUE, %d, $5, $5)", len(args)-1, len(args), i)
		}
		q.WriteString(" RETURNING id, username")
		rows, err := s.SQL.QueryContext(ctx, q.String(), args...)
		if err != nil {
			return nil, fmt.Errorf("seed members: %w", err)
		}
		for rows.Next() {
			var m Member
			if err := rows.Scan(&m.ID, &m.Username); err != nil {
				rows.Close()
				return nil, err
			}
			m.Token, m.CSRF = randomToken(), randomToken()
			out = append(out, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, s.SignIns(ctx, out)
}

// SignIns stores an open sign-in for each member, as a login would.
func (s *Seed) SignIns(ctx context.Context, members []Member) error {
	now := time.Now().UTC()
	const batch = 2000
	for start := 0; start < len(members); start += batch {
		end := min(start+batch, len(members))
		var q strings.Builder
		q.WriteString("INSERT INTO auth_sessions (id, member_id, csrf_token, ip, user_agent, created_at, last_seen_at, expires_at) VALUES ")
		args := []any{now, now.Add(12 * time.Hour)}
		for i := start; i < end; i++ {
			if i > start {
				q.WriteString(",")
			}
			m := members[i]
			args = append(args, ecabinet.HashToken(m.Token), m.ID, m.CSRF)
			fmt.Fprintf(&q, "($%d, $%d, $%d, '127.0.0.1', 'ecabinet-load', $1, $1, $2)", len(args)-2, len(args)-1, len(args))
		}
		if _, err := s.SQL.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("seed sign-ins: %w", err)
		}
	}
	return nil
}

// Client returns an API client of baseURL acting for m.
func (m Member) Client(baseURL string) (*client.Client, error) {
	c := client.New(baseURL)
	return c, c.UseSignIn(m.Token, m.CSRF)
}

// Meeting is a seeded, published session with one agenda item.
type Meeting struct {
	ID     int64             `json:"id"`
	ItemID int64             `json:"item_id"`
	Scope  ecabinet.Scope    `json:"scope"`
	Pos    ecabinet.Position `json:"pos"`
}

// CreateMeeting makes, through the API as sec, a published session with
// invitees (empty: every voting member) and one agenda item.
func CreateMeeting(ctx context.Context, sec *client.Client, title string, invitees []int64) (*Meeting, error) {
	start := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Minute)
	var m ecabinet.Meeting
	if err := sec.Do(ctx, "POST", "/api/v1/meetings", ecabinet.MeetingInput{Kind: ecabinet.KindRegular, Title: title,
		ScheduledStart: start, ScheduledEnd: start.Add(3 * time.Hour), Place: "Load", Invitees: invitees}, &m); err != nil {
		return nil, fmt.Errorf("create meeting: %w", err)
	}
	var items []*ecabinet.AgendaItem
	if err := sec.Do(ctx, "POST", fmt.Sprintf("/api/v1/meetings/%d/agenda", m.ID), ecabinet.AgendaItemInput{Title: "Item", PlannedMinutes: 30}, &items); err != nil {
		return nil, fmt.Errorf("add agenda item: %w", err)
	}
	if err := sec.Do(ctx, "POST", fmt.Sprintf("/api/v1/meetings/%d/transitions", m.ID), map[string]string{"action": "publish"}, nil); err != nil {
		return nil, fmt.Errorf("publish meeting: %w", err)
	}
	return &Meeting{ID: m.ID, ItemID: items[0].ID, Scope: ecabinet.MeetingScope(m.ID)}, nil
}

// Heads reads the position of each scope from the event log.
func (s *Seed) Heads(ctx context.Context, scopes []ecabinet.Scope) (map[ecabinet.Scope]ecabinet.Position, error) {
	names := make([]string, len(scopes))
	for i, sc := range scopes {
		names[i] = string(sc)
	}
	rows, err := s.SQL.QueryContext(ctx, "SELECT scope, epoch, last_seq FROM event_streams WHERE scope = ANY($1)", names)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[ecabinet.Scope]ecabinet.Position{}
	for rows.Next() {
		var sc string
		var p ecabinet.Position
		if err := rows.Scan(&sc, &p.Epoch, &p.Seq); err != nil {
			return nil, err
		}
		out[ecabinet.Scope(sc)] = p
	}
	return out, rows.Err()
}

// EventTimes returns, per scope, the commit-side time of each event by seq.
func (s *Seed) EventTimes(ctx context.Context, scopes []ecabinet.Scope) (map[ecabinet.Scope]map[int64]time.Time, error) {
	names := make([]string, len(scopes))
	for i, sc := range scopes {
		names[i] = string(sc)
	}
	rows, err := s.SQL.QueryContext(ctx, "SELECT scope, seq, created_at FROM events WHERE scope = ANY($1)", names)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[ecabinet.Scope]map[int64]time.Time{}
	for rows.Next() {
		var sc string
		var seq int64
		var at time.Time
		if err := rows.Scan(&sc, &seq, &at); err != nil {
			return nil, err
		}
		if out[ecabinet.Scope(sc)] == nil {
			out[ecabinet.Scope(sc)] = map[int64]time.Time{}
		}
		out[ecabinet.Scope(sc)][seq] = at
	}
	return out, rows.Err()
}

// quietLog keeps the generator's own store quiet but for warnings.
var quietLog = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
