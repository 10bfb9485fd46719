package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// taskEnv is a body with two ministries, a closed session with a published
// conclusion notice, and the services, on an injected clock that starts on
// 1 March 2026 at 09:00 in Hanoi.
type taskEnv struct {
	db          *store.DB
	clock       *testClock
	body        *ecabinet.Body
	people      map[string]*ecabinet.Member
	meetings    *store.MeetingService
	conclusions *store.ConclusionService
	tasks       *store.TaskService
	meeting     *ecabinet.Meeting
	items       []*ecabinet.AgendaItem
	conclusion  *ecabinet.Conclusion
}

func newTaskEnv(t *testing.T, db *store.DB) *taskEnv {
	t.Helper()
	ctx := context.Background()
	e := &taskEnv{db: db, clock: setClock(db, time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)), people: map[string]*ecabinet.Member{},
		meetings: store.NewMeetingService(db), conclusions: store.NewConclusionService(db)}
	e.tasks = store.NewTaskService(db, store.NewNotifier(db, false))
	var err error
	if e.body, err = db.CreateBody(ctx, testenv.RandomName("body"), "Chính phủ", ecabinet.DefaultBodySettings()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		name, org string
		role      ecabinet.Role
	}{
		{"sec", "Văn phòng Chính phủ", ecabinet.RoleSecretary},
		{"chair", "Chính phủ", ecabinet.RoleChair},
		{"mof", "Bộ Tài chính", ecabinet.RoleMember},
		{"mof2", "Bộ Tài chính", ecabinet.RoleMember}, // a second account of the ministry
		{"moh", "Bộ Y tế", ecabinet.RoleMember},
		{"guest", "Ủy ban nhân dân tỉnh Lào Cai", ecabinet.RoleGuest},
		{"outsider", "Bộ Xây dựng", ecabinet.RoleMember}, // invited to nothing
	} {
		m, err := db.CreateMember(ctx, hasher, e.body.ID, ecabinet.MemberInput{Username: testenv.RandomName(p.name), Password: "correct horse battery",
			FullName: "Trần Văn " + p.name, Organization: p.org, Role: p.role, Clearance: ecabinet.ClassNone,
			Voting: p.role == ecabinet.RoleMember || p.role == ecabinet.RoleChair, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		e.people[p.name] = m
	}
	// Organisations without an account of their own lead tasks too.
	if err := db.EnsureOrganizations(ctx, e.body.ID, "Bộ Tư pháp", "Bộ Công Thương", "Ủy ban nhân dân tỉnh Điện Biên"); err != nil {
		t.Fatal(err)
	}
	in := meetingInput()
	in.Invitees = []int64{e.people["chair"].ID, e.people["mof"].ID, e.people["moh"].ID, e.people["guest"].ID}
	if e.meeting, err = e.meetings.CreateMeeting(e.as("sec"), in); err != nil {
		t.Fatal(err)
	}
	for _, it := range []ecabinet.AgendaItemInput{item("Tình hình kinh tế - xã hội tháng 2", 60), item("Dự án Luật Thuế thu nhập cá nhân", 45)} {
		if e.items, err = e.meetings.AddItem(e.as("sec"), e.meeting.ID, it); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []ecabinet.MeetingAction{ecabinet.ActionPublish, ecabinet.ActionClose} {
		if _, err := e.meetings.Transition(e.as("sec"), e.meeting.ID, a, nil); err != nil {
			t.Fatal(err)
		}
	}
	e.conclusion = e.publishConclusion(t)
	return e
}

func (e *taskEnv) as(name string) context.Context {
	m := e.people[name]
	return ecabinet.NewContextWithActor(context.Background(), ecabinet.Actor{MemberID: m.ID, BodyID: m.BodyID, Username: m.Username,
		FullName: m.FullName, Role: m.Role, Clearance: m.Clearance, Voting: m.Voting})
}

func (e *taskEnv) publishConclusion(t *testing.T) *ecabinet.Conclusion {
	t.Helper()
	in := ecabinet.ConclusionInput{Number: "45/TB-VPCP", Title: "Kết luận của Thủ tướng tại phiên họp Chính phủ thường kỳ",
		Items: []ecabinet.ConclusionItem{{ItemID: e.items[1].ID, Text: "Bộ Tài chính tiếp thu, hoàn thiện dự án Luật."}}}
	if _, err := e.conclusions.SaveConclusion(e.as("sec"), e.meeting.ID, in); err != nil {
		t.Fatal(err)
	}
	c, err := e.conclusions.PublishConclusion(e.as("sec"), e.meeting.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *taskEnv) assign(t *testing.T, in ecabinet.TaskInput) *ecabinet.Task {
	t.Helper()
	if in.BallotID == nil {
		in.ConclusionID = &e.conclusion.ID
	}
	task, err := e.tasks.CreateTask(e.as("sec"), in)
	if err != nil {
		t.Fatalf("assign %q: %v", in.Title, err)
	}
	return task
}

func (e *taskEnv) status(t *testing.T, id int64) ecabinet.TaskStatus {
	t.Helper()
	task, err := e.tasks.FindTask(e.as("sec"), id)
	if err != nil {
		t.Fatal(err)
	}
	return task.Status
}

// Statuses move with the injected clock and the lead's reports: in
// progress, overdue once the due date has ended, done late when reported
// after it, done on time before it.
func TestTaskStatusesOverTime(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newTaskEnv(t, db)
		item := e.items[1].ID
		law := e.assign(t, ecabinet.TaskInput{ItemID: &item, Title: "Hoàn thiện dự án Luật", LeadOrg: "Bộ Tài chính",
			CoUnits: []string{"Bộ Tư pháp"}, DueDate: "2026-03-31"})
		if law.Status != ecabinet.TaskInProgress || law.Organization != "Bộ Tài chính" || law.MeetingID == nil || *law.MeetingID != e.meeting.ID ||
			!law.Deadline.Equal(time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC)) || law.Source != ecabinet.SourceConclusion {
			t.Fatalf("assigned %+v", law)
		}
		lead := e.people["moh"].ID
		health := e.assign(t, ecabinet.TaskInput{Title: "Báo cáo tình hình dịch bệnh", LeadMemberID: &lead, DueDate: "2026-03-15"})
		if health.Organization != "Bộ Y tế" {
			t.Fatalf("a member lead credits their organisation: %+v", health)
		}
		// The secretariat, admins and guests lead nothing: they are not members of the Government.
		for _, who := range []string{"sec", "guest"} {
			id := e.people[who].ID
			_, err := e.tasks.CreateTask(e.as("sec"), ecabinet.TaskInput{ConclusionID: &e.conclusion.ID, Title: "Không hợp lệ", LeadMemberID: &id, DueDate: "2026-03-15"})
			if f := ecabinet.AsError(err); f.Code != ecabinet.EINVALID || f.Field != "lead_member_id" || f.Key != "task.lead_role" {
				t.Fatalf("%s as lead: %+v", who, f)
			}
		}

		// Only the lead reports: the lead member, or a member of the lead organisation.
		_, err := e.tasks.ReportProgress(e.as("moh"), law.ID, ecabinet.ProgressInput{Note: "Đã xong", Done: true})
		wantCode(t, err, ecabinet.EFORBIDDEN)
		_, err = e.tasks.ReportProgress(e.as("outsider"), law.ID, ecabinet.ProgressInput{Note: "Đã xong", Done: true})
		wantCode(t, err, ecabinet.ENOTFOUND) // not a task the outsider may see
		e.clock.add(10 * 24 * time.Hour)
		if _, err := e.tasks.ReportProgress(e.as("mof2"), law.ID, ecabinet.ProgressInput{Note: "Đã gửi Bộ Tư pháp thẩm định"}); err != nil {
			t.Fatal(err)
		}

		e.clock.t = time.Date(2026, 3, 15, 16, 59, 59, 0, time.UTC) // the last second of 15 March in Hanoi
		if s := e.status(t, health.ID); s != ecabinet.TaskInProgress {
			t.Fatalf("on the due date: %s", s)
		}
		e.clock.add(time.Second)
		if s := e.status(t, health.ID); s != ecabinet.TaskOverdue {
			t.Fatalf("after the due date: %s", s)
		}
		overdue, err := e.tasks.ListTasks(e.as("sec"), ecabinet.TaskFilter{Status: ecabinet.TaskOverdue})
		if err != nil || len(overdue) != 1 || overdue[0].ID != health.ID {
			t.Fatalf("overdue list %v %v", overdue, err)
		}
		e.clock.add(2 * 24 * time.Hour)
		done, err := e.tasks.ReportProgress(e.as("moh"), health.ID, ecabinet.ProgressInput{Note: "Đã báo cáo Thủ tướng", Done: true})
		if err != nil || done.Status != ecabinet.TaskDoneLate || len(done.Reports) != 1 || !done.Reports[0].Done {
			t.Fatalf("reported late: %+v %v", done, err)
		}
		_, err = e.tasks.ReportProgress(e.as("moh"), health.ID, ecabinet.ProgressInput{Note: "Lần nữa", Done: true})
		wantCode(t, err, ecabinet.ECONFLICT)
		lead2 := e.people["mof"].ID
		_, err = e.tasks.UpdateTask(e.as("sec"), health.ID, ecabinet.TaskInput{Title: "Sửa", LeadMemberID: &lead2, DueDate: "2026-04-30"})
		wantCode(t, err, ecabinet.ECONFLICT)

		// The secretariat records the ministry's completion before the deadline.
		e.clock.t = time.Date(2026, 3, 30, 3, 0, 0, 0, time.UTC)
		if got, err := e.tasks.ReportProgress(e.as("sec"), law.ID, ecabinet.ProgressInput{Note: "Công văn số 123/BTC", Done: true}); err != nil ||
			got.Status != ecabinet.TaskDoneOnTime || len(got.Reports) != 2 {
			t.Fatalf("recorded on time: %+v %v", got, err)
		}
		e.clock.t = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		if s := e.status(t, law.ID); s != ecabinet.TaskDoneOnTime {
			t.Fatalf("months later: %s", s)
		}
		stats, err := e.tasks.TaskStats(e.as("chair"), ecabinet.TaskStatsFilter{Group: ecabinet.GroupOrganization})
		if err != nil || stats.Total.Assigned != 2 || stats.Total.DoneOnTime != 1 || stats.Total.DoneLate != 1 || stats.Total.DonePc != 100 ||
			len(stats.Groups) != 2 {
			t.Fatalf("stats %+v %v", stats, err)
		}
		// As of 16 March: one in progress, one overdue.
		asOf := time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)
		stats, err = e.tasks.TaskStats(e.as("mof"), ecabinet.TaskStatsFilter{AsOf: &asOf})
		if err != nil || stats.Total.InProgress != 1 || stats.Total.Overdue != 1 || stats.Total.OverduePc != 50 {
			t.Fatalf("stats on 16 March %+v %v", stats, err)
		}
		_, err = e.tasks.TaskStats(e.as("guest"), ecabinet.TaskStatsFilter{})
		wantCode(t, err, ecabinet.EFORBIDDEN)
	})
}

func TestTaskSourcesLeadsAndVisibility(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newTaskEnv(t, db)
		sec := e.as("sec")
		// A conclusion still in draft, a ballot still open: no task yet.
		m2, err := e.meetings.CreateMeeting(sec, meetingInput())
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.conclusions.SaveConclusion(sec, m2.ID, ecabinet.ConclusionInput{Title: "Kết luận"})
		wantCode(t, err, ecabinet.ECONFLICT) // the session is not closed
		ballots := store.NewBallotService(db, store.NewNotifier(db, false))
		b, err := ballots.CreateBallot(sec, ecabinet.BallotInput{Title: "Xin ý kiến", Deadline: e.clock.t.Add(48 * time.Hour),
			Questions: []string{"Đồng ý?"}, Recipients: []int64{e.people["mof"].ID, e.people["outsider"].ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ballots.OpenBallot(sec, b.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.tasks.CreateTask(sec, ecabinet.TaskInput{BallotID: &b.ID, Title: "Ban hành", LeadOrg: "Bộ Tài chính", DueDate: "2026-04-01"})
		wantCode(t, err, ecabinet.ECONFLICT)
		e.clock.add(49 * time.Hour)
		if n, err := ballots.CloseDue(context.Background()); err != nil || n != 1 {
			t.Fatalf("CloseDue = %d, %v", n, err)
		}
		fromBallot := e.assign(t, ecabinet.TaskInput{BallotID: &b.ID, Title: "Ban hành Nghị định", LeadOrg: "Ủy ban nhân dân tỉnh Lào Cai", DueDate: "2026-04-01"})
		if fromBallot.Source != ecabinet.SourceBallot || fromBallot.MeetingID != nil {
			t.Fatalf("from a ballot: %+v", fromBallot)
		}
		other := e.items[0].ID
		foreign := e.items[0].ID + 1000
		_, err = e.tasks.CreateTask(sec, ecabinet.TaskInput{ConclusionID: &e.conclusion.ID, ItemID: &foreign, Title: "X", LeadOrg: "Bộ Y tế", DueDate: "2026-04-01"})
		if ecabinet.AsError(err).Field != "item_id" {
			t.Fatalf("an item of another session: %v", err)
		}
		_, err = e.tasks.CreateTask(sec, ecabinet.TaskInput{ConclusionID: &e.conclusion.ID, Title: "X", LeadOrg: "Bộ Y tế", DueDate: "2026-02-01"})
		if ecabinet.AsError(err).Key != "task.due_past" {
			t.Fatalf("a due date in the past: %v", err)
		}
		_, err = e.tasks.CreateTask(e.as("mof"), ecabinet.TaskInput{ConclusionID: &e.conclusion.ID, Title: "X", LeadOrg: "Bộ Y tế", DueDate: "2026-04-01"})
		wantCode(t, err, ecabinet.EFORBIDDEN)
		fromItem := e.assign(t, ecabinet.TaskInput{ItemID: &other, Title: "Điều hành giá", LeadOrg: "Bộ Công Thương", DueDate: "2026-04-15"})

		// Who sees what: the secretariat everything; the invitees of the
		// session its tasks; the ballot's recipients its tasks; a member of
		// a lead organisation that organisation's tasks.
		for name, want := range map[string]int{"sec": 2, "chair": 1, "guest": 2, "mof": 2, "outsider": 1, "moh": 1} {
			list, err := e.tasks.ListTasks(e.as(name), ecabinet.TaskFilter{})
			if err != nil || len(list) != want {
				t.Errorf("%s sees %d tasks (%v), want %d", name, len(list), err, want)
			}
		}
		_, err = e.tasks.FindTask(e.as("outsider"), fromItem.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		if list, _ := e.tasks.ListTasks(sec, ecabinet.TaskFilter{MeetingID: e.meeting.ID}); len(list) != 1 || list[0].ID != fromItem.ID {
			t.Fatalf("tasks of the session: %+v", list)
		}

		// An extension moves the deadline; a new lead changes the organisation credited.
		lead := e.people["mof"].ID
		ext, err := e.tasks.UpdateTask(sec, fromItem.ID, ecabinet.TaskInput{Title: "Điều hành giá xăng dầu", LeadMemberID: &lead, DueDate: "2026-05-15"})
		if err != nil || ext.DueDate != "2026-05-15" || ext.Organization != "Bộ Tài chính" || ext.LeadOrg != "" {
			t.Fatalf("extended: %+v %v", ext, err)
		}
		_, err = e.tasks.UpdateTask(sec, fromItem.ID, ecabinet.TaskInput{BallotID: &b.ID, Title: "X", LeadOrg: "Bộ Y tế", DueDate: "2026-05-15"})
		wantCode(t, err, ecabinet.EINVALID)

		// The database itself holds a task to exactly one lead and one source.
		q := "INSERT INTO tasks (body_id, conclusion_id, title, lead_org, lead_member_id, due_date, deadline, assigned_by, assigned_at, updated_at) " +
			"VALUES (?, ?, 'X', 'Bộ Y tế', ?, '2026-05-01', ?, ?, ?, ?)"
		if db.Dialect() == store.Postgres {
			q = pgParams(q)
		}
		now := e.clock.t
		if _, err := db.SQL().Exec(q, e.body.ID, e.conclusion.ID, lead, now, lead, now, now); err == nil || !strings.Contains(strings.ToLower(err.Error()), "check") {
			t.Fatalf("a task with two leads was stored: %v", err)
		}

		// Events reach exactly who may see the task.
		var vis []struct{ Recipients string }
		if err := db.Raw(context.Background(), "SELECT recipients FROM events WHERE scope = ? AND type = ? ORDER BY seq", &vis,
			string(ecabinet.BodyScope(e.body.ID)), ecabinet.EventTaskUpdated); err != nil || len(vis) != 3 {
			t.Fatalf("task events %+v %v", vis, err)
		}
		// The ballot task: the province's member (its lead), then the ballot's recipients.
		if want := fmt.Sprintf("[%d,%d,%d]", e.people["guest"].ID, e.people["mof"].ID, e.people["outsider"].ID); vis[0].Recipients != want {
			t.Fatalf("ballot task event to %s, want %s", vis[0].Recipients, want)
		}
	})
}
