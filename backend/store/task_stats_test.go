package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// The Prime Minister's Working Group reported on 2 March 2021
// (chinhphu.vn): from 1 January 2020 to 28 February 2021 the Government
// assigned 10,527 tasks; 6,954 were done (6,185 on time, 769 late), 3,230
// were in progress within the deadline and 343 overdue and not done
// (3.3%, rounded half away from zero; the article prints 3,2%, cut off).
// The same tasks, stored, give the same statistics.
func TestPublishedReportFromTheStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newTaskEnv(t, db)
		day := 24 * time.Hour
		start := time.Date(2020, 1, 1, 2, 0, 0, 0, time.UTC)
		orgs := []string{"Bộ Tài chính", "Bộ Kế hoạch và Đầu tư", "Bộ Y tế", "Bộ Công Thương", "Bộ Tư pháp"}
		type kind struct {
			n, span   int
			due, done time.Duration // done 0: not done
		}
		var args []any
		var rows []string
		n := 0
		flush := func() {
			if len(rows) == 0 {
				return
			}
			q := "INSERT INTO tasks (body_id, conclusion_id, title, lead_org, organization, due_date, deadline, assigned_by, assigned_at, completed_at, updated_at) VALUES " +
				strings.Join(rows, ", ")
			if db.Dialect() == store.Postgres {
				q = pgParams(q)
			}
			if _, err := db.SQL().Exec(q, args...); err != nil {
				t.Fatal(err)
			}
			args, rows = nil, nil
		}
		for _, k := range []kind{{6185, 390, 30 * day, 20 * day}, {769, 300, 30 * day, 45 * day}, {3230, 400, 500 * day, 0}, {343, 400, 10 * day, 0}} {
			for i := 0; i < k.n; i++ {
				assigned := start.Add(time.Duration(i%k.span) * day)
				var completed *time.Time
				if k.done > 0 {
					c := assigned.Add(k.done)
					completed = &c
				}
				org := orgs[n%len(orgs)]
				n++
				rows = append(rows, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, e.body.ID, e.conclusion.ID, "Nhiệm vụ", org, org, assigned.Add(k.due).Format(time.DateOnly),
					assigned.Add(k.due), e.people["sec"].ID, assigned, completed, assigned)
				if len(rows) == 500 {
					flush()
				}
			}
		}
		flush()

		e.clock.t = time.Date(2021, 2, 28, 16, 59, 59, 0, time.UTC) // the end of 28 February 2021 in Hanoi
		from, to := time.Date(2019, 12, 31, 17, 0, 0, 0, time.UTC), time.Date(2021, 2, 28, 17, 0, 0, 0, time.UTC)
		rep, err := e.tasks.TaskStats(e.as("chair"), ecabinet.TaskStatsFilter{From: &from, To: &to, Group: ecabinet.GroupOrganization})
		if err != nil {
			t.Fatal(err)
		}
		want := ecabinet.TaskStats{Assigned: 10527, Done: 6954, DoneOnTime: 6185, DoneLate: 769, InProgress: 3230, Overdue: 343,
			DonePc: 66.1, DoneOnTimePc: 58.8, DoneLatePc: 7.3, InProgressPc: 30.7, OverduePc: 3.3}
		if rep.Total != want || !rep.AsOf.Equal(e.clock.t) || len(rep.Groups) != 5 {
			t.Fatalf("report %+v\nwant %+v", rep.Total, want)
		}
		one, err := e.tasks.TaskStats(e.as("mof"), ecabinet.TaskStatsFilter{Organization: "Bộ Tư pháp"})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range rep.Groups {
			if g.Key == "Bộ Tư pháp" {
				g.Key = ""
				if one.Total != g || g.Assigned != 2105 {
					t.Fatalf("one organisation %+v, its group %+v", one.Total, g)
				}
			}
		}
	})
}

// Reminders go to the lead before the deadline and after it while the task
// is not done, each once, whatever the number of runs.
func TestTaskReminders(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newTaskEnv(t, db) // 1 March 2026, 09:00 in Hanoi
		send := func(want int) {
			t.Helper()
			n, err := e.tasks.SendDueReminders(t.Context())
			if err != nil || n != want {
				t.Fatalf("at %v: %d reminders (%v), want %d", e.clock.t, n, err, want)
			}
		}
		law := e.assign(t, ecabinet.TaskInput{Title: "Trình dự án Luật", LeadOrg: "Bộ Tài chính", DueDate: "2026-03-20"})
		lead := e.people["moh"].ID
		e.assign(t, ecabinet.TaskInput{Title: "Báo cáo nhanh", LeadMemberID: &lead, DueDate: "2026-03-03"}) // assigned inside the 3 days
		e.assign(t, ecabinet.TaskInput{Title: "Nghiên cứu", LeadOrg: "Ủy ban nhân dân tỉnh Điện Biên", DueDate: "2026-03-10"})
		send(0)
		e.clock.t = time.Date(2026, 3, 4, 18, 0, 0, 0, time.UTC) // a day and an hour after the quick report's deadline
		send(1)
		send(0)
		e.clock.t = time.Date(2026, 3, 17, 18, 0, 0, 0, time.UTC) // less than 3 days before the law's deadline
		send(2)                                                   // both accounts of the ministry; the province has none
		send(0)
		if _, err := e.tasks.ReportProgress(e.as("mof"), law.ID, ecabinet.ProgressInput{Note: "Đã trình", Done: true}); err != nil {
			t.Fatal(err)
		}
		e.clock.t = time.Date(2026, 3, 25, 0, 0, 0, 0, time.UTC)
		send(0) // done: no reminder after the deadline
		for name, want := range map[string]int{"moh": 1, "mof": 1, "mof2": 1, "outsider": 0} {
			if n := count(t, db, "SELECT COUNT(*) FROM notifications WHERE member_id = ? AND kind = ?", e.people[name].ID, ecabinet.EventTaskReminder); n != want {
				t.Errorf("%s: %d reminders, want %d", name, n, want)
			}
		}
		if n := count(t, db, "SELECT COUNT(*) FROM task_reminders WHERE kind = 'after' AND recipients = 0"); n != 1 {
			t.Errorf("the province's overdue task: %d reminders recorded without recipients, want 1", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM events WHERE type = ? AND audience LIKE 'member:%'", ecabinet.EventTaskReminder); n != 3 {
			t.Errorf("%d reminder events", n)
		}
	})
}

// A task's status turns overdue when its deadline passes, with no write:
// the job announces it once (a task.updated event for the live boards),
// and never for a task done in time.
func TestOverdueTasksAreAnnouncedOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newTaskEnv(t, db) // 1 March 2026, 09:00 in Hanoi
		announce := func(want int) {
			t.Helper()
			n, err := e.tasks.AnnounceOverdue(t.Context())
			if err != nil || n != want {
				t.Fatalf("at %v: %d announced (%v), want %d", e.clock.t, n, err, want)
			}
		}
		late := e.assign(t, ecabinet.TaskInput{Title: "Báo cáo nhanh", LeadOrg: "Bộ Y tế", DueDate: "2026-03-03"})
		done := e.assign(t, ecabinet.TaskInput{Title: "Rà soát", LeadOrg: "Bộ Tài chính", DueDate: "2026-03-03"})
		e.assign(t, ecabinet.TaskInput{Title: "Nghiên cứu", LeadOrg: "Bộ Tài chính", DueDate: "2026-03-20"})
		if _, err := e.tasks.ReportProgress(e.as("mof"), done.ID, ecabinet.ProgressInput{Note: "Xong", Done: true}); err != nil {
			t.Fatal(err)
		}
		overdue := func() int {
			return count(t, db, "SELECT COUNT(*) FROM events WHERE type = ? AND payload LIKE ?", ecabinet.EventTaskUpdated,
				fmt.Sprintf(`%%"id":%d,%%"status":"%s"%%`, late.ID, ecabinet.TaskOverdue))
		}
		announce(0)                                               // nothing is late yet
		e.clock.t = time.Date(2026, 3, 3, 16, 59, 0, 0, time.UTC) // 23:59 on the due date in Hanoi
		announce(0)
		e.clock.t = time.Date(2026, 3, 3, 17, 1, 0, 0, time.UTC) // the due date has ended
		announce(1)
		announce(0)
		if n := overdue(); n != 1 {
			t.Errorf("%d task.updated events with the late task overdue, want 1", n)
		}
	})
}
