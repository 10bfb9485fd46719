package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

func meetingInput() ecabinet.MeetingInput {
	start := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	return ecabinet.MeetingInput{Kind: ecabinet.KindRegular, Title: "Phiên họp Chính phủ thường kỳ tháng 12",
		ScheduledStart: start, ScheduledEnd: start.Add(4 * time.Hour), Place: "Trụ sở Chính phủ", RemoteSites: []string{" Điểm cầu Hà Nội "}}
}

func item(title string, minutes int) ecabinet.AgendaItemInput {
	return ecabinet.AgendaItemInput{Title: title, PresenterOrg: "Bộ Tài chính", PlannedMinutes: minutes}
}

func TestMeetingLifecycle(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc := store.NewMeetingService(db)
		sec, chair, member, guest := f.as(ecabinet.RoleSecretary), f.as(ecabinet.RoleChair), f.as(ecabinet.RoleMember), f.as(ecabinet.RoleGuest)

		_, err := svc.CreateMeeting(member, meetingInput())
		wantCode(t, err, ecabinet.EFORBIDDEN)
		bad := meetingInput()
		bad.ScheduledEnd = bad.ScheduledStart
		_, err = svc.CreateMeeting(sec, bad)
		wantCode(t, err, ecabinet.EINVALID)

		m, err := svc.CreateMeeting(sec, meetingInput())
		if err != nil {
			t.Fatal(err)
		}
		// By default every voting member is invited: the chair and the member.
		if m.Status != ecabinet.MeetingDraft || len(m.Invitees) != 2 || m.RemoteSites[0] != "Điểm cầu Hà Nội" {
			t.Fatalf("created %+v", m)
		}
		// A draft exists only for the secretariat.
		_, err = svc.FindMeeting(member, m.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		if list, _ := svc.ListMeetings(member, ecabinet.MeetingFilter{}); len(list) != 0 {
			t.Fatalf("member lists %d drafts", len(list))
		}
		_, err = svc.Transition(chair, m.ID, ecabinet.ActionPublish, nil)
		wantCode(t, err, ecabinet.EFORBIDDEN)
		if m, err = svc.Transition(sec, m.ID, ecabinet.ActionPublish, nil); err != nil || m.Status != ecabinet.MeetingPublished {
			t.Fatalf("publish: %+v %v", m, err)
		}
		if got, err := svc.FindMeeting(member, m.ID); err != nil || got.ID != m.ID {
			t.Fatalf("invitee after publish: %v", err)
		}
		// Not invited: the session does not exist for the guest, nor for another body.
		_, err = svc.FindMeeting(guest, m.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		other := newFixture(t, db)
		_, err = svc.FindMeeting(other.as(ecabinet.RoleSecretary), m.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)

		_, err = svc.Transition(chair, m.ID, ecabinet.ActionStart, nil)
		wantCode(t, err, ecabinet.ECONFLICT) // empty agenda
		for i, it := range []ecabinet.AgendaItemInput{item("Báo cáo tình hình kinh tế - xã hội", 40), item("Dự án Luật Thuế", 30), item("Các vấn đề khác", 20)} {
			if _, err := svc.AddItem(sec, m.ID, it); err != nil {
				t.Fatalf("item %d: %v", i, err)
			}
		}
		// No one is present: no quorum. The secretariat cannot override; the chair can, with a reason.
		_, err = svc.Transition(chair, m.ID, ecabinet.ActionStart, nil)
		if e := ecabinet.AsError(err); e.Code != ecabinet.ECONFLICT || e.Key != "meeting.no_quorum" {
			t.Fatalf("start without quorum: %v", err)
		}
		_, err = svc.Transition(sec, m.ID, ecabinet.ActionStart, &ecabinet.OverrideInput{Reason: "Khẩn"})
		wantCode(t, err, ecabinet.EFORBIDDEN)
		_, err = svc.Transition(chair, m.ID, ecabinet.ActionStart, &ecabinet.OverrideInput{Reason: "  "})
		wantCode(t, err, ecabinet.EINVALID)
		m, err = svc.Transition(chair, m.ID, ecabinet.ActionStart, &ecabinet.OverrideInput{Reason: "Nội dung khẩn cấp"})
		if err != nil || m.Status != ecabinet.MeetingLive || m.StartedAt == nil || m.QuorumOverride == nil ||
			m.QuorumOverride.By != f.members[ecabinet.RoleChair].ID || m.QuorumOverride.Quorum.Present != 0 || m.QuorumOverride.Reason != "Nội dung khẩn cấp" {
			t.Fatalf("start with override: %+v %v", m, err)
		}
		ag, _ := svc.Agenda(member, m.ID)
		if ag[0].Status != ecabinet.ItemActive || ag[0].StartedAt == nil || ag[1].Status != ecabinet.ItemPending {
			t.Fatalf("first item not active at start: %+v", ag[0])
		}

		// Running the agenda: chair moves on; a member cannot.
		_, err = svc.NextItem(member, m.ID)
		wantCode(t, err, ecabinet.EFORBIDDEN)
		if ag, err = svc.DeferItem(chair, m.ID, ag[1].ID); err != nil || ag[1].Status != ecabinet.ItemDeferred {
			t.Fatalf("defer: %v", err)
		}
		if ag, err = svc.NextItem(chair, m.ID); err != nil || ag[0].Status != ecabinet.ItemDone || ag[0].EndedAt == nil || ag[2].Status != ecabinet.ItemActive {
			t.Fatalf("next: %+v %v", ag, err)
		}
		_, err = svc.NextItem(sec, m.ID)
		wantCode(t, err, ecabinet.ECONFLICT) // only a deferred item is left
		if ag, err = svc.ActivateItem(sec, m.ID, ag[1].ID); err != nil || ag[1].Status != ecabinet.ItemActive || ag[2].Status != ecabinet.ItemDone {
			t.Fatalf("activate deferred: %+v %v", ag, err)
		}
		active := 0
		for _, it := range ag {
			if it.Status == ecabinet.ItemActive {
				active++
			}
		}
		if active != 1 {
			t.Fatalf("%d active items while live", active)
		}

		if m, err = svc.Transition(chair, m.ID, ecabinet.ActionAdjourn, nil); err != nil || m.Status != ecabinet.MeetingAdjourned {
			t.Fatalf("adjourn: %v", err)
		}
		_, err = svc.NextItem(chair, m.ID)
		wantCode(t, err, ecabinet.ECONFLICT)
		// Still nobody present: resuming needs quorum or the chair's override too.
		_, err = svc.Transition(chair, m.ID, ecabinet.ActionResume, nil)
		if e := ecabinet.AsError(err); e.Code != ecabinet.ECONFLICT || e.Key != "meeting.no_quorum" {
			t.Fatalf("resume without quorum: %v", err)
		}
		_, err = svc.Transition(sec, m.ID, ecabinet.ActionResume, &ecabinet.OverrideInput{Reason: "Khẩn"})
		wantCode(t, err, ecabinet.EFORBIDDEN)
		started := *m.StartedAt
		if m, err = svc.Transition(chair, m.ID, ecabinet.ActionResume, &ecabinet.OverrideInput{Reason: "Tiếp tục sau giờ nghỉ"}); err != nil ||
			m.Status != ecabinet.MeetingLive || m.QuorumOverride == nil || m.QuorumOverride.Reason != "Tiếp tục sau giờ nghỉ" || !m.StartedAt.Equal(started) {
			t.Fatalf("resume with override: %+v %v", m, err)
		}
		if m, err = svc.Transition(sec, m.ID, ecabinet.ActionClose, nil); err != nil || m.Status != ecabinet.MeetingClosed || m.EndedAt == nil {
			t.Fatalf("close: %v", err)
		}
		ag, _ = svc.Agenda(sec, m.ID)
		for _, it := range ag {
			if it.Status == ecabinet.ItemActive {
				t.Fatalf("an item is still active after close")
			}
		}
		// Closed is read-only.
		_, err = svc.UpdateMeeting(sec, m.ID, meetingInput())
		wantCode(t, err, ecabinet.ECONFLICT)
		_, err = svc.AddItem(sec, m.ID, item("Muộn", 5))
		wantCode(t, err, ecabinet.ECONFLICT)
		_, err = svc.Transition(sec, m.ID, ecabinet.ActionStart, nil)
		wantCode(t, err, ecabinet.ECONFLICT)
		_, _, err = svc.CheckIn(member, m.ID)
		wantCode(t, err, ecabinet.ECONFLICT)
	})
}

func TestAgendaEditing(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc := store.NewMeetingService(db)
		sec := f.as(ecabinet.RoleSecretary)
		m, _ := svc.CreateMeeting(sec, meetingInput())
		for _, title := range []string{"A", "B", "C"} {
			if _, err := svc.AddItem(sec, m.ID, item(title, 10)); err != nil {
				t.Fatal(err)
			}
		}
		ins := item("Chèn", 15)
		ins.Position = 2
		ag, err := svc.AddItem(sec, m.ID, ins)
		if err != nil || titles(ag) != "A,Chèn,B,C" {
			t.Fatalf("insert at 2: %s %v", titles(ag), err)
		}
		ag, err = svc.ReorderAgenda(sec, m.ID, []int64{ag[3].ID, ag[2].ID, ag[1].ID, ag[0].ID})
		if err != nil || titles(ag) != "C,B,Chèn,A" || ag[0].Position != 1 || ag[3].Position != 4 {
			t.Fatalf("reorder: %s %v", titles(ag), err)
		}
		_, err = svc.ReorderAgenda(sec, m.ID, []int64{ag[0].ID, ag[0].ID, ag[1].ID, ag[2].ID})
		wantCode(t, err, ecabinet.EINVALID)
		_, err = svc.ReorderAgenda(sec, m.ID, []int64{ag[0].ID})
		wantCode(t, err, ecabinet.EINVALID)
		upd := item("C sửa", 25)
		other := newFixture(t, db).members[ecabinet.RoleMember].ID
		upd.Presenter = &other
		_, err = svc.UpdateItem(sec, m.ID, ag[0].ID, upd)
		wantCode(t, err, ecabinet.EINVALID) // presenter of another body
		presenter := f.members[ecabinet.RoleMember].ID
		upd.Presenter = &presenter
		if ag, err = svc.UpdateItem(sec, m.ID, ag[0].ID, upd); err != nil || ag[0].Title != "C sửa" || ag[0].PlannedMinutes != 25 || *ag[0].Presenter != presenter {
			t.Fatalf("update: %+v %v", ag[0], err)
		}
		_, err = svc.UpdateItem(sec, m.ID, 999999, upd)
		wantCode(t, err, ecabinet.ENOTFOUND)
		_, err = svc.AddItem(sec, m.ID, ecabinet.AgendaItemInput{Title: "x", PlannedMinutes: 0})
		wantCode(t, err, ecabinet.EINVALID)
	})
}

func titles(items []*ecabinet.AgendaItem) string {
	s := ""
	for i, it := range items {
		if i > 0 {
			s += ","
		}
		s += it.Title
	}
	return s
}

func TestAttendanceAndQuorum(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc := store.NewMeetingService(db)
		sec, chair, member := f.as(ecabinet.RoleSecretary), f.as(ecabinet.RoleChair), f.as(ecabinet.RoleMember)
		in := meetingInput()
		in.Invitees = []int64{f.members[ecabinet.RoleChair].ID, f.members[ecabinet.RoleMember].ID, f.members[ecabinet.RoleGuest].ID}
		m, err := svc.CreateMeeting(sec, in)
		if err != nil {
			t.Fatal(err)
		}
		// Members check in only once the session is published.
		_, _, err = svc.CheckIn(member, m.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		_, _ = svc.Transition(sec, m.ID, ecabinet.ActionPublish, nil)

		a, q, err := svc.CheckIn(member, m.ID)
		if err != nil || a.Status != ecabinet.AttendancePresent || a.CheckedInAt == nil || q.Present != 1 || q.Total != 2 || q.Reached {
			t.Fatalf("check-in: %+v %+v %v", a, q, err)
		}
		// A guest's presence does not count: guests have no vote.
		if _, q, _ = svc.CheckIn(f.as(ecabinet.RoleGuest), m.ID); q.Present != 1 {
			t.Fatalf("guest counted for quorum: %+v", q)
		}
		memberID, chairID := f.members[ecabinet.RoleMember].ID, f.members[ecabinet.RoleChair].ID
		// A member records only their own presence or absence.
		_, _, err = svc.SetAttendance(member, m.ID, chairID, ecabinet.AttendanceInput{Status: ecabinet.AttendancePresent})
		wantCode(t, err, ecabinet.EFORBIDDEN)
		_, _, err = svc.SetAttendance(sec, m.ID, chairID, ecabinet.AttendanceInput{Status: ecabinet.AttendanceAbsent})
		wantCode(t, err, ecabinet.EINVALID) // absence needs a reason
		_, _, err = svc.SetAttendance(sec, m.ID, f.members[ecabinet.RoleAdmin].ID, ecabinet.AttendanceInput{Status: ecabinet.AttendancePresent})
		wantCode(t, err, ecabinet.EINVALID) // not invited
		// The chair consents to a deputy for the absent member: recorded, not counted.
		a, q, err = svc.SetAttendance(chair, m.ID, memberID, ecabinet.AttendanceInput{Status: ecabinet.AttendanceDeputy, DeputyName: "Nguyễn Thứ Trưởng", DeputyTitle: "Thứ trưởng", Reason: "Công tác nước ngoài"})
		if err != nil || a.Deputy == nil || a.Deputy.ApprovedBy != chairID || a.Deputy.FullName != "Nguyễn Thứ Trưởng" || q.Present != 0 {
			t.Fatalf("deputy: %+v %+v %v", a, q, err)
		}
		// When the body lets deputies vote, the deputy counts.
		s := f.body.Settings
		s.DeputyMayVote = true
		if _, err := store.NewBodyService(db).UpdateBodySettings(f.as(ecabinet.RoleAdmin), f.body.ID, s); err != nil {
			t.Fatal(err)
		}
		_, q, _ = svc.Attendance(chair, m.ID)
		if q.Present != 1 {
			t.Fatalf("deputy not counted when deputies vote: %+v", q)
		}
		if _, q, err = svc.CheckIn(chair, m.ID); err != nil || !q.Reached || q.Required != 2 {
			t.Fatalf("quorum with chair and deputy: %+v %v", q, err)
		}
		_, _ = svc.AddItem(sec, m.ID, item("A", 10))
		if m, err = svc.Transition(chair, m.ID, ecabinet.ActionStart, nil); err != nil || m.QuorumOverride != nil {
			t.Fatalf("start with quorum: %+v %v", m, err)
		}
		// Uninviting someone whose attendance is recorded is refused.
		in.Invitees = []int64{chairID, f.members[ecabinet.RoleGuest].ID}
		_, err = svc.UpdateMeeting(sec, m.ID, in)
		wantCode(t, err, ecabinet.EINVALID)
	})
}

func TestSpeakingQueue(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc := store.NewMeetingService(db)
		sec, chair, member := f.as(ecabinet.RoleSecretary), f.as(ecabinet.RoleChair), f.as(ecabinet.RoleMember)
		m, _ := svc.CreateMeeting(sec, meetingInput())
		ag, _ := svc.AddItem(sec, m.ID, item("A", 10))
		_, _ = svc.Transition(sec, m.ID, ecabinet.ActionPublish, nil)
		_, err := svc.RequestFloor(member, m.ID, ag[0].ID)
		wantCode(t, err, ecabinet.ECONFLICT) // not live yet
		_, _ = svc.Transition(chair, m.ID, ecabinet.ActionStart, &ecabinet.OverrideInput{Reason: "thử"})

		sp, err := svc.RequestFloor(member, m.ID, ag[0].ID)
		if err != nil || len(sp) != 1 || sp[0].Status != ecabinet.SpeakerWaiting {
			t.Fatalf("request: %+v %v", sp, err)
		}
		_, err = svc.RequestFloor(member, m.ID, ag[0].ID)
		wantCode(t, err, ecabinet.ECONFLICT)
		_, err = svc.RequestFloor(f.as(ecabinet.RoleGuest), m.ID, ag[0].ID)
		wantCode(t, err, ecabinet.ENOTFOUND) // not invited: the session does not exist for them
		sp, _ = svc.RequestFloor(chair, m.ID, ag[0].ID)
		_, err = svc.GiveFloor(member, m.ID, ag[0].ID, sp[0].ID)
		wantCode(t, err, ecabinet.EFORBIDDEN)
		if sp, err = svc.GiveFloor(sec, m.ID, ag[0].ID, sp[0].ID); err != nil || sp[0].Status != ecabinet.SpeakerSpeaking || sp[0].StartedAt == nil {
			t.Fatalf("give: %+v %v", sp, err)
		}
		// Giving the floor to the next ends the current turn.
		if sp, err = svc.GiveFloor(sec, m.ID, ag[0].ID, sp[1].ID); err != nil || sp[0].Status != ecabinet.SpeakerDone || sp[0].EndedAt == nil || sp[1].Status != ecabinet.SpeakerSpeaking {
			t.Fatalf("give next: %+v %v", sp, err)
		}
		if sp, err = svc.EndFloor(chair, m.ID, ag[0].ID, sp[1].ID); err != nil || sp[1].Status != ecabinet.SpeakerDone {
			t.Fatalf("end: %+v %v", sp, err)
		}
		_, err = svc.WithdrawFloor(member, m.ID, ag[0].ID)
		wantCode(t, err, ecabinet.ECONFLICT)
		_, _ = svc.RequestFloor(member, m.ID, ag[0].ID)
		if sp, err = svc.WithdrawFloor(member, m.ID, ag[0].ID); err != nil || sp[2].Status != ecabinet.SpeakerWithdrawn {
			t.Fatalf("withdraw: %+v %v", sp, err)
		}
	})
}

// Every change writes its event in the same transaction, with per-scope
// sequences that have no gaps and no duplicates even under concurrency.
func TestEventsAreSequencedPerScope(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc := store.NewMeetingService(db)
		log := db.Events()
		sec := f.as(ecabinet.RoleSecretary)
		m, _ := svc.CreateMeeting(sec, meetingInput())
		scope := ecabinet.MeetingScope(m.ID)

		const writers, each = 8, 5
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					if _, err := svc.AddItem(sec, m.ID, item(fmt.Sprintf("w%d-%d", w, i), 5)); err != nil {
						errs <- err
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		events, err := log.After(context.Background(), scope, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		// One meeting.updated at creation, then one agenda.updated per item.
		if len(events) != 1+writers*each {
			t.Fatalf("%d events, want %d", len(events), 1+writers*each)
		}
		for i, e := range events {
			if e.Seq != int64(i+1) || e.Epoch == "" || e.Scope != scope {
				t.Fatalf("event %d: %+v", i, e)
			}
		}
		last := events[len(events)-1]
		if last.Type != ecabinet.EventAgendaUpdated {
			t.Fatalf("last event %s", last.Type)
		}
		head, _ := log.Head(context.Background(), scope)
		if head.Seq != last.Seq || head.Epoch != last.Epoch {
			t.Fatalf("head %+v, last %d", head, last.Seq)
		}
		// The body stream got the draft, for the secretariat only.
		bodyEvents, _ := log.After(context.Background(), ecabinet.BodyScope(f.body.ID), 0, 10)
		if len(bodyEvents) != 1 || bodyEvents[0].Audience != ecabinet.AudienceSecretariat {
			t.Fatalf("body stream: %+v", bodyEvents)
		}
		// A state snapshot carries the position it was taken at.
		st, err := svc.MeetingState(sec, m.ID)
		if err != nil || st.Seq != last.Seq || st.Epoch != last.Epoch || len(st.Agenda) != writers*each {
			t.Fatalf("state at %d/%s with %d items: %v", st.Seq, st.Epoch, len(st.Agenda), err)
		}
	})
}

// The secretariat marks several invitees at once: one transaction, one
// event with every row and the quorum; a refused batch changes nothing.
func TestAttendanceBatch(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		c := newCouncil(t, db, 6, 0) // nobody present; the chair started it with an override
		sec := c.f.as(ecabinet.RoleSecretary)
		log := db.Events()
		scope := ecabinet.MeetingScope(c.meeting.ID)
		before, err := log.After(context.Background(), scope, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{c.members[0].MemberID, c.members[1].MemberID, c.members[2].MemberID}

		_, _, err = c.svc.SetAttendanceBatch(act(c.members[0]), c.meeting.ID, ecabinet.AttendanceBatchInput{Members: ids, Status: ecabinet.AttendancePresent})
		wantCode(t, err, ecabinet.EFORBIDDEN)
		_, _, err = c.svc.SetAttendanceBatch(sec, c.meeting.ID, ecabinet.AttendanceBatchInput{Members: ids, Status: ecabinet.AttendanceAbsent})
		wantCode(t, err, ecabinet.EINVALID) // an absence needs its reason
		_, _, err = c.svc.SetAttendanceBatch(sec, c.meeting.ID, ecabinet.AttendanceBatchInput{Members: nil, Status: ecabinet.AttendancePresent})
		wantCode(t, err, ecabinet.EINVALID)
		// One member not invited refuses the whole batch.
		_, _, err = c.svc.SetAttendanceBatch(sec, c.meeting.ID, ecabinet.AttendanceBatchInput{Members: append(ids, c.f.members[ecabinet.RoleAdmin].ID), Status: ecabinet.AttendancePresent})
		wantCode(t, err, ecabinet.EINVALID)
		if _, q, _ := c.svc.Attendance(sec, c.meeting.ID); q.Present != 0 {
			t.Fatalf("a refused batch changed the quorum: %+v", q)
		}

		rows, q, err := c.svc.SetAttendanceBatch(sec, c.meeting.ID, ecabinet.AttendanceBatchInput{Members: ids, Status: ecabinet.AttendancePresent})
		if err != nil || len(rows) != 3 || q.Present != 3 {
			t.Fatalf("batch: %+v %+v %v", rows, q, err)
		}
		for _, r := range rows {
			if r.Status != ecabinet.AttendancePresent || r.CheckedInAt == nil {
				t.Fatalf("row %+v", r)
			}
		}
		rows, q, err = c.svc.SetAttendanceBatch(sec, c.meeting.ID, ecabinet.AttendanceBatchInput{Members: ids[2:], Status: ecabinet.AttendanceAbsent, Reason: "Công tác nước ngoài"})
		if err != nil || rows[0].AbsenceReason != "Công tác nước ngoài" || q.Present != 2 {
			t.Fatalf("absence: %+v %+v %v", rows, q, err)
		}
		after, err := log.After(context.Background(), scope, before[len(before)-1].Seq, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != 2 || after[0].Type != ecabinet.EventAttendanceBatch || after[1].Type != ecabinet.EventAttendanceBatch {
			t.Fatalf("events %+v", after)
		}
		var data struct {
			Attendance []ecabinet.Attendance `json:"attendance"`
			Quorum     ecabinet.Quorum       `json:"quorum"`
		}
		if err := json.Unmarshal(after[0].Data, &data); err != nil || len(data.Attendance) != 3 || data.Quorum.Present != 3 {
			t.Fatalf("event data %s: %v", after[0].Data, err)
		}
	})
}

// The secretariat goes back to an item already discussed: it becomes the
// active one again and its time ledger counts both discussions.
func TestGoBackToADoneItem(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		clock := setClock(db, time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC))
		f := newFixture(t, db)
		svc := store.NewMeetingService(db)
		sec, member := f.as(ecabinet.RoleSecretary), f.as(ecabinet.RoleMember)
		m, _ := svc.CreateMeeting(sec, meetingInput())
		_, _ = svc.AddItem(sec, m.ID, item("Luật Đất đai", 60))
		ag, _ := svc.AddItem(sec, m.ID, item("Đầu tư công", 30))
		_, _ = svc.Transition(sec, m.ID, ecabinet.ActionPublish, nil)
		if _, err := svc.Transition(f.as(ecabinet.RoleChair), m.ID, ecabinet.ActionStart, &ecabinet.OverrideInput{Reason: "thử"}); err != nil {
			t.Fatal(err)
		}
		first, second := ag[0].ID, ag[1].ID
		sp, _ := svc.RequestFloor(member, m.ID, first)
		if _, err := svc.GiveFloor(sec, m.ID, first, sp[0].ID); err != nil {
			t.Fatal(err)
		}
		clock.add(20 * time.Minute)
		if _, err := svc.NextItem(sec, m.ID); err != nil { // the first done after 20 minutes
			t.Fatal(err)
		}
		// Moving on ends the turn of whoever was speaking on it.
		if sp, _ = svc.Speakers(sec, m.ID, first); sp[0].Status != ecabinet.SpeakerDone || sp[0].EndedAt == nil {
			t.Fatalf("the turn outlived its item: %+v", sp[0])
		}
		clock.add(10 * time.Minute)
		_, err := svc.ActivateItem(member, m.ID, first)
		wantCode(t, err, ecabinet.EFORBIDDEN)
		got, err := svc.ActivateItem(sec, m.ID, first)
		if err != nil || got[0].Status != ecabinet.ItemActive || got[1].Status != ecabinet.ItemDone {
			t.Fatalf("back to the first: %+v %v", got, err)
		}
		_, err = svc.ActivateItem(sec, m.ID, first)
		wantCode(t, err, ecabinet.ECONFLICT) // already active
		clock.add(5 * time.Minute)
		if _, err := svc.Transition(sec, m.ID, ecabinet.ActionClose, nil); err != nil {
			t.Fatal(err)
		}
		led, err := store.NewLedgerService(db).MeetingLedger(sec, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		one, two := led.Time.Items[0], led.Time.Items[1]
		if one.ItemID != first || one.Spans != 2 || *one.ActualMinutes != 25 || two.ItemID != second || two.Spans != 1 || *two.ActualMinutes != 10 {
			t.Fatalf("time ledger %+v %+v", one, two)
		}
	})
}
