package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// positionsFixture is a session on 3 December 2026 at 08:00 UTC (15:00 in
// Hanoi), with the chair, the member and the guest invited and four items
// open for positions; the clock stands on 1 December.
type positionsFixture struct {
	*fixture
	db                 *store.DB
	meetings           *store.MeetingService
	positions          *store.PositionService
	meeting            *ecabinet.Meeting
	a, b, c, d         int64 // items: 30, 20, 10 and 15 planned minutes
	clock              time.Time
	outsider           context.Context // a voting member of the body, not invited
	sec, chair, member context.Context
}

func newPositionsFixture(t *testing.T, db *store.DB) *positionsFixture {
	t.Helper()
	f := &positionsFixture{fixture: newFixture(t, db), db: db, clock: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	db.Now = func() time.Time { return f.clock }
	notifier := store.NewNotifier(db, false)
	f.meetings = store.NewMeetingService(db).Notifying(notifier)
	f.positions = store.NewPositionService(db, notifier)
	f.sec, f.chair, f.member = f.as(ecabinet.RoleSecretary), f.as(ecabinet.RoleChair), f.as(ecabinet.RoleMember)
	out, err := db.CreateMember(context.Background(), hasher, f.body.ID, ecabinet.MemberInput{Username: "outsider-" + f.body.Slug, Password: "correct horse battery",
		FullName: "Người ngoài", Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone, Voting: true, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	f.outsider = ecabinet.NewContextWithActor(context.Background(), ecabinet.Actor{MemberID: out.ID, BodyID: f.body.ID, Role: ecabinet.RoleMember, Voting: true})
	in := meetingInput()
	in.Invitees = []int64{f.members[ecabinet.RoleChair].ID, f.members[ecabinet.RoleMember].ID, f.members[ecabinet.RoleGuest].ID}
	if f.meeting, err = f.meetings.CreateMeeting(f.sec, in); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, it := range []ecabinet.AgendaItemInput{item("A. Báo cáo kinh tế - xã hội", 30), item("B. Dự án Luật Thuế", 20), item("C. Đề án chuyển đổi số", 10), item("D. Nghị định về họp không giấy", 15)} {
		items, err := f.meetings.AddItem(f.sec, f.meeting.ID, it)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, items[len(items)-1].ID)
	}
	f.a, f.b, f.c, f.d = ids[0], ids[1], ids[2], ids[3]
	return f
}

func (f *positionsFixture) give(t *testing.T, ctx context.Context, item int64, stance ecabinet.Stance, reason string) {
	t.Helper()
	if _, err := f.positions.GivePosition(ctx, f.meeting.ID, item, ecabinet.PositionInput{Stance: stance, Reason: reason}); err != nil {
		t.Fatalf("position on %d: %v", item, err)
	}
}

func order(items []*ecabinet.AgendaItem) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(it.Title[:1])
		if it.Consent != "" {
			b.WriteString("(" + string(it.Consent) + ")")
		}
		b.WriteString(" ")
	}
	return strings.TrimSpace(b.String())
}

// TestPositionsAndConsentBlock walks positions before a session through the
// cut-off, the consent block taken in one decision with an item pulled out,
// the time ledger and the minutes drafted when the session closes.
func TestPositionsAndConsentBlock(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		f := newPositionsFixture(t, db)
		id := f.meeting.ID
		_, err := f.positions.AskPositions(f.member, id, ecabinet.PositionsSettings{Items: []int64{f.a}})
		wantCode(t, err, ecabinet.EFORBIDDEN)
		_, err = f.positions.AskPositions(f.sec, id, ecabinet.PositionsSettings{Items: []int64{f.a, 999999}})
		wantCode(t, err, ecabinet.EINVALID)
		late := f.meeting.ScheduledStart.Add(time.Hour)
		_, err = f.positions.AskPositions(f.sec, id, ecabinet.PositionsSettings{Items: []int64{f.a}, Cutoff: &late})
		if e := ecabinet.AsError(err); e.Field != "cutoff" {
			t.Fatalf("a cut-off after the start: %v", err)
		}
		v, err := f.positions.AskPositions(f.sec, id, ecabinet.PositionsSettings{Items: []int64{f.a, f.b, f.c, f.d}})
		if err != nil {
			t.Fatal(err)
		}
		// The default cut-off is the evening before, 18:00 in Hanoi (11:00 UTC).
		if want := time.Date(2026, 12, 2, 11, 0, 0, 0, time.UTC); !v.Cutoff.Equal(want) || len(v.Items) != 4 {
			t.Fatalf("cut-off %v (want %v), %d items", v.Cutoff, want, len(v.Items))
		}
		// Not yet published: members give no position.
		_, err = f.positions.GivePosition(f.member, id, f.a, ecabinet.PositionInput{Stance: ecabinet.StanceNoObjection})
		wantCode(t, err, ecabinet.ENOTFOUND)
		if _, err := f.meetings.Transition(f.sec, id, ecabinet.ActionPublish, nil); err != nil {
			t.Fatal(err)
		}

		// Bad input writes nothing.
		_, err = f.positions.GivePosition(f.member, id, f.a, ecabinet.PositionInput{Stance: ecabinet.StanceObject, Reason: "  "})
		if e := ecabinet.AsError(err); e.Code != ecabinet.EINVALID || e.Field != "reason" {
			t.Fatalf("an objection without a reason: %v", err)
		}
		_, err = f.positions.GivePosition(f.as(ecabinet.RoleGuest), id, f.a, ecabinet.PositionInput{Stance: ecabinet.StanceNoObjection})
		wantCode(t, err, ecabinet.EFORBIDDEN) // invited, without a voting right
		_, err = f.positions.GivePosition(f.outsider, id, f.a, ecabinet.PositionInput{Stance: ecabinet.StanceNoObjection})
		wantCode(t, err, ecabinet.EFORBIDDEN) // voting, not invited
		if v, _ := f.positions.Positions(f.sec, id); v.Items[0].Counts != (ecabinet.StanceCounts{}) || len(v.Items[0].Missing) != 2 {
			t.Fatalf("refused positions were written: %+v", v.Items[0])
		}

		// The secretariat reminds the two voting invitees who have given none.
		if n, err := f.positions.RemindPositions(f.sec, id); err != nil || n != 2 {
			t.Fatalf("reminded %d, %v", n, err)
		}
		notes, err := store.NewNotifier(db, false).Notifications(f.member)
		// Newest first: the reminder, then what publishing sent (the
		// invitation, and the positions asked on its open items).
		if err != nil || len(notes) != 3 || notes[0].Kind != ecabinet.EventPositionReminder || notes[1].Kind != ecabinet.EventPositionsAsked ||
			notes[2].Kind != ecabinet.EventMeetingPublished {
			t.Fatalf("member's notifications: %+v %v", notes, err)
		}

		// A and D draw no objection; B an objection (changed from no
		// objection); the member wishes to speak on C.
		f.give(t, f.member, f.a, ecabinet.StanceNoObjection, "")
		f.give(t, f.member, f.b, ecabinet.StanceNoObjection, "")
		f.give(t, f.member, f.c, ecabinet.StanceSpeak, "")
		f.give(t, f.member, f.d, ecabinet.StanceNoObjection, "")
		f.give(t, f.chair, f.a, ecabinet.StanceNoObjection, "")
		f.give(t, f.chair, f.b, ecabinet.StanceNoObjection, "")
		f.give(t, f.chair, f.b, ecabinet.StanceObject, "Chưa đánh giá tác động đến thu ngân sách.")

		mine, err := f.positions.Positions(f.member, id)
		if err != nil {
			t.Fatal(err)
		}
		b := mine.Items[1]
		if b.Counts != (ecabinet.StanceCounts{NoObjection: 1, Object: 1}) || b.Positions != nil || b.Missing != nil || b.Mine == nil || b.Mine.Stance != ecabinet.StanceNoObjection {
			t.Fatalf("a member sees counts and their own position only: %+v", b)
		}
		named, _ := f.positions.Positions(f.chair, id)
		chairID := f.members[ecabinet.RoleChair].ID
		if nb := named.Items[1]; len(nb.Positions) != 2 || nb.Positions[0].MemberID != chairID || nb.Positions[0].Reason != "Chưa đánh giá tác động đến thu ngân sách." {
			t.Fatalf("the chair sees names: %+v", nb)
		}
		if nc := named.Items[2]; len(nc.Missing) != 1 || nc.Missing[0] != f.members[ecabinet.RoleChair].ID {
			t.Fatalf("who has not given a position on C: %+v", nc.Missing)
		}

		// After the cut-off a position is refused and the old one kept.
		f.clock = time.Date(2026, 12, 2, 11, 0, 0, 0, time.UTC)
		_, err = f.positions.GivePosition(f.member, id, f.a, ecabinet.PositionInput{Stance: ecabinet.StanceSpeak})
		wantCode(t, err, ecabinet.EDEADLINE)
		if n, err := f.positions.CloseDuePositions(context.Background()); err != nil || n != 1 {
			t.Fatalf("CloseDuePositions = %d, %v", n, err)
		}
		if n, _ := f.positions.CloseDuePositions(context.Background()); n != 0 {
			t.Fatalf("the cut-off applied twice")
		}
		items, _ := f.meetings.Agenda(f.sec, id)
		if got := order(items); got != "A(block) D(block) B C" {
			t.Fatalf("agenda after the cut-off: %s", got)
		}
		speakers, _ := f.meetings.Speakers(f.sec, id, f.c)
		if len(speakers) != 1 || speakers[0].MemberID != f.members[ecabinet.RoleMember].ID || speakers[0].Status != ecabinet.SpeakerWaiting {
			t.Fatalf("queue on C: %+v", speakers)
		}
		_, err = f.positions.ClosePositions(f.sec, id)
		wantCode(t, err, ecabinet.ECONFLICT)

		// The member pulls D out of the block; the guest may not.
		_, err = f.positions.PullItem(f.as(ecabinet.RoleGuest), id, f.d)
		wantCode(t, err, ecabinet.EFORBIDDEN)
		_, err = f.positions.PullItem(f.member, id, f.b)
		wantCode(t, err, ecabinet.ECONFLICT)
		if items, err = f.positions.PullItem(f.member, id, f.d); err != nil || order(items) != "A(block) D(pulled) B C" {
			t.Fatalf("pulled: %s %v", order(items), err)
		}

		// In session: the block is taken first, in one decision, by the chair.
		f.clock = time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
		for _, ctx := range []context.Context{f.chair, f.member} {
			if _, _, err := f.meetings.CheckIn(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		_, err = f.positions.TakeConsent(f.chair, id, ecabinet.TakeConsentInput{})
		wantCode(t, err, ecabinet.ECONFLICT) // not live yet
		if _, err := f.meetings.Transition(f.chair, id, ecabinet.ActionStart, nil); err != nil {
			t.Fatal(err)
		}
		items, _ = f.meetings.Agenda(f.sec, id)
		if items[0].Status != ecabinet.ItemPending || items[1].Status != ecabinet.ItemActive {
			t.Fatalf("the session opens on the first item to discuss: %+v %+v", items[0], items[1])
		}
		_, err = f.positions.TakeConsent(f.member, id, ecabinet.TakeConsentInput{})
		wantCode(t, err, ecabinet.EFORBIDDEN)
		vid := int64(1)
		_, err = f.positions.TakeConsent(f.chair, id, ecabinet.TakeConsentInput{VoteID: &vid})
		if e := ecabinet.AsError(err); e.Field != "vote_id" {
			t.Fatalf("a vote where the body takes no vote: %v", err)
		}
		if items, err = f.positions.TakeConsent(f.chair, id, ecabinet.TakeConsentInput{}); err != nil || order(items) != "A(decided) D(pulled) B C" || items[0].Status != ecabinet.ItemDone {
			t.Fatalf("taken: %s %v", order(items), err)
		}
		_, err = f.positions.TakeConsent(f.chair, id, ecabinet.TakeConsentInput{})
		wantCode(t, err, ecabinet.ECONFLICT)
		_, err = f.positions.PullItem(f.member, id, f.a)
		if e := ecabinet.AsError(err); e.Code != ecabinet.ECONFLICT || e.Key != "consent.taken" {
			t.Fatalf("pulling from a block taken: %v", err)
		}

		// D is discussed for 12 minutes, then B for 25, C for 5.
		for _, step := range []struct {
			minutes int
			next    bool
		}{{12, true}, {25, true}, {5, false}} {
			f.clock = f.clock.Add(time.Duration(step.minutes) * time.Minute)
			if step.next {
				if _, err := f.meetings.NextItem(f.chair, id); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := f.meetings.Transition(f.chair, id, ecabinet.ActionClose, nil); err != nil {
			t.Fatal(err)
		}
		led, err := store.NewLedgerService(db).MeetingLedger(f.sec, id)
		if err != nil {
			t.Fatal(err)
		}
		tot := led.Time.Totals
		if tot.ConsentItems != 1 || tot.ConsentSavedMinutes != 30 || tot.Items != 3 || tot.PlannedMinutes != 45 || tot.ActualMinutes != 42 || tot.ConsentSavingPc != 40 {
			t.Fatalf("time ledger: %+v", tot)
		}

		// The minutes are drafted from the record; invitees see them once published.
		minutes := store.NewMinutesService(db)
		_, err = minutes.Minutes(f.member, id)
		wantCode(t, err, ecabinet.ENOTFOUND)
		draft, err := minutes.Minutes(f.sec, id)
		if err != nil || draft.Version != 1 || draft.Status != ecabinet.MinutesDraft {
			t.Fatalf("draft: %+v %v", draft, err)
		}
		for _, want := range []string{"III. CÁC NỘI DUNG THÔNG QUA KHÔNG THẢO LUẬN", "- 1. A. Báo cáo kinh tế - xã hội (dự kiến 30 phút).",
			"Chưa đánh giá tác động đến thu ngân sách.", "Nội dung được rút khỏi nhóm", "Khai mạc lúc 15:00 03/12/2026: 2 thành viên có mặt, cần 2"} {
			if !strings.Contains(draft.Text, want) {
				t.Fatalf("the draft lacks %q:\n%s", want, draft.Text)
			}
		}
		_, err = minutes.SaveMinutes(f.sec, id, ecabinet.MinutesInput{Text: " "})
		wantCode(t, err, ecabinet.EINVALID)
		if _, err := minutes.SaveMinutes(f.sec, id, ecabinet.MinutesInput{Text: draft.Text + "\nThư ký đã soát lại."}); err != nil {
			t.Fatal(err)
		}
		_, err = minutes.PublishMinutes(f.member, id)
		wantCode(t, err, ecabinet.EFORBIDDEN)
		pub, err := minutes.PublishMinutes(f.sec, id)
		if err != nil || pub.Status != ecabinet.MinutesPublished {
			t.Fatalf("publish: %+v %v", pub, err)
		}
		_, err = minutes.PublishMinutes(f.sec, id)
		wantCode(t, err, ecabinet.ECONFLICT)
		// A correction is a new version; the published one stays what invitees read.
		corr, err := minutes.SaveMinutes(f.sec, id, ecabinet.MinutesInput{Text: "Đính chính."})
		if err != nil || corr.Version != 2 || corr.Status != ecabinet.MinutesDraft {
			t.Fatalf("correction: %+v %v", corr, err)
		}
		seen, err := minutes.Minutes(f.member, id)
		if err != nil || seen.Version != 1 || !strings.HasSuffix(seen.Text, "Thư ký đã soát lại.") {
			t.Fatalf("the member reads %+v %v", seen, err)
		}
		if all, _ := minutes.MinutesVersions(f.sec, id); len(all) != 2 || all[0].Version != 2 {
			t.Fatalf("versions: %d", len(all))
		}
		if all, _ := minutes.MinutesVersions(f.member, id); len(all) != 1 {
			t.Fatalf("the member's versions: %d", len(all))
		}
	})
}

// TestConsentByVote: a body that takes the block by vote names the adopted vote.
func TestConsentByVote(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		f := newPositionsFixture(t, db)
		s := f.body.Settings
		s.ConsentByVote = true
		if _, err := store.NewBodyService(db).UpdateBodySettings(f.as(ecabinet.RoleAdmin), f.body.ID, s); err != nil {
			t.Fatal(err)
		}
		id := f.meeting.ID
		if _, err := f.positions.AskPositions(f.sec, id, ecabinet.PositionsSettings{Items: []int64{f.a}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.meetings.Transition(f.sec, id, ecabinet.ActionPublish, nil); err != nil {
			t.Fatal(err)
		}
		f.give(t, f.member, f.a, ecabinet.StanceNoObjection, "")
		if _, err := f.positions.ClosePositions(f.sec, id); err != nil {
			t.Fatal(err)
		}
		for _, ctx := range []context.Context{f.chair, f.member} {
			if _, _, err := f.meetings.CheckIn(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.meetings.Transition(f.chair, id, ecabinet.ActionStart, nil); err != nil {
			t.Fatal(err)
		}
		_, err := f.positions.TakeConsent(f.chair, id, ecabinet.TakeConsentInput{})
		if e := ecabinet.AsError(err); e.Field != "vote_id" || e.Code != ecabinet.EINVALID {
			t.Fatalf("without the vote: %v", err)
		}
		votes := store.NewVoteService(db)
		v, err := votes.OpenVote(f.chair, id, ecabinet.VoteInput{ItemID: f.a, Question: "Thông qua các nội dung không thảo luận?"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.positions.TakeConsent(f.chair, id, ecabinet.TakeConsentInput{VoteID: &v.ID})
		wantCode(t, err, ecabinet.EINVALID) // still open
		for _, ctx := range []context.Context{f.chair, f.member} {
			if _, err := votes.CastVote(ctx, v.ID, "agree", ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := votes.CloseVote(f.chair, v.ID); err != nil {
			t.Fatal(err)
		}
		items, err := f.positions.TakeConsent(f.chair, id, ecabinet.TakeConsentInput{VoteID: &v.ID})
		if err != nil || items[0].Consent != ecabinet.ConsentDecided {
			t.Fatalf("taken by vote: %v", err)
		}
		m, _ := f.meetings.FindMeeting(f.sec, id)
		if m.ConsentVoteID == nil || *m.ConsentVoteID != v.ID || m.ConsentTakenAt == nil {
			t.Fatalf("meeting: %+v", m)
		}
	})
}

// TestMeetingWithoutRemoteSites: a session created without remote sites
// lists none (an empty list, not null: the app reads its length).
func TestMeetingWithoutRemoteSites(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		in := meetingInput()
		in.RemoteSites = nil
		m, err := store.NewMeetingService(db).CreateMeeting(f.as(ecabinet.RoleSecretary), in)
		if err != nil || m.RemoteSites == nil {
			t.Fatalf("remote sites %#v, %v", m.RemoteSites, err)
		}
		list, err := store.NewMeetingService(db).ListMeetings(f.as(ecabinet.RoleSecretary), ecabinet.MeetingFilter{})
		if err != nil || len(list) != 1 || list[0].RemoteSites == nil {
			t.Fatalf("listed %+v, %v", list, err)
		}
	})
}
