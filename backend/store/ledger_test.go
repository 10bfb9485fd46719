package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
	"github.com/ecabinet/ecabinet/backend/store"
)

// testClock is the injected clock of a test: db.Now reads it, the test
// moves it. Nothing sleeps.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time      { return c.t }
func (c *testClock) add(d time.Duration) { c.t = c.t.Add(d) }
func setClock(db *store.DB, t time.Time) *testClock {
	c := &testClock{t: t}
	db.Now = c.now
	return c
}

// ledgerEvent is a ledger.updated event and the clearance it needs.
type ledgerEvent struct {
	ecabinet.LedgerChange
	MinClearance ecabinet.Classification
}

// ledgerEvents returns the ledger.updated events of the body's stream.
func ledgerEvents(t *testing.T, db *store.DB, bodyID int64) []ledgerEvent {
	t.Helper()
	var rows []struct {
		Payload, Audience, MinClearance string
	}
	if err := db.Raw(context.Background(), "SELECT payload, audience, min_clearance FROM events WHERE scope = ? AND type = ? ORDER BY seq", &rows,
		string(ecabinet.BodyScope(bodyID)), ecabinet.EventLedgerUpdated); err != nil {
		t.Fatal(err)
	}
	out := make([]ledgerEvent, len(rows))
	for i, r := range rows {
		var data struct{ Ledger json.RawMessage }
		if err := json.Unmarshal([]byte(r.Payload), &data); err != nil || r.Audience != ecabinet.AudiencePresiding {
			t.Fatalf("ledger event %s for %q: %v", r.Payload, r.Audience, err)
		}
		var fields map[string]any
		if err := json.Unmarshal(data.Ledger, &fields); err != nil {
			t.Fatal(err)
		}
		for k := range fields {
			if k != "kind" && k != "id" && k != "period" {
				t.Fatalf("a ledger event carries %q: %s", k, r.Payload)
			}
		}
		out[i].MinClearance = ecabinet.Classification(r.MinClearance)
		if err := json.Unmarshal(data.Ledger, &out[i].LedgerChange); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// The paper ledger of a session worked out by hand (the same session as
// the domain's TestMeetingPaperByHand, built through the services): six
// invitees (one a guest), default settings (5 reserve copies, duplex).
func TestMeetingLedgerByHand(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		clock := setClock(db, time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC))
		e := newDocEnv(t, db)
		ledger := store.NewLedgerService(db)
		report := e.create(t, "Báo cáo tình hình kinh tế - xã hội", ecabinet.ClassNone, 0)
		e.upload(t, report, pdftest.Valid(12))
		clock.add(time.Hour)
		e.upload(t, report, pdftest.Valid(13)) // replaces version 1 before publication
		plan := e.create(t, "Đề án mật", ecabinet.ClassConfidential, 0)
		e.upload(t, plan, pdftest.Valid(30))
		paper := e.create(t, "Tuyệt mật", ecabinet.ClassTopSecret, 21)

		// A draft: nothing distributed yet, and no event.
		draft, err := ledger.MeetingLedger(e.as("sec"), e.meeting.ID)
		if err != nil || draft.Paper != (ecabinet.PaperFigures{}) || len(draft.Lines) != 4 || draft.Lines[0].Reason != ecabinet.ReasonNotPublished {
			t.Fatalf("draft ledger %+v, %v", draft, err)
		}
		if n := len(ledgerEvents(t, db, e.body.ID)); n != 0 {
			t.Fatalf("%d ledger events before publication", n)
		}

		clock.add(time.Hour)
		published := clock.t
		e.publish(t)
		clock.add(time.Hour)
		e.upload(t, report, pdftest.Valid(14)) // after publication: both versions count
		for _, who := range []string{"chair", "topsecret"} {
			if _, err := e.svc.HandOut(e.as("sec"), paper.ID, ecabinet.PaperCopyInput{HolderID: e.people[who].ID}); err != nil {
				t.Fatal(err)
			}
		}
		copies, _ := e.svc.Copies(e.as("sec"), paper.ID)
		if _, err := e.svc.ReturnCopy(e.as("sec"), paper.ID, copies[0].ID); err != nil {
			t.Fatal(err)
		}
		// The same numbered copy handed out again is no new paper.
		if _, err := e.svc.HandOut(e.as("sec"), paper.ID, ecabinet.PaperCopyInput{HolderID: e.people["secret"].ID, CopyNo: 1}); err == nil {
			t.Fatal("a secret-cleared member received a top secret copy")
		}
		if _, err := e.svc.HandOut(e.as("sec"), paper.ID, ecabinet.PaperCopyInput{HolderID: e.people["chair"].ID, CopyNo: 1}); err != nil {
			t.Fatal(err)
		}

		got, err := ledger.MeetingLedger(e.as("sec"), e.meeting.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := ecabinet.PaperFigures{PagesAvoided: 567, SheetsAvoided: 289, CostAvoidedVND: 850_500, WeightAvoidedMg: 1_445_000,
			PagesPrinted: 42, SheetsPrinted: 22, CostPrintedVND: 63_000, WeightPrintedMg: 110_000, ElectronicSharePc: 93.1}
		if got.Paper != want || got.Period != "2026-12" || got.PublishedAt == nil || !got.PublishedAt.Equal(published) {
			t.Fatalf("ledger %+v (period %s, published %v)\nwant %+v", got.Paper, got.Period, got.PublishedAt, want)
		}
		reasons := []string{ecabinet.ReasonReplacedBeforePub, ecabinet.ReasonDistributed, ecabinet.ReasonDistributed,
			ecabinet.ReasonDistributed, ecabinet.ReasonPaperCopies}
		if len(got.Lines) != len(reasons) {
			t.Fatalf("lines %+v", got.Lines)
		}
		for i, r := range reasons {
			if got.Lines[i].Reason != r {
				t.Errorf("line %d: %s, want %s", i, got.Lines[i].Reason, r)
			}
		}
		if l := got.Lines[1]; l.Recipients != 6 || l.Reserve != 5 || l.Copies != 11 || l.Version != 2 || l.DistributedAt == nil || !l.DistributedAt.Equal(published) {
			t.Errorf("version 2 line %+v", l)
		}
		if l := got.Lines[3]; l.Recipients != 4 || l.Title != "Đề án mật" {
			t.Errorf("confidential line %+v", l)
		}
		if got.Settings.ReserveCopies != 5 || !got.Settings.Duplex || got.Settings.CostPerPageVND != 1500 {
			t.Errorf("settings %+v", got.Settings)
		}

		// A confidential secretary gets no line about the top secret
		// placeholder and, this day, figures without its copies, made
		// today: what they read does not move when it does.
		low, err := ledger.MeetingLedger(e.as("sec2"), e.meeting.ID)
		withoutCopies := want
		withoutCopies.PagesPrinted, withoutCopies.SheetsPrinted, withoutCopies.CostPrintedVND, withoutCopies.WeightPrintedMg = 0, 0, 0, 0
		withoutCopies.ElectronicSharePc = 100
		if err != nil || low.Paper != withoutCopies || len(low.Lines) != 4 {
			t.Fatalf("a confidential reader today: %+v %v", low, err)
		}
		for _, l := range low.Lines {
			if l.Classification == ecabinet.ClassTopSecret {
				t.Fatalf("a confidential reader's line %+v", l)
			}
		}
		// From the next day on, the same figures as everyone's.
		clock.t = time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC) // midnight in Hanoi
		if low, err = ledger.MeetingLedger(e.as("sec2"), e.meeting.ID); err != nil || low.Paper != want || len(low.Lines) != 4 {
			t.Fatalf("a confidential reader the next day: %+v %v", low, err)
		}
		if _, err := ledger.MeetingLedger(e.as("chair"), e.meeting.ID); err != nil {
			t.Fatalf("the chair: %v", err)
		}
		_, err = ledger.MeetingLedger(e.as("plain"), e.meeting.ID)
		wantCode(t, err, ecabinet.EFORBIDDEN)

		// Every change that moved a figure told the dashboards, with no
		// figure, and those about the top secret placeholder only the
		// readers cleared for it.
		events := ledgerEvents(t, db, e.body.ID)
		if len(events) != 4 { // publication, upload, two new copies
			t.Fatalf("%d ledger events: %+v", len(events), events)
		}
		for i, want := range []ecabinet.Classification{ecabinet.ClassNone, ecabinet.ClassNone, ecabinet.ClassTopSecret, ecabinet.ClassTopSecret} {
			if ev := events[i]; ev.Kind != ecabinet.LedgerMeeting || ev.ID != e.meeting.ID || ev.Period != "2026-12" || ev.MinClearance != want {
				t.Fatalf("ledger event %d: %+v, want for %s", i, ev, want)
			}
		}
	})
}

// A ballot counts its form for each recipient twice, once opened; the
// report sums sessions and ballots per month, with every line on request.
func TestBallotLedgerAndReport(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		clock := setClock(db, time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC)) // 23:30 on 30 November in Hanoi
		f := newFixture(t, db)
		ballots := store.NewBallotService(db, store.NewNotifier(db, false))
		ledger := store.NewLedgerService(db)
		sec := f.as(ecabinet.RoleSecretary)
		b, err := ballots.CreateBallot(sec, ecabinet.BallotInput{Title: "Xin ý kiến về dự thảo Nghị định", Deadline: clock.t.Add(72 * time.Hour),
			Questions: []string{"Đồng ý thông qua?"}})
		if err != nil {
			t.Fatal(err)
		}
		draft, err := ledger.BallotLedger(sec, b.ID)
		if err != nil || draft.Paper.PagesAvoided != 0 || len(draft.Lines) != 1 || draft.Lines[0].Counted || draft.Lines[0].Reason != ecabinet.ReasonNotPublished {
			t.Fatalf("draft ballot ledger %+v %v", draft, err)
		}
		_, err = ledger.BallotLedger(f.as(ecabinet.RoleChair), b.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		clock.add(time.Hour) // 00:30 on 1 December in Hanoi
		if _, err := ballots.OpenBallot(sec, b.ID); err != nil {
			t.Fatal(err)
		}
		got, err := ledger.BallotLedger(f.as(ecabinet.RoleChair), b.ID)
		// 2 voting members (chair and member) × 2 pages × 2 = 8 pages on 4 sheets.
		if err != nil || got.Paper.PagesAvoided != 8 || got.Paper.SheetsAvoided != 4 || got.Period != "2026-12" || got.Lines[0].Recipients != 2 {
			t.Fatalf("ballot ledger %+v %v", got, err)
		}
		if ev := ledgerEvents(t, db, f.body.ID); len(ev) != 1 || ev[0].Kind != ecabinet.LedgerBallot || ev[0].Period != "2026-12" {
			t.Fatalf("ballot ledger events %+v", ev)
		}

		// A published session in December and a draft one (not counted).
		meetings := store.NewMeetingService(db)
		m, err := meetings.CreateMeeting(sec, meetingInput())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := meetings.CreateMeeting(sec, meetingInput()); err != nil {
			t.Fatal(err)
		}
		if _, err := meetings.Transition(sec, m.ID, ecabinet.ActionPublish, nil); err != nil {
			t.Fatal(err)
		}
		rep, err := ledger.LedgerReport(sec, ecabinet.LedgerFilter{Group: ecabinet.GroupMonth, Explain: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total.Meetings != 1 || rep.Total.Ballots != 1 || rep.Total.Paper.PagesAvoided != 8 || len(rep.Periods) != 1 ||
			rep.Periods[0].Period != "2026-12" || len(rep.Sources) != 2 || rep.TargetPc != 30 {
			t.Fatalf("report %+v", rep)
		}
		to := time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC) // the end of November in Hanoi
		rep, err = ledger.LedgerReport(sec, ecabinet.LedgerFilter{To: &to})
		if err != nil || rep.Total.Ballots != 0 || rep.Total.Meetings != 0 || len(rep.Sources) != 0 {
			t.Fatalf("November: %+v %v", rep, err)
		}
		_, err = ledger.LedgerReport(sec, ecabinet.LedgerFilter{Group: "week"})
		wantCode(t, err, ecabinet.EINVALID)
		_, err = ledger.LedgerReport(f.as(ecabinet.RoleMember), ecabinet.LedgerFilter{})
		wantCode(t, err, ecabinet.EFORBIDDEN)

		// A change of settings changes every figure: the dashboards hear of it.
		s := f.body.Settings
		s.BallotPages = 3
		if _, err := store.NewBodyService(db).UpdateBodySettings(f.as(ecabinet.RoleAdmin), f.body.ID, s); err != nil {
			t.Fatal(err)
		}
		if ev := ledgerEvents(t, db, f.body.ID); ev[len(ev)-1].Kind != ecabinet.LedgerBody {
			t.Fatalf("settings change: %+v", ev)
		}
		if got, _ := ledger.BallotLedger(sec, b.ID); got.Paper.PagesAvoided != 12 || got.Settings.BallotPages != 3 {
			t.Fatalf("after the settings change: %+v", got)
		}

		// So does a change of clearance (electronic copies of classified
		// documents count the invitees cleared for them); a new title does not.
		members, mem := store.NewMemberService(db), f.members[ecabinet.RoleMember]
		in := ecabinet.MemberInput{Username: mem.Username, FullName: mem.FullName, Title: "Bộ trưởng", Role: ecabinet.RoleMember,
			Clearance: ecabinet.ClassNone, Voting: true, Active: true}
		before := len(ledgerEvents(t, db, f.body.ID))
		if _, err := members.UpdateMember(f.as(ecabinet.RoleAdmin), mem.ID, in); err != nil {
			t.Fatal(err)
		}
		if n := len(ledgerEvents(t, db, f.body.ID)); n != before {
			t.Fatalf("a new title: %d ledger events, want %d", n, before)
		}
		in.Clearance = ecabinet.ClassSecret
		if _, err := members.UpdateMember(f.as(ecabinet.RoleAdmin), mem.ID, in); err != nil {
			t.Fatal(err)
		}
		if ev := ledgerEvents(t, db, f.body.ID); len(ev) != before+1 || ev[len(ev)-1].Kind != ecabinet.LedgerBody {
			t.Fatalf("a clearance change: %+v", ev)
		}
	})
}

// The time ledger: planned against actual minutes per item, with the
// clock moved by the test.
func TestTimeLedger(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		clock := setClock(db, time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC))
		f := newFixture(t, db)
		svc, ledger := store.NewMeetingService(db), store.NewLedgerService(db)
		sec, chair := f.as(ecabinet.RoleSecretary), f.as(ecabinet.RoleChair)
		m, err := svc.CreateMeeting(sec, meetingInput())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range []ecabinet.AgendaItemInput{item("Kinh tế - xã hội", 60), item("Luật Đất đai", 45), item("Hoãn lại", 30)} {
			if _, err := svc.AddItem(sec, m.ID, it); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.Transition(sec, m.ID, ecabinet.ActionPublish, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.CheckIn(chair, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.CheckIn(f.as(ecabinet.RoleMember), m.ID); err != nil {
			t.Fatal(err)
		}
		clock.add(55 * time.Minute)
		if _, err := svc.Transition(chair, m.ID, ecabinet.ActionStart, nil); err != nil {
			t.Fatal(err)
		}
		ag, _ := svc.Agenda(sec, m.ID)
		if _, err := svc.DeferItem(chair, m.ID, ag[2].ID); err != nil {
			t.Fatal(err)
		}
		clock.add(42 * time.Minute)
		if _, err := svc.NextItem(chair, m.ID); err != nil {
			t.Fatal(err)
		}
		live, err := ledger.MeetingLedger(sec, m.ID)
		if err != nil || live.Time.Closed || live.Time.Totals.Items != 1 || *live.Time.Items[0].ActualMinutes != 42 {
			t.Fatalf("while live: %+v %v", live.Time, err)
		}
		clock.add(38*time.Minute + 30*time.Second)
		if _, err := svc.Transition(chair, m.ID, ecabinet.ActionClose, nil); err != nil {
			t.Fatal(err)
		}
		got, err := ledger.MeetingLedger(sec, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := ecabinet.TimeFigures{Sessions: 1, Items: 2, PlannedMinutes: 105, ActualMinutes: 80.5, SavingMinutes: 24.5, SavingPc: 23.3,
			TargetPc: 30, ProgressPc: 77.8}
		if got.Time.Totals != want || !got.Time.Closed || *got.Time.SessionMinutes != 80.5 || got.Time.Items[2].Counted {
			t.Fatalf("time %+v (session %v)", got.Time.Totals, *got.Time.SessionMinutes)
		}
		rep, err := ledger.LedgerReport(chair, ecabinet.LedgerFilter{Group: ecabinet.GroupYear})
		if err != nil || rep.Periods[0].Period != "2026" || rep.Total.Time != want {
			t.Fatalf("year report %+v %v", rep, err)
		}
		ev := ledgerEvents(t, db, f.body.ID)
		if last := ev[len(ev)-1]; last.Kind != ecabinet.LedgerMeeting || last.ID != m.ID || last.MinClearance != ecabinet.ClassNone {
			t.Fatalf("close event %+v", last)
		}
	})
}
