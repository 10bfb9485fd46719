package store_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// clock lets a test move time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func withClock(db *store.DB) *clock {
	c := &clock{now: time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)}
	db.Now = c.Now
	return c
}

// ballotEnv is a council with a ballot service, batched or not.
type ballotEnv struct {
	*council
	svc   *store.BallotService
	clock *clock
	sec   context.Context
}

func newBallotEnv(t testing.TB, db *store.DB, n int, batched bool) *ballotEnv {
	c := newCouncil(t, db, n, 0)
	clk := withClock(db)
	notify := store.NewNotifier(db, false)
	svc := store.NewBallotService(db, notify)
	if batched {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		svc.EnableBatching(ctx, 2, 100, 2*time.Millisecond)
	}
	return &ballotEnv{council: c, svc: svc, clock: clk, sec: c.f.as(ecabinet.RoleSecretary)}
}

func (e *ballotEnv) open(t testing.TB, questions ...string) *ecabinet.Ballot {
	t.Helper()
	b, err := e.svc.CreateBallot(e.sec, ecabinet.BallotInput{Title: "Phiếu lấy ý kiến về dự thảo Nghị định", Reason: "Chính phủ không họp",
		Deadline: e.clock.Now().Add(48 * time.Hour), Questions: questions})
	if err != nil {
		t.Fatal(err)
	}
	if b, err = e.svc.OpenBallot(e.sec, b.ID); err != nil {
		t.Fatal(err)
	}
	return b
}

func answers(b *ecabinet.Ballot, choice, comment string) ecabinet.AnswerInput {
	var in ecabinet.AnswerInput
	for _, q := range b.Questions {
		in.Answers = append(in.Answers, ecabinet.AnswerItem{QuestionID: q.ID, Choice: choice, Comment: comment})
	}
	return in
}

func forBothPaths(t *testing.T, fn func(t *testing.T, db *store.DB, batched bool)) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		for _, batched := range []bool{false, true} {
			t.Run(fmt.Sprintf("batched=%v", batched), func(t *testing.T) { fn(t, db, batched) })
		}
	})
}

func TestBallotLifecycle(t *testing.T) {
	forBothPaths(t, func(t *testing.T, db *store.DB, batched bool) {
		e := newBallotEnv(t, db, 4, batched)
		m0, m1, chair := e.members[0], e.members[1], e.chair
		_, err := e.svc.CreateBallot(act(m0), ecabinet.BallotInput{Title: "x", Deadline: e.clock.Now().Add(time.Hour), Questions: []string{"q"}})
		wantCode(t, err, ecabinet.EFORBIDDEN)
		b, err := e.svc.CreateBallot(e.sec, ecabinet.BallotInput{Title: "Phiếu số 12", Deadline: e.clock.Now().Add(24 * time.Hour),
			Questions: []string{"Đồng ý thông qua dự thảo?", "Đồng ý trình Quốc hội?"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Recipients) != 6 || b.Status != ecabinet.BallotDraft { // 4 + chair + the fixture's voting member
			t.Fatalf("draft %+v", b)
		}
		_, err = e.svc.FindBallot(act(m0), b.ID)
		wantCode(t, err, ecabinet.ENOTFOUND) // drafts are the secretariat's
		_, err = e.svc.Answer(act(m0), b.ID, m0.MemberID, answers(b, ecabinet.OptionAgree, ""), "")
		wantCode(t, err, ecabinet.ENOTFOUND)
		if b, err = e.svc.OpenBallot(e.sec, b.ID); err != nil || b.Status != ecabinet.BallotOpen {
			t.Fatalf("open: %v", err)
		}
		_, err = e.svc.UpdateBallot(e.sec, b.ID, ecabinet.BallotInput{Title: "x", Deadline: e.clock.Now().Add(time.Hour), Questions: []string{"q"}})
		wantCode(t, err, ecabinet.ECONFLICT)

		r, err := e.svc.Answer(act(m0), b.ID, m0.MemberID, answers(b, ecabinet.OptionAgree, ""), "")
		if err != nil || len(r.Answers) != 2 || r.Paper || r.Signed {
			t.Fatalf("answer: %+v %v", r, err)
		}
		// Disagreeing needs a comment (the body says so).
		_, err = e.svc.Answer(act(m1), b.ID, m1.MemberID, answers(b, ecabinet.OptionDisagree, ""), "")
		wantCode(t, err, ecabinet.EINVALID)
		if _, err := e.svc.Answer(act(m1), b.ID, m1.MemberID, answers(b, ecabinet.OptionDisagree, "Cần đánh giá tác động thêm"), ""); err != nil {
			t.Fatal(err)
		}
		// Changing an answer before the deadline is allowed by default.
		if _, err := e.svc.Answer(act(m1), b.ID, m1.MemberID, answers(b, ecabinet.OptionOther, "Đề nghị sửa Điều 5"), ""); err != nil {
			t.Fatal(err)
		}
		// A member answers only for themself; the secretariat records paper answers with a reason.
		_, err = e.svc.Answer(act(m0), b.ID, chair.MemberID, answers(b, ecabinet.OptionAgree, ""), "")
		wantCode(t, err, ecabinet.EFORBIDDEN)
		paper := answers(b, ecabinet.OptionAgree, "")
		_, err = e.svc.Answer(e.sec, b.ID, chair.MemberID, paper, "")
		wantCode(t, err, ecabinet.EINVALID)
		paper.PaperReason = "Thủ tướng gửi phiếu giấy qua Văn phòng"
		if r, err := e.svc.Answer(e.sec, b.ID, chair.MemberID, paper, ""); err != nil || !r.Paper {
			t.Fatalf("paper answer: %+v %v", r, err)
		}
		// A question of another ballot is refused.
		other := e.open(t, "Câu khác")
		bad := answers(other, ecabinet.OptionAgree, "")
		_, err = e.svc.Answer(act(m0), b.ID, m0.MemberID, bad, "")
		wantCode(t, err, ecabinet.EINVALID)

		// Early close waits for everyone.
		_, err = e.svc.CloseBallot(e.sec, b.ID)
		wantCode(t, err, ecabinet.ECONFLICT)
		res, err := e.svc.Result(e.sec, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		q := res.Questions[0]
		if q.Agree != 2 || q.Other != 1 || q.Disagree != 0 || q.NotReturned != 3 || len(q.Opinions) != 1 || q.Opinions[0].Comment != "Đề nghị sửa Điều 5" {
			t.Fatalf("result %+v", q)
		}
		// While answers may still come, there is no outcome: only what is needed.
		if q.Tally.Outcome != ecabinet.OutcomePending || q.Tally.Adopted != "" || q.Tally.Required == 0 {
			t.Fatalf("an open ballot has an outcome: %+v", q.Tally)
		}
		_, err = e.svc.Result(act(m0), b.ID)
		wantCode(t, err, ecabinet.ECONFLICT) // members see results after the close

		// At the deadline answers are refused, even before the closer runs.
		e.clock.Add(24 * time.Hour)
		_, err = e.svc.Answer(act(e.members[2]), b.ID, e.members[2].MemberID, answers(b, ecabinet.OptionAgree, ""), "")
		wantCode(t, err, ecabinet.EDEADLINE)
		n, err := e.svc.CloseDue(context.Background())
		if err != nil || n < 1 {
			t.Fatalf("close due: %d %v", n, err)
		}
		b, _ = e.svc.FindBallot(act(m0), b.ID)
		if b.Status != ecabinet.BallotClosed || b.ClosedEarly || len(b.Mine) != 2 {
			t.Fatalf("after the deadline %+v", b)
		}
		_, err = e.svc.Answer(act(e.members[2]), b.ID, e.members[2].MemberID, answers(b, ecabinet.OptionAgree, ""), "")
		wantCode(t, err, ecabinet.EDEADLINE)
		if res, err := e.svc.Result(act(m0), b.ID); err != nil || res.Questions[0].Tally.Outcome == ecabinet.OutcomePending {
			t.Fatalf("result after close: %+v %v", res, err)
		}
	})
}

func TestBallotEarlyCloseAndNoChanges(t *testing.T) {
	forBothPaths(t, func(t *testing.T, db *store.DB, batched bool) {
		e := newBallotEnv(t, db, 2, batched)
		s := e.f.body.Settings
		s.BallotAnswerChangeAllowed = false
		if _, err := store.NewBodyService(db).UpdateBodySettings(e.f.as(ecabinet.RoleAdmin), e.f.body.ID, s); err != nil {
			t.Fatal(err)
		}
		b := e.open(t, "Câu 1")
		recipients := append([]ecabinet.Actor{}, e.members...)
		fm := e.f.members[ecabinet.RoleMember]
		recipients = append(recipients, ecabinet.Actor{MemberID: fm.ID, BodyID: fm.BodyID, Role: fm.Role, Voting: true})
		for _, m := range recipients {
			if _, err := e.svc.Answer(act(m), b.ID, m.MemberID, answers(b, ecabinet.OptionAgree, ""), ""); err != nil {
				t.Fatal(err)
			}
		}
		_, err := e.svc.Answer(act(e.members[0]), b.ID, e.members[0].MemberID, answers(b, ecabinet.OptionOther, "đổi ý"), "")
		wantCode(t, err, ecabinet.ECONFLICT)
		b, err = e.svc.CloseBallot(e.sec, b.ID)
		if err != nil || !b.ClosedEarly || b.Answered != len(recipients) {
			t.Fatalf("early close: %+v %v", b, err)
		}
		_, err = e.svc.Answer(act(e.members[0]), b.ID, e.members[0].MemberID, answers(b, ecabinet.OptionAgree, ""), "")
		wantCode(t, err, ecabinet.EPOLLCLOSED)
	})
}

// Many members answering at once, each twice (retries with and without the
// same key): exactly one answer each is counted.
func TestConcurrentAnswersCountExactly(t *testing.T) {
	forBothPaths(t, func(t *testing.T, db *store.DB, batched bool) {
		e := newBallotEnv(t, db, 199, batched)
		b := e.open(t, "Câu hỏi")
		var wg sync.WaitGroup
		var failures atomic.Int64
		sem := make(chan struct{}, 64)
		for i, m := range e.members {
			for attempt := 0; attempt < 2; attempt++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					key := ""
					if i%2 == 0 {
						key = fmt.Sprintf("m%d", i)
					}
					if _, err := e.svc.Answer(act(m), b.ID, m.MemberID, answers(b, ecabinet.OptionAgree, ""), key); err != nil {
						failures.Add(1)
						t.Errorf("member %d: %v", i, err)
					}
				}()
			}
		}
		wg.Wait()
		res, err := e.svc.Result(e.sec, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Questions[0].Agree != 200 || res.Ballot.Answered != 200 || res.Questions[0].NotReturned != 1 {
			t.Fatalf("agree %d answered %d not returned %d", res.Questions[0].Agree, res.Ballot.Answered, res.Questions[0].NotReturned)
		}
	})
}

func TestSignedAnswers(t *testing.T) {
	forBothPaths(t, func(t *testing.T, db *store.DB, batched bool) {
		e := newBallotEnv(t, db, 2, batched)
		devices := store.NewDeviceService(db)
		m := e.members[0]
		b := e.open(t, "Câu 1", "Câu 2")
		in := answers(b, ecabinet.OptionOther, "Ý kiến có dấu tiếng Việt")
		msg := ecabinet.SignedAnswerMessage(b.ID, m.MemberID, in.Answers)

		// Ed25519 from one tablet, ECDSA P-256 (WebCrypto's r‖s) from another.
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		edDER, _ := x509.MarshalPKIXPublicKey(pub)
		ed, err := devices.RegisterDevice(act(m), ecabinet.DeviceInput{Name: "iPad", Algorithm: "Ed25519", PublicKey: base64.StdEncoding.EncodeToString(edDER)})
		if err != nil {
			t.Fatal(err)
		}
		ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		ecDER, _ := x509.MarshalPKIXPublicKey(&ek.PublicKey)
		ec, err := devices.RegisterDevice(act(m), ecabinet.DeviceInput{Name: "Android", Algorithm: "ECDSA-P256", PublicKey: base64.StdEncoding.EncodeToString(ecDER)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = devices.RegisterDevice(act(m), ecabinet.DeviceInput{Name: "x", Algorithm: "ECDSA-P256", PublicKey: base64.StdEncoding.EncodeToString(edDER)})
		wantCode(t, err, ecabinet.EINVALID)

		signed := in
		signed.DeviceID, signed.Signature = ed.ID, base64.StdEncoding.EncodeToString(ed25519.Sign(priv, msg))
		tampered := signed
		tampered.Answers = append([]ecabinet.AnswerItem{}, signed.Answers...)
		tampered.Answers[0].Choice = ecabinet.OptionAgree
		_, err = e.svc.Answer(act(m), b.ID, m.MemberID, tampered, "")
		wantCode(t, err, ecabinet.EINVALID) // the signature no longer matches
		// Another member cannot use m's device.
		_, err = e.svc.Answer(act(e.members[1]), b.ID, e.members[1].MemberID, signed, "")
		wantCode(t, err, ecabinet.EINVALID)
		if r, err := e.svc.Answer(act(m), b.ID, m.MemberID, signed, ""); err != nil || !r.Signed {
			t.Fatalf("signed answer: %+v %v", r, err)
		}

		digest := sha256.Sum256(msg)
		r, s, _ := ecdsa.Sign(rand.Reader, ek, digest[:])
		raw := make([]byte, 64)
		r.FillBytes(raw[:32])
		s.FillBytes(raw[32:])
		signed.DeviceID, signed.Signature = ec.ID, base64.StdEncoding.EncodeToString(raw)
		if _, err := e.svc.Answer(act(m), b.ID, m.MemberID, signed, ""); err != nil {
			t.Fatalf("ECDSA answer: %v", err)
		}
		// A revoked key signs no more.
		if err := devices.RevokeDevice(act(m), ec.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Answer(act(m), b.ID, m.MemberID, signed, "")
		wantCode(t, err, ecabinet.EINVALID)
		res, _ := e.svc.Result(e.sec, b.ID)
		if res.Signed != 2 { // both questions of the last accepted (ECDSA) answer
			t.Fatalf("signed answers counted: %d", res.Signed)
		}
	})
}

func TestBallotReminders(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newBallotEnv(t, db, 3, false)
		b := e.open(t, "Câu 1") // deadline in 48 h; reminders at 24 h and 2 h before
		m := e.members[0]
		if _, err := e.svc.Answer(act(m), b.ID, m.MemberID, answers(b, ecabinet.OptionAgree, ""), ""); err != nil {
			t.Fatal(err)
		}
		if n, _ := e.svc.SendDueReminders(context.Background()); n != 0 {
			t.Fatalf("%d reminders 48 h before", n)
		}
		e.clock.Add(25 * time.Hour)
		n, err := e.svc.SendDueReminders(context.Background())
		if err != nil || n != 4 { // 5 recipients, one answered
			t.Fatalf("24 h reminders: %d %v", n, err)
		}
		if n, _ := e.svc.SendDueReminders(context.Background()); n != 0 {
			t.Fatalf("reminders sent twice: %d", n)
		}
		e.clock.Add(22 * time.Hour)
		if n, _ := e.svc.SendDueReminders(context.Background()); n != 4 {
			t.Fatalf("2 h reminders: %d", n)
		}
		if n, err := e.svc.Remind(e.sec, b.ID); err != nil || n != 4 {
			t.Fatalf("manual reminder: %d %v", n, err)
		}
		notes, err := store.NewNotifier(db, false).Notifications(act(e.members[1]))
		// Three reminders after the notice that the ballot was sent.
		if err != nil || len(notes) != 4 || notes[0].Kind != ecabinet.EventBallotReminder || notes[3].Kind != ecabinet.EventBallotOpened {
			t.Fatalf("notifications of a late member: %+v %v", notes, err)
		}
		if mine, _ := store.NewNotifier(db, false).Notifications(act(m)); len(mine) != 1 || mine[0].Kind != ecabinet.EventBallotOpened {
			t.Fatalf("a member who answered was reminded: %+v", mine)
		}
		// Each reminder reached only its member's tablet.
		events, _ := db.Events().After(context.Background(), ecabinet.BodyScope(e.f.body.ID), 0, 1000)
		for _, ev := range events {
			if ev.Type == ecabinet.EventBallotReminder && ev.VisibleTo(ecabinet.Actor{MemberID: m.MemberID, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone}) {
				t.Fatalf("member %d sees someone else's reminder", m.MemberID)
			}
		}
	})
}

// One idempotency key sent three times at once (twice with one answer,
// once with another), batched or not: the first answer written takes the
// key, its repeats get the same receipt, the other answer is refused as a
// reused key, and the stored answer is the acknowledged one; later, the
// key still replays and still refuses.
func TestAnswerKeysArrivingTogether(t *testing.T) {
	forBothPaths(t, func(t *testing.T, db *store.DB, batched bool) {
		e := newBallotEnv(t, db, 40, batched)
		b := e.open(t, "Câu hỏi")
		agree, disagree := answers(b, ecabinet.OptionAgree, ""), answers(b, ecabinet.OptionDisagree, "Cần bổ sung đánh giá tác động")
		type got struct {
			choice string
			r      *ecabinet.AnswerReceipt
			err    error
		}
		results := make([][]got, len(e.members))
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i, m := range e.members {
			for _, choice := range []string{ecabinet.OptionAgree, ecabinet.OptionDisagree, ecabinet.OptionAgree} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// Each request its own input, as each HTTP request decodes its own.
					in := answers(b, ecabinet.OptionAgree, "")
					if choice == ecabinet.OptionDisagree {
						in = answers(b, ecabinet.OptionDisagree, "Cần bổ sung đánh giá tác động")
					}
					r, err := e.svc.Answer(act(m), b.ID, m.MemberID, in, fmt.Sprintf("key-%d", i))
					mu.Lock()
					results[i] = append(results[i], got{in.Answers[0].Choice, r, err})
					mu.Unlock()
				}()
			}
		}
		wg.Wait()
		report, err := e.svc.Report(e.sec, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored := map[int64]string{}
		for _, row := range report.Rows {
			stored[row.MemberID] = row.Choice
		}
		for i, m := range e.members {
			var won string
			var at time.Time
			for _, g := range results[i] {
				if g.err == nil {
					if won != "" && (g.choice != won || !g.r.AnsweredAt.Equal(at)) {
						t.Fatalf("member %d: two different acknowledgements for one key: %v", i, results[i])
					}
					won, at = g.choice, g.r.AnsweredAt
				}
			}
			if won == "" || stored[m.MemberID] != won {
				t.Fatalf("member %d: acknowledged %q, stored %q (%v)", i, won, stored[m.MemberID], results[i])
			}
			for _, g := range results[i] {
				if g.err != nil && (g.choice == won || ecabinet.ErrorCode(g.err) != ecabinet.EIDEMPOTENCY) {
					t.Fatalf("member %d: %q refused with %v", i, g.choice, g.err)
				}
			}
			in := agree
			if won == ecabinet.OptionDisagree {
				in = disagree
			}
			if r, err := e.svc.Answer(act(m), b.ID, m.MemberID, in, fmt.Sprintf("key-%d", i)); err != nil || !r.AnsweredAt.Equal(at) {
				t.Fatalf("member %d: a later replay: %+v %v", i, r, err)
			}
		}
	})
}

// Answers arriving together, from recipients and others, are taken from
// recipients only: a member the ballot was not sent to does not see it
// (not_found), and a paper answer the secretariat records for such a
// member is refused (ballot.not_recipient), while the recipients' answers
// and the paper answer recorded for a recipient in the same batch count.
func TestOnlyRecipientsAnswer(t *testing.T) {
	forBothPaths(t, func(t *testing.T, db *store.DB, batched bool) {
		e := newBallotEnv(t, db, 12, batched)
		sent, others := e.members[:8], e.members[8:12]
		var to []int64
		for _, m := range sent {
			to = append(to, m.MemberID)
		}
		b, err := e.svc.CreateBallot(e.sec, ecabinet.BallotInput{Title: "Phiếu lấy ý kiến các thành viên được hỏi", Deadline: e.clock.Now().Add(48 * time.Hour),
			Questions: []string{"Câu hỏi"}, Recipients: to})
		if err != nil {
			t.Fatal(err)
		}
		if b, err = e.svc.OpenBallot(e.sec, b.ID); err != nil {
			t.Fatal(err)
		}
		// Each request its own input: validation normalises it in place.
		paper := func() ecabinet.AnswerInput {
			in := answers(b, ecabinet.OptionAgree, "")
			in.PaperReason = "Phiếu giấy gửi qua văn thư"
			return in
		}
		type try struct {
			ctx    context.Context
			member int64
			in     ecabinet.AnswerInput
			want   string
			key    string
		}
		var tries []try
		for _, m := range sent[1:] {
			tries = append(tries, try{act(m), m.MemberID, answers(b, ecabinet.OptionAgree, ""), "", ""})
		}
		tries = append(tries, try{e.sec, sent[0].MemberID, paper(), "", "paper-0"})
		for _, m := range others {
			tries = append(tries, try{act(m), m.MemberID, answers(b, ecabinet.OptionAgree, ""), ecabinet.ENOTFOUND, ""})
			tries = append(tries, try{e.sec, m.MemberID, paper(), ecabinet.ENOTENTITLED, fmt.Sprintf("paper-%d", m.MemberID)})
		}
		var wg sync.WaitGroup
		for _, tr := range tries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.svc.Answer(tr.ctx, b.ID, tr.member, tr.in, tr.key)
				if got := ecabinet.ErrorCode(err); got != tr.want {
					t.Errorf("answer for member %d: %v, want %q", tr.member, err, tr.want)
				}
			}()
		}
		wg.Wait()
		res, err := e.svc.Result(e.sec, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Questions[0].Agree != 8 || res.Ballot.Answered != 8 || res.Questions[0].NotReturned != 0 {
			t.Fatalf("agree %d answered %d not returned %d, want 8, 8, 0", res.Questions[0].Agree, res.Ballot.Answered, res.Questions[0].NotReturned)
		}
	})
}
