package hub_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
	"github.com/fasthttp/websocket"
)

// meeting prepares a published session of the demo body with two agenda
// items; every voting member is invited.
func meeting(t *testing.T, e *apptest.Env) (*ecabinet.Meeting, []*ecabinet.AgendaItem) {
	t.Helper()
	svc := store.NewMeetingService(e.App.DB)
	sec := e.As(t, "secretary1")
	start := time.Now().Add(time.Hour).UTC()
	m, err := svc.CreateMeeting(sec, ecabinet.MeetingInput{Kind: ecabinet.KindRegular, Title: "Phiên họp thử", ScheduledStart: start, ScheduledEnd: start.Add(3 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddItem(sec, m.ID, ecabinet.AgendaItemInput{Title: "Nội dung 1", PlannedMinutes: 30}); err != nil {
		t.Fatal(err)
	}
	items, err := svc.AddItem(sec, m.ID, ecabinet.AgendaItemInput{Title: "Nội dung 2", PlannedMinutes: 20})
	if err != nil {
		t.Fatal(err)
	}
	if m, err = svc.Transition(sec, m.ID, ecabinet.ActionPublish, nil); err != nil {
		t.Fatal(err)
	}
	return m, items
}

// connect signs username in and opens a stream.
func connect(t *testing.T, e *apptest.Env, username string) (*client.Client, *client.Stream) {
	t.Helper()
	c := e.Login(t, username)
	s, err := c.Connect(context.Background(), client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return c, s
}

// next reads frames until one matches want, failing after the timeout.
func next(t *testing.T, s *client.Stream, timeout time.Duration, want func(*client.Frame) bool) *client.Frame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		f, err := s.Next(ctx)
		if err != nil {
			t.Fatalf("waiting for a frame: %v", err)
		}
		if want(f) {
			return f
		}
	}
}

func ofType(typ string) func(*client.Frame) bool {
	return func(f *client.Frame) bool { return f.Type == typ }
}

func isEvent(name string) func(*client.Frame) bool {
	return func(f *client.Frame) bool { return f.Type == "event" && f.Event == name }
}

// subscribe subscribes and waits for the answer and the snapshot (or replay start).
func subscribe(t *testing.T, s *client.Stream, scope ecabinet.Scope) *client.Frame {
	t.Helper()
	if err := s.Subscribe(scope); err != nil {
		t.Fatal(err)
	}
	f := next(t, s, 10*time.Second, func(f *client.Frame) bool { return f.Type == "subscribed" || f.Type == "error" })
	if f.Type == "error" {
		t.Fatalf("subscribe %s: %s %s", scope, f.Code, f.Message)
	}
	if f.Mode == "snapshot" {
		next(t, s, 10*time.Second, ofType("snapshot"))
	}
	return f
}

// quiet asserts that no event arrives within d.
func quiet(t *testing.T, s *client.Stream, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		f, err := s.Next(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			return
		}
		if err != nil {
			t.Fatalf("stream broke: %v", err)
		}
		if f.Type == "event" {
			t.Fatalf("unexpected event %s #%d", f.Event, f.Seq)
		}
	}
}

func TestLiveAgendaReachesMembers(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		m, items := meeting(t, e)
		_, member := connect(t, e, "member05")
		sub := subscribe(t, member, ecabinet.MeetingScope(m.ID))
		if sub.Mode != "snapshot" || sub.Seq == 0 || sub.Epoch == "" {
			t.Fatalf("first subscription: %+v", sub)
		}
		chair := e.Login(t, "chair")
		ctx := context.Background()
		if err := chair.Do(ctx, "POST", fmt.Sprintf("/api/v1/meetings/%d/transitions", m.ID), map[string]string{"action": "start", "reason": "Thử nghiệm"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := chair.Do(ctx, "POST", fmt.Sprintf("/api/v1/meetings/%d/agenda/next", m.ID), nil, nil); err != nil {
			t.Fatal(err)
		}
		// The member sees the second item become active.
		var data struct {
			Agenda []ecabinet.AgendaItem `json:"agenda"`
		}
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			f := next(t, member, 5*time.Second, isEvent(ecabinet.EventAgendaUpdated))
			if err := json.Unmarshal(f.Data, &data); err != nil {
				t.Fatal(err)
			}
			if data.Agenda[1].Status == ecabinet.ItemActive {
				if data.Agenda[1].ID != items[1].ID || data.Agenda[0].Status != ecabinet.ItemDone {
					t.Fatalf("agenda after next: %+v", data.Agenda)
				}
				return
			}
		}
		t.Fatal("the member never saw the second item active")
	})
}

func TestResumeReplaysExactlyWhatWasMissed(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		m, _ := meeting(t, e)
		scope := ecabinet.MeetingScope(m.ID)
		_, member := connect(t, e, "member05")
		subscribe(t, member, scope)
		before := member.Position(scope)

		// The member's tablet drops off; 50 changes happen meanwhile.
		svc := store.NewMeetingService(e.App.DB)
		sec := e.As(t, "secretary1")
		drop(t, member)
		for i := 0; i < 50; i++ {
			status := ecabinet.AttendancePresent
			if i%2 == 1 {
				status = ecabinet.AttendanceExpected
			}
			if _, _, err := svc.SetAttendance(sec, m.ID, m.Invitees[i%len(m.Invitees)], ecabinet.AttendanceInput{Status: status}); err != nil {
				t.Fatal(err)
			}
		}
		if err := member.Reconnect(context.Background()); err != nil {
			t.Fatal(err)
		}
		sub := next(t, member, 5*time.Second, ofType("subscribed"))
		if sub.Mode != "replay" || sub.Seq != before.Seq {
			t.Fatalf("resume answer %+v, want replay from %d", sub, before.Seq)
		}
		for i := int64(1); i <= 50; i++ {
			f := next(t, member, 5*time.Second, ofType("event"))
			if f.Seq != before.Seq+i || f.Event != ecabinet.EventAttendanceUpdated {
				t.Fatalf("replayed event %d: #%d %s, want #%d", i, f.Seq, f.Event, before.Seq+i)
			}
		}
		quiet(t, member, 300*time.Millisecond) // exactly 50, none twice
		// Live delivery continues after the replay.
		if _, err := svc.AddItem(sec, m.ID, ecabinet.AgendaItemInput{Title: "Sau khi kết nối lại", PlannedMinutes: 5}); err != nil {
			t.Fatal(err)
		}
		if f := next(t, member, 5*time.Second, ofType("event")); f.Seq != before.Seq+51 {
			t.Fatalf("live event after replay: #%d", f.Seq)
		}
	})
}

// drop closes the stream's connection as a network loss would.
func drop(t *testing.T, s *client.Stream) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestLargeGapGetsSnapshot(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		m, _ := meeting(t, e)
		scope := ecabinet.MeetingScope(m.ID)
		c, member := connect(t, e, "member05")
		subscribe(t, member, scope)
		drop(t, member)

		svc := store.NewMeetingService(e.App.DB)
		sec := e.As(t, "secretary1")
		const changes = 10000
		for i := 0; i < changes; i++ {
			status := ecabinet.AttendancePresent
			if i%3 == 0 {
				status = ecabinet.AttendanceExpected
			}
			if _, _, err := svc.SetAttendance(sec, m.ID, m.Invitees[i%len(m.Invitees)], ecabinet.AttendanceInput{Status: status}); err != nil {
				t.Fatal(err)
			}
		}
		if err := member.Reconnect(context.Background()); err != nil {
			t.Fatal(err)
		}
		sub := next(t, member, 10*time.Second, ofType("subscribed"))
		snap := next(t, member, 10*time.Second, ofType("snapshot"))
		if sub.Mode != "snapshot" || snap.Seq != sub.Seq {
			t.Fatalf("after %d changes: %+v / snapshot #%d", changes, sub, snap.Seq)
		}
		// The snapshot equals the current state.
		var want, got ecabinet.MeetingState
		if err := c.Do(context.Background(), "GET", fmt.Sprintf("/api/v1/meetings/%d/state", m.ID), nil, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(snap.Data, &got); err != nil {
			t.Fatal(err)
		}
		if want.Seq != snap.Seq {
			t.Fatalf("state at #%d, snapshot at #%d", want.Seq, snap.Seq)
		}
		if got.ServerTime.IsZero() {
			t.Fatal("the snapshot has no server time")
		}
		want.ServerTime, got.ServerTime = time.Time{}, time.Time{} // when each was read
		wj, _ := json.Marshal(want)
		gj, _ := json.Marshal(got)
		if string(wj) != string(gj) {
			t.Fatalf("snapshot differs from the current state:\n%s\n%s", gj, wj)
		}
	})
}

func TestSubscriptionsAreAuthorised(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		m, _ := meeting(t, e)
		svc := store.NewMeetingService(e.App.DB)
		start := time.Now().Add(time.Hour).UTC()
		draft, err := svc.CreateMeeting(e.As(t, "secretary1"), ecabinet.MeetingInput{Kind: ecabinet.KindThematic, Title: "Dự thảo", ScheduledStart: start, ScheduledEnd: start.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		_, member := connect(t, e, "member05")
		refused := func(scope ecabinet.Scope, code string) {
			t.Helper()
			if err := member.Subscribe(scope); err != nil {
				t.Fatal(err)
			}
			f := next(t, member, 5*time.Second, func(f *client.Frame) bool { return f.Type == "error" || f.Type == "subscribed" })
			if f.Type != "error" || f.Code != code || f.Message == "" {
				t.Fatalf("subscribe %s: %+v, want error %s", scope, f, code)
			}
		}
		refused(ecabinet.MeetingScope(draft.ID), "not_found") // a draft
		refused(ecabinet.MeetingScope(999999), "not_found")   // nothing
		refused(ecabinet.BodyScope(m.BodyID+1), "not_found")  // another body
		refused(ecabinet.Scope("ballot:1"), "invalid")        // not a scope
		// Malformed frames get an error and the connection stays usable.
		for _, raw := range []string{`{"type":`, `{"type":"subscribe","scope":"meeting:1","extra":1}`, `{"type":"dance"}`} {
			if err := member.SendRaw([]byte(raw)); err != nil {
				t.Fatal(err)
			}
			if f := next(t, member, 5*time.Second, ofType("error")); f.Code != "invalid" {
				t.Fatalf("%s: %+v", raw, f)
			}
		}
		subscribe(t, member, ecabinet.MeetingScope(m.ID))
	})
}

func TestUpgradeChecks(t *testing.T) {
	e := apptest.Start(t, apptest.Backends[0], nil)
	wsURL := "ws" + strings.TrimPrefix(e.URL, "http") + "/api/v1/ws"
	dial := func(url string, h http.Header) int {
		t.Helper()
		conn, resp, err := websocket.DefaultDialer.Dial(url, h)
		if err == nil {
			_ = conn.Close()
			return 101
		}
		if resp == nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	if got := dial(wsURL, nil); got != 401 {
		t.Fatalf("without a sign-in: %d", got)
	}
	c := e.Login(t, "member05")
	cookie := http.Header{"Cookie": {cookieOf(t, c, e.URL)}}
	if got := dial(wsURL, cookie); got != 101 {
		t.Fatalf("with the cookie: %d", got)
	}
	bad := cookie.Clone()
	bad.Set("Origin", "https://evil.example")
	if got := dial(wsURL, bad); got != 403 {
		t.Fatalf("from a foreign origin: %d", got)
	}
	var tk struct{ Ticket string }
	if err := c.Do(context.Background(), "POST", "/api/v1/ws/ticket", nil, &tk); err != nil {
		t.Fatal(err)
	}
	if got := dial(wsURL+"?ticket="+tk.Ticket, nil); got != 101 {
		t.Fatalf("with a ticket: %d", got)
	}
	if got := dial(wsURL+"?ticket="+tk.Ticket, nil); got != 401 {
		t.Fatalf("with a used ticket: %d", got)
	}
	resp, err := http.Get(e.URL + "/api/v1/ws?ticket=x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("a plain GET with a bad ticket: %d", resp.StatusCode)
	}
}

func cookieOf(t *testing.T, c *client.Client, base string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", base, nil)
	var parts []string
	for _, ck := range c.HTTP.Jar.Cookies(req.URL) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	if len(parts) == 0 {
		t.Fatal("no cookie")
	}
	return strings.Join(parts, "; ")
}

func TestSignOutClosesSockets(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		c, s := connect(t, e, "member05")
		if err := c.Logout(context.Background()); err != nil {
			t.Fatal(err)
		}
		wantClose(t, s, 4401)

		// An admin ending a member's sign-ins closes their sockets too.
		_, s2 := connect(t, e, "member06")
		admin := e.Login(t, "admin")
		me := e.As(t, "member06")
		a, _ := ecabinet.ActorFromContext(me)
		if err := admin.Do(context.Background(), "DELETE", fmt.Sprintf("/api/v1/members/%d/sessions", a.MemberID), nil, nil); err != nil {
			t.Fatal(err)
		}
		wantClose(t, s2, 4401)

		// A new title leaves the member connected; a lower clearance or
		// another role ends their sign-ins and closes their sockets, which
		// kept the member as they were at the handshake.
		for _, change := range []func(*ecabinet.MemberInput){
			func(in *ecabinet.MemberInput) { in.Clearance = ecabinet.ClassNone },
			func(in *ecabinet.MemberInput) { in.Role, in.Voting = ecabinet.RoleGuest, false },
		} {
			a, _ := ecabinet.ActorFromContext(e.As(t, "member07"))
			var m ecabinet.Member
			path := fmt.Sprintf("/api/v1/members/%d", a.MemberID)
			if err := admin.Do(context.Background(), "GET", path, nil, &m); err != nil {
				t.Fatal(err)
			}
			in := ecabinet.MemberInput{Username: m.Username, FullName: m.FullName, Title: m.Title, Organization: m.Organization,
				Email: m.Email, Precedence: m.Precedence, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassSecret, Voting: m.Voting, Active: true}
			if err := admin.Do(context.Background(), "PUT", path, in, nil); err != nil {
				t.Fatal(err)
			}
			c3, s3 := connect(t, e, "member07")
			in.Title += " (kiêm nhiệm)"
			if err := admin.Do(context.Background(), "PUT", path, in, nil); err != nil {
				t.Fatal(err)
			}
			if err := s3.Subscribe(ecabinet.BodyScope(a.BodyID)); err != nil {
				t.Fatal(err)
			}
			next(t, s3, 10*time.Second, func(f *client.Frame) bool { return f.Type == "snapshot" }) // still connected
			change(&in)
			if err := admin.Do(context.Background(), "PUT", path, in, nil); err != nil {
				t.Fatal(err)
			}
			wantClose(t, s3, 4401)
			if _, err := c3.Me(context.Background()); ecabinet.ErrorCode(err) != ecabinet.EUNAUTHENTICATED && !isStatus(err, 401) {
				t.Fatalf("the changed member's sign-in still works: %v", err)
			}
		}
	})
}

func isStatus(err error, status int) bool {
	var e *client.Error
	return errors.As(err, &e) && e.Status == status
}

func wantClose(t *testing.T, s *client.Stream, code int) *client.CloseError {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, err := s.Next(ctx)
		if err == nil {
			continue
		}
		var ce *client.CloseError
		if !errors.As(err, &ce) || ce.Code != code {
			t.Fatalf("want close %d, got %v", code, err)
		}
		return ce
	}
}

// Events reach only the members allowed to see them: on the body stream a
// draft reaches the secretariat, a published session its invitees.
func TestEventsAreFilteredPerMember(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		body := ecabinet.BodyScope(1)
		_, member := connect(t, e, "member05")
		_, sec := connect(t, e, "secretary2")
		_, admin := connect(t, e, "admin") // the admin is secretariat too
		subscribe(t, member, body)
		subscribe(t, sec, body)
		subscribe(t, admin, body)

		svc := store.NewMeetingService(e.App.DB)
		start := time.Now().Add(time.Hour).UTC()
		in := ecabinet.MeetingInput{Kind: ecabinet.KindThematic, Title: "Chuyên đề", ScheduledStart: start, ScheduledEnd: start.Add(time.Hour)}
		m, err := svc.CreateMeeting(e.As(t, "secretary1"), in)
		if err != nil {
			t.Fatal(err)
		}
		next(t, sec, 5*time.Second, isEvent(ecabinet.EventMeetingUpdated))
		next(t, admin, 5*time.Second, isEvent(ecabinet.EventMeetingUpdated))
		quiet(t, member, 500*time.Millisecond) // a draft is not the member's business

		// Invite only member06 and publish: member05 still hears nothing.
		six, _ := ecabinet.ActorFromContext(e.As(t, "member06"))
		in.Invitees = []int64{six.MemberID}
		if _, err := svc.UpdateMeeting(e.As(t, "secretary1"), m.ID, in); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Transition(e.As(t, "secretary1"), m.ID, ecabinet.ActionPublish, nil); err != nil {
			t.Fatal(err)
		}
		quiet(t, member, 500*time.Millisecond)
		_, m6 := connect(t, e, "member06")
		sub := subscribe(t, m6, body)
		if sub.Mode != "snapshot" {
			t.Fatalf("%+v", sub)
		}
		// member05's own next event is visible and arrives in order, after the holes.
		m2, _ := meeting(t, e)
		f := next(t, member, 5*time.Second, isEvent(ecabinet.EventMeetingUpdated))
		var data struct{ Meeting ecabinet.Meeting }
		_ = json.Unmarshal(f.Data, &data)
		if data.Meeting.ID != m2.ID || data.Meeting.Status != ecabinet.MeetingPublished {
			t.Fatalf("member05 got %+v", data.Meeting)
		}
	})
}

// A client that does not read is closed with 4000 once its queue is full,
// and resumes without losing anything.
func TestSlowClientIsToldToResume(t *testing.T) {
	e := apptest.Start(t, apptest.Backends[0], map[string]string{"ECABINET_WS_QUEUE": "8"})
	m, _ := meeting(t, e)
	scope := ecabinet.MeetingScope(m.ID)
	_, member := connect(t, e, "member05")
	subscribe(t, member, scope)
	start := member.Position(scope).Seq
	svc := store.NewMeetingService(e.App.DB)
	sec := e.As(t, "secretary1")
	// Enough events, with large enough frames, to fill the socket buffers
	// and then the queue while the client reads nothing.
	for i := 0; i < 150; i++ {
		if _, err := svc.AddItem(sec, m.ID, ecabinet.AgendaItemInput{Title: strings.Repeat("Nội dung dài ", 30), PlannedMinutes: 5}); err != nil {
			t.Fatal(err)
		}
	}
	head, _ := e.App.DB.Events().Head(context.Background(), scope)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	closed := false
	seen := start
	err := member.Run(ctx, func(f *client.Frame) error {
		if f.Type == "event" {
			if f.Seq != seen+1 {
				return fmt.Errorf("event #%d after #%d", f.Seq, seen)
			}
			seen = f.Seq
		}
		if f.Type == "subscribed" && f.Mode == "replay" {
			closed = true
		}
		if seen == head.Seq {
			return errStop
		}
		return nil
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("stream ended with %v at #%d of #%d", err, seen, head.Seq)
	}
	if !closed {
		t.Fatal("the slow client was never closed and resumed (make the load larger)")
	}
}

var errStop = errors.New("done")
