package store_test

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// notifying matches a statement on the tables notifying a member reads or
// writes: the members (their addresses), their push subscriptions and the
// notifications.
var notifying = regexp.MustCompile("(?i)\\b(FROM|INTO|JOIN|UPDATE)\\s+[\"`]?(members|push_subscriptions|notifications)\\b")

// reset forgets the statements logged so far.
func (l *sqlLog) reset() {
	l.mu.Lock()
	l.sqls = nil
	l.mu.Unlock()
}

// matching counts the statements logged that match re.
func (l *sqlLog) matching(re *regexp.Regexp) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.sqls {
		if re.MatchString(s) {
			n++
		}
	}
	return n
}

// pushSubscription is a subscription of a tablet of its own, at endpoint.
func pushSubscription(t *testing.T, endpoint string) ecabinet.PushSubscriptionInput {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	in := ecabinet.PushSubscriptionInput{Endpoint: endpoint, Lang: "vi"}
	in.Keys.P256dh = base64.RawURLEncoding.EncodeToString(key.PublicKey().Bytes())
	in.Keys.Auth = base64.RawURLEncoding.EncodeToString([]byte("0123456789abcdef"))
	return in
}

// Publishing a session tells each invitee once, with one notification and
// one event for their tablet carrying it, queued for e-mail when the member
// has an address and for push when they subscribed a tablet; and the
// statements on the members, their subscriptions and the notifications do
// not grow with the invitees: publishing to 30 runs no more of them than
// publishing to 3. (Before, each invitee cost a read of their address, a
// count of their subscriptions and an insert: 81 statements more for 30.)
func TestPublishNotifiesInviteesInConstantStatements(t *testing.T) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			log := &sqlLog{}
			db := openLogged(t, dialect, slog.New(log))
			f := newFixture(t, db)
			ctx, sec := context.Background(), f.as(ecabinet.RoleSecretary)
			pushes := store.NewPushStore(db, nil)
			// Every second member has an address, every third a tablet subscribed.
			var ids []int64
			email, push := map[int64]bool{}, map[int64]bool{}
			for i := range 30 {
				in := ecabinet.MemberInput{Username: fmt.Sprintf("uv%02d-%s", i, f.body.Slug), Password: "correct horse battery",
					FullName: fmt.Sprintf("Ủy viên %d", i), Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone, Voting: true, Active: true}
				if i%2 == 0 {
					in.Email = fmt.Sprintf("uv%02d@example.gov.vn", i)
				}
				m, err := db.CreateMember(ctx, hasher, f.body.ID, in)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, m.ID)
				email[m.ID] = in.Email != ""
				if i%3 == 0 {
					as := ecabinet.NewContextWithActor(ctx, ecabinet.Actor{MemberID: m.ID, BodyID: f.body.ID, Role: m.Role, Voting: true})
					if err := pushes.Subscribe(as, pushSubscription(t, fmt.Sprintf("https://push.example/%s/%d", dialect, m.ID))); err != nil {
						t.Fatal(err)
					}
					push[m.ID] = true
				}
			}
			meetings := store.NewMeetingService(db).Notifying(store.NewNotifier(db, true))
			publish := func(invitees []int64) (*ecabinet.Meeting, int) {
				t.Helper()
				in := meetingInput()
				in.Invitees = invitees
				m, err := meetings.CreateMeeting(sec, in)
				if err != nil {
					t.Fatal(err)
				}
				log.reset()
				if _, err := meetings.Transition(sec, m.ID, ecabinet.ActionPublish, nil); err != nil {
					t.Fatal(err)
				}
				return m, log.matching(notifying)
			}
			_, few := publish(ids[:3])
			m, many := publish(ids)
			t.Logf("statements on members, push_subscriptions and notifications: %d for 3 invitees, %d for 30", few, many)
			if many > few {
				t.Errorf("publishing to 30 invitees ran %d statements on members, push_subscriptions and notifications, to 3 %d", many, few)
			}

			type stored struct {
				ID                      int64
				MemberID                int64
				EmailStatus, PushStatus string
			}
			var rows []stored
			if err := db.Raw(ctx, "SELECT id, member_id, email_status, push_status FROM notifications WHERE ref = ? ORDER BY id",
				&rows, fmt.Sprintf("meeting:%d", m.ID)); err != nil {
				t.Fatal(err)
			}
			byMember := map[int64]stored{}
			for _, r := range rows {
				if _, twice := byMember[r.MemberID]; twice {
					t.Fatalf("member %d notified twice", r.MemberID)
				}
				byMember[r.MemberID] = r
			}
			events, err := db.Events().After(ctx, ecabinet.BodyScope(f.body.ID), 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			told := map[int64][]ecabinet.Notification{}
			for _, ev := range events {
				var data struct{ Notification ecabinet.Notification }
				if ev.Type != ecabinet.EventMeetingPublished || !strings.HasPrefix(ev.Audience, "member:") {
					continue
				}
				if err := json.Unmarshal(ev.Data, &data); err != nil {
					t.Fatal(err)
				}
				if data.Notification.Ref != fmt.Sprintf("meeting:%d", m.ID) {
					continue
				}
				if ev.Audience != ecabinet.AudienceMember(data.Notification.MemberID) || ev.MinClearance != ecabinet.ClassNone {
					t.Fatalf("member %d's notification seen by %q (%s)", data.Notification.MemberID, ev.Audience, ev.MinClearance)
				}
				told[data.Notification.MemberID] = append(told[data.Notification.MemberID], data.Notification)
			}
			if len(rows) != len(ids) || len(told) != len(ids) {
				t.Fatalf("%d notifications and events for %d members, for %d invitees", len(rows), len(told), len(ids))
			}
			for _, id := range ids {
				r, ok := byMember[id]
				wantEmail, wantPush := "none", "none"
				if email[id] {
					wantEmail = "pending"
				}
				if push[id] {
					wantPush = "pending"
				}
				if !ok || r.EmailStatus != wantEmail || r.PushStatus != wantPush {
					t.Errorf("member %d (address %v, subscribed %v): notification %+v (found %v)", id, email[id], push[id], r, ok)
				}
				if n := told[id]; len(n) != 1 || n[0].ID != r.ID || n[0].ID == 0 || n[0].EmailStatus != wantEmail || n[0].Kind != ecabinet.EventMeetingPublished {
					t.Errorf("member %d's tablet was told %+v, stored %+v", id, n, r)
				}
			}
		})
	}
}

// Publishing a session to more invitees than one statement can name (6,000:
// an insert of their notifications in one statement takes 66,000
// parameters, over PostgreSQL's 65,535 and SQLite's 32,766) tells each of
// them once. (Before, such a publication failed with an internal error.)
func TestPublishToThousandsOfInvitees(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx, sec := context.Background(), f.as(ecabinet.RoleSecretary)
		const n = 6000
		for start := 0; start < n; start += 500 {
			var values []string
			var args []any
			for i := start; i < start+500; i++ {
				values = append(values, "(?, ?, '', ?, 'member', 'none', ?, ?, ?)")
				args = append(args, f.body.ID, fmt.Sprintf("dv%04d-%s", i, f.body.Slug), fmt.Sprintf("Đại biểu %d", i), fmt.Sprintf("dv%04d@example.gov.vn", i), f.body.CreatedAt, f.body.CreatedAt)
			}
			if err := db.Exec(ctx, "INSERT INTO members (body_id, username, password_hash, full_name, role, clearance, email, created_at, updated_at) VALUES "+
				strings.Join(values, ", "), args...); err != nil {
				t.Fatal(err)
			}
		}
		var ids []int64
		if err := db.Raw(ctx, "SELECT id FROM members WHERE username LIKE ? ORDER BY id", &ids, "dv%-"+f.body.Slug); err != nil || len(ids) != n {
			t.Fatalf("%d members inserted: %v", len(ids), err)
		}
		meetings := store.NewMeetingService(db).Notifying(store.NewNotifier(db, true))
		in := meetingInput()
		in.Invitees = ids
		m, err := meetings.CreateMeeting(sec, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := meetings.Transition(sec, m.ID, ecabinet.ActionPublish, nil); err != nil {
			t.Fatal(err)
		}
		var told []struct {
			MemberID    int64
			EmailStatus string
			N           int
		}
		if err := db.Raw(ctx, "SELECT member_id, MIN(email_status) AS email_status, COUNT(*) AS n FROM notifications WHERE ref = ? GROUP BY member_id",
			&told, fmt.Sprintf("meeting:%d", m.ID)); err != nil {
			t.Fatal(err)
		}
		if len(told) != n {
			t.Fatalf("%d of %d invitees notified", len(told), n)
		}
		for _, r := range told {
			if r.N != 1 || r.EmailStatus != "pending" {
				t.Fatalf("member %d: %d notifications, e-mail %s", r.MemberID, r.N, r.EmailStatus)
			}
		}
	})
}
