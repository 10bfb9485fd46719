package http_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// liveSession starts a session through the API with members present.
func liveSession(t *testing.T, e *apptest.Env, present ...string) *ecabinet.Meeting {
	t.Helper()
	ctx := context.Background()
	sec := e.Login(t, "secretary1")
	start := time.Now().Add(time.Hour).UTC()
	var m ecabinet.Meeting
	if err := sec.Do(ctx, "POST", "/api/v1/meetings", ecabinet.MeetingInput{Kind: ecabinet.KindRegular, Title: "Phiên họp thường kỳ",
		ScheduledStart: start, ScheduledEnd: start.Add(3 * time.Hour), Place: "Nhà Quốc hội"}, &m); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/api/v1/meetings/%d", m.ID)
	if err := sec.Do(ctx, "POST", base+"/agenda", ecabinet.AgendaItemInput{Title: "Dự án Luật Đất đai (sửa đổi)", PlannedMinutes: 45}, nil); err != nil {
		t.Fatal(err)
	}
	if err := sec.Do(ctx, "POST", base+"/transitions", map[string]string{"action": "publish"}, nil); err != nil {
		t.Fatal(err)
	}
	for _, u := range present {
		if err := e.Login(t, u).Do(ctx, "POST", base+"/attendance/check-in", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	chair := e.Login(t, "chair")
	if err := chair.Do(ctx, "POST", base+"/transitions", map[string]string{"action": "start", "reason": "Thử nghiệm"}, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

func TestVoteOverHTTP(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		m := liveSession(t, e, "chair", "member01", "member02", "member03")
		member := e.Login(t, "member01")
		stream, err := member.Connect(ctx, client.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer stream.Close()
		if err := stream.Subscribe(ecabinet.MeetingScope(m.ID)); err != nil {
			t.Fatal(err)
		}
		waitFrame(t, stream, "snapshot", "")

		chair := e.Login(t, "chair")
		var items []ecabinet.AgendaItem
		_ = chair.Do(ctx, "GET", fmt.Sprintf("/api/v1/meetings/%d/agenda", m.ID), nil, &items)
		var v ecabinet.Vote
		if err := chair.Do(ctx, "POST", fmt.Sprintf("/api/v1/meetings/%d/votes", m.ID), ecabinet.VoteInput{ItemID: items[0].ID, Question: "Thông qua dự án Luật?"}, &v); err != nil {
			t.Fatal(err)
		}
		waitFrame(t, stream, "event", ecabinet.EventVoteOpened)

		cast := func(c *client.Client, option, key string) (*ecabinet.Vote, error) {
			var out ecabinet.Vote
			h := http.Header{}
			if key != "" {
				h.Set("Idempotency-Key", key)
			}
			body := strings.NewReader(`{"option":"` + option + `"}`)
			err := c.DoRequest(ctx, "POST", fmt.Sprintf("/api/v1/votes/%d/cast", v.ID), body, "application/json", h, &out)
			return &out, err
		}
		first, err := cast(member, "agree", "tablet-7f3a")
		if err != nil || !first.Voted || first.MyChoice != "agree" {
			t.Fatalf("cast: %+v %v", first, err)
		}
		again, err := cast(member, "agree", "tablet-7f3a")
		if err != nil || again.Cast != first.Cast {
			t.Fatalf("retry with the same key: %+v %v", again, err)
		}
		_, err = cast(member, "disagree", "tablet-7f3a")
		wantError(t, err, 409, "idempotency_key_reused")
		_, err = cast(member, "agree", "")
		wantError(t, err, 409, "double_vote")
		_, err = cast(e.Login(t, "member10"), "agree", "")
		wantError(t, err, 403, "not_entitled") // not present
		// The live count reaches members without the choices.
		f := waitFrame(t, stream, "event", ecabinet.EventVoteProgress)
		if strings.Contains(string(f.Data), "agree") {
			t.Fatalf("progress leaks choices: %s", f.Data)
		}
		for _, u := range []string{"member02", "member03", "chair"} {
			if _, err := cast(e.Login(t, u), "agree", ""); err != nil {
				t.Fatal(err)
			}
		}
		var closed ecabinet.Vote
		if err := chair.Do(ctx, "POST", fmt.Sprintf("/api/v1/votes/%d/close", v.ID), nil, &closed); err != nil {
			t.Fatal(err)
		}
		// 4 of 27 voting members: fails under the majority of all members.
		if closed.Result.Cast != 4 || closed.Result.Outcome != "failed" || closed.Result.Required != 14 || len(closed.Ballots) != 4 {
			t.Fatalf("result %+v", closed.Result)
		}
		ev := waitFrame(t, stream, "event", ecabinet.EventVoteClosed)
		var data struct{ Vote ecabinet.Vote }
		_ = json.Unmarshal(ev.Data, &data)
		if data.Vote.Result == nil || data.Vote.Result.Outcome != "failed" {
			t.Fatalf("vote.closed event %s", ev.Data)
		}
		_, err = cast(e.Login(t, "member02"), "agree", "")
		wantError(t, err, 409, "poll_closed")
	})
}

func waitFrame(t *testing.T, s *client.Stream, typ, event string) *client.Frame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		f, err := s.Next(ctx)
		if err != nil {
			t.Fatalf("waiting for %s %s: %v", typ, event, err)
		}
		if f.Type == typ && (event == "" || f.Event == event) {
			return f
		}
	}
}

func TestBallotOverHTTP(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		sec := e.Login(t, "secretary1")
		var b ecabinet.Ballot
		if err := sec.Do(ctx, "POST", "/api/v1/ballots", ecabinet.BallotInput{Title: "Phiếu lấy ý kiến về Nghị quyết phiên họp chuyên đề",
			Reason: "Chính phủ không tổ chức họp", Deadline: time.Now().Add(72 * time.Hour), Questions: []string{"Đồng ý ban hành Nghị quyết?"}}, &b); err != nil {
			t.Fatal(err)
		}
		if len(b.Recipients) != 27 {
			t.Fatalf("%d recipients", len(b.Recipients))
		}
		member := e.Login(t, "member04")
		wantError(t, member.Do(ctx, "GET", fmt.Sprintf("/api/v1/ballots/%d", b.ID), nil, nil), 404, "not_found")
		if err := sec.Do(ctx, "POST", fmt.Sprintf("/api/v1/ballots/%d/open", b.ID), nil, &b); err != nil {
			t.Fatal(err)
		}
		answer := func(body, key string) (*ecabinet.AnswerReceipt, error) {
			var out ecabinet.AnswerReceipt
			h := http.Header{"Idempotency-Key": {key}}
			err := member.DoRequest(ctx, "POST", fmt.Sprintf("/api/v1/ballots/%d/answers", b.ID), strings.NewReader(body), "application/json", h, &out)
			return &out, err
		}
		q := b.Questions[0].ID
		body := fmt.Sprintf(`{"answers":[{"question_id":%d,"choice":"disagree","comment":"Cần lấy thêm ý kiến địa phương"}]}`, q)
		r, err := answer(body, "offline-queue-1")
		if err != nil || r.Answers[0].Choice != "disagree" {
			t.Fatalf("answer %+v %v", r, err)
		}
		if r2, err := answer(body, "offline-queue-1"); err != nil || !r2.AnsweredAt.Equal(r.AnsweredAt) {
			t.Fatalf("replayed answer %+v %v", r2, err)
		}
		_, err = answer(fmt.Sprintf(`{"answers":[{"question_id":%d,"choice":"agree"}]}`, q), "offline-queue-1")
		wantError(t, err, 409, "idempotency_key_reused")
		_, err = answer(fmt.Sprintf(`{"answers":[{"question_id":%d,"choice":"maybe"}]}`, q), "k2")
		wantError(t, err, 400, "invalid")

		var res ecabinet.BallotResult
		if err := sec.Do(ctx, "GET", fmt.Sprintf("/api/v1/ballots/%d/result", b.ID), nil, &res); err != nil {
			t.Fatal(err)
		}
		if res.Questions[0].Disagree != 1 || res.Questions[0].NotReturned != 26 || res.Questions[0].Opinions[0].Member != "Đặng Hoàng Long" {
			t.Fatalf("result %+v", res.Questions[0])
		}
		var rep ecabinet.BallotReport
		if err := sec.Do(ctx, "GET", fmt.Sprintf("/api/v1/ballots/%d/report", b.ID), nil, &rep); err != nil || len(rep.Rows) != 27 {
			t.Fatalf("report: %d rows, %v", len(rep.Rows), err)
		}
		answered := 0
		for _, r := range rep.Rows {
			if r.Choice != "" {
				answered++
			}
		}
		if answered != 1 {
			t.Fatalf("%d answered rows", answered)
		}
		// The CSV export has every recipient's answer, in Vietnamese.
		resp, err := sec.Send(ctx, "GET", fmt.Sprintf("/api/v1/ballots/%d/report.csv", b.ID), nil, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\ufeff"))).ReadAll()
		if err != nil || len(rows) != 28 || rows[0][5] != "Ý kiến" {
			t.Fatalf("csv: %d rows, %v", len(rows), err)
		}
		found := false
		for _, r := range rows[1:] {
			if r[2] == "Đặng Hoàng Long" {
				found = r[5] == "Không đồng ý" && r[6] == "Cần lấy thêm ý kiến địa phương"
			}
		}
		if !found {
			t.Fatal("the answer is not in the CSV")
		}
		wantError(t, member.Do(ctx, "GET", fmt.Sprintf("/api/v1/ballots/%d/report.csv", b.ID), nil, nil), 403, "forbidden")
		resp, err = sec.Send(ctx, "GET", fmt.Sprintf("/api/v1/ballots/%d/report.pdf", b.ID), nil, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(raw), "%PDF-") {
			t.Fatalf("report.pdf: %s %q", resp.Header.Get("Content-Type"), raw[:min(len(raw), 20)])
		}

		var rem struct{ Reminded int }
		if err := sec.Do(ctx, "POST", fmt.Sprintf("/api/v1/ballots/%d/remind", b.ID), nil, &rem); err != nil || rem.Reminded != 26 {
			t.Fatalf("remind %+v %v", rem, err)
		}
		var notes []ecabinet.Notification
		if err := e.Login(t, "member05").Do(ctx, "GET", "/api/v1/notifications", nil, &notes); err != nil {
			t.Fatal(err)
		}
		// Of this ballot: the notice that it was sent, then the reminder.
		if about := notesAbout(notes, fmt.Sprintf("ballot:%d", b.ID)); len(about) != 2 || about[0].Kind != ecabinet.EventBallotReminder || about[1].Kind != ecabinet.EventBallotOpened {
			t.Fatalf("notifications %+v", about)
		}
	})
}

// A reminder reaches a member's mailbox when SMTP is configured.
func TestReminderEmail(t *testing.T) {
	smtpURL, inbox := testenv.SMTP(t)
	apptest.ForEach(t, map[string]string{"ECABINET_SMTP_URL": smtpURL, "ECABINET_SMTP_FROM": "vpcp@example.gov.vn"}, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		admin, sec := e.Login(t, "admin"), e.Login(t, "secretary1")
		var ms []ecabinet.Member
		_ = admin.Do(ctx, "GET", "/api/v1/members", nil, &ms)
		var target ecabinet.Member
		for _, m := range ms {
			if m.Username == "member09" {
				target = m
			}
		}
		in := ecabinet.MemberInput{Username: target.Username, FullName: target.FullName, Title: target.Title, Organization: target.Organization,
			Email: "bo.truong09@example.gov.vn", Precedence: target.Precedence, Role: target.Role, Clearance: target.Clearance, Voting: target.Voting, Active: true}
		if err := admin.Do(ctx, "PUT", fmt.Sprintf("/api/v1/members/%d", target.ID), in, nil); err != nil {
			t.Fatal(err)
		}
		var b ecabinet.Ballot
		if err := sec.Do(ctx, "POST", "/api/v1/ballots", ecabinet.BallotInput{Title: "Phiếu thử nhắc việc", Deadline: time.Now().Add(5 * time.Hour),
			Questions: []string{"Đồng ý?"}, Recipients: []int64{target.ID}}, &b); err != nil {
			t.Fatal(err)
		}
		_ = sec.Do(ctx, "POST", fmt.Sprintf("/api/v1/ballots/%d/open", b.ID), nil, nil)
		if err := sec.Do(ctx, "POST", fmt.Sprintf("/api/v1/ballots/%d/remind", b.ID), nil, nil); err != nil {
			t.Fatal(err)
		}
		// Two e-mails: the ballot sent, then the reminder.
		for range 2 {
			select {
			case m := <-inbox:
				if m.To != "bo.truong09@example.gov.vn" || !strings.Contains(m.Data, "Phiếu thử nhắc việc") {
					t.Fatalf("mail %+v", m)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no reminder e-mail")
			}
		}
		var notes []ecabinet.Notification
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			_ = e.Login(t, "member09").Do(ctx, "GET", "/api/v1/notifications", nil, &notes)
			about := notesAbout(notes, fmt.Sprintf("ballot:%d", b.ID))
			if len(about) == 2 && about[0].Kind == ecabinet.EventBallotReminder && about[0].EmailStatus == "sent" && about[1].EmailStatus == "sent" {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("notification log %+v", notes)
	})
}

// notesAbout keeps the notifications about ref, newest first (the demo
// data's own notices come before a test's).
func notesAbout(notes []ecabinet.Notification, ref string) []ecabinet.Notification {
	var out []ecabinet.Notification
	for _, n := range notes {
		if n.Ref == ref {
			out = append(out, n)
		}
	}
	return out
}
