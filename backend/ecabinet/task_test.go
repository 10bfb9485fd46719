package ecabinet_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

var hanoi = ecabinet.DefaultBodySettings().Location()

// A task's status moves with the clock alone: in progress until the due
// date ends in the body's time zone, then overdue; a completion before
// the end is on time, at or after it late.
func TestTaskStatusOverTime(t *testing.T) {
	deadline, err := ecabinet.Deadline("2026-03-31", hanoi)
	if err != nil || !deadline.Equal(at("2026-03-31T17:00:00Z")) {
		t.Fatalf("deadline %v, %v", deadline, err)
	}
	f := ecabinet.TaskFacts{AssignedAt: at("2026-03-01T03:00:00Z"), Deadline: deadline}
	for _, c := range []struct {
		now  string
		want ecabinet.TaskStatus
	}{
		{"2026-03-01T03:00:00Z", ecabinet.TaskInProgress},
		{"2026-03-31T16:59:59Z", ecabinet.TaskInProgress},
		{"2026-03-31T17:00:00Z", ecabinet.TaskOverdue},
		{"2026-06-01T00:00:00Z", ecabinet.TaskOverdue},
	} {
		if got := f.StatusAt(at(c.now)); got != c.want {
			t.Errorf("not done, at %s: %s, want %s", c.now, got, c.want)
		}
	}
	onTime := f
	onTime.CompletedAt = ptr(at("2026-03-31T16:59:59Z"))
	late := f
	late.CompletedAt = ptr(at("2026-03-31T17:00:00Z"))
	for _, c := range []struct {
		f    ecabinet.TaskFacts
		now  string
		want ecabinet.TaskStatus
	}{
		{onTime, "2026-03-20T00:00:00Z", ecabinet.TaskInProgress}, // not completed yet at that time
		{onTime, "2026-03-31T16:59:59Z", ecabinet.TaskDoneOnTime},
		{onTime, "2027-01-01T00:00:00Z", ecabinet.TaskDoneOnTime},
		{late, "2026-03-31T16:59:59Z", ecabinet.TaskInProgress},
		{late, "2026-03-31T17:00:00Z", ecabinet.TaskDoneLate},
	} {
		if got := c.f.StatusAt(at(c.now)); got != c.want {
			t.Errorf("completed %v, at %s: %s, want %s", c.f.CompletedAt, c.now, got, c.want)
		}
	}
	if _, err := ecabinet.Deadline("31/03/2026", hanoi); ecabinet.ErrorCode(err) != ecabinet.EINVALID {
		t.Fatalf("a malformed due date: %v", err)
	}
}

// PublishedReport builds the tasks of the Prime Minister's Working Group
// report of 2 March 2021 (chinhphu.vn): from 1 January 2020 to 28 February
// 2021 the Government assigned 10,527 tasks; 6,954 were done (6,185 on
// time, 769 late), 3,230 were in progress within the deadline and 343 were
// overdue and not done. The article prints the last share as 3,2%, cut
// off; rounded half away from zero it is 3.3%, the rule used here.
func publishedReport() (facts []ecabinet.TaskFacts, asOf time.Time) {
	asOf = at("2021-02-28T16:59:59Z") // the end of 28 February in Hanoi
	start := at("2020-01-01T02:00:00Z")
	orgs := []string{"Bộ Tài chính", "Bộ Kế hoạch và Đầu tư", "Bộ Y tế", "Bộ Công Thương", "Bộ Tư pháp"}
	// n tasks assigned over the first span days, due after due, done after done.
	add := func(n, span int, due time.Duration, done *time.Duration) {
		for i := 0; i < n; i++ {
			assigned := start.Add(time.Duration(i%span) * 24 * time.Hour)
			f := ecabinet.TaskFacts{Organization: orgs[len(facts)%len(orgs)], AssignedAt: assigned, Deadline: assigned.Add(due)}
			if done != nil {
				c := assigned.Add(*done)
				f.CompletedAt = &c
			}
			facts = append(facts, f)
		}
	}
	day := 24 * time.Hour
	add(6185, 390, 30*day, ptr(20*day)) // done before the deadline
	add(769, 300, 30*day, ptr(45*day))  // done after it
	add(3230, 400, 500*day, nil)        // deadline after 28 February 2021
	add(343, 400, 10*day, nil)          // deadline passed, not done
	return facts, asOf
}

func TestPublishedTaskStatistics(t *testing.T) {
	facts, asOf := publishedReport()
	total, groups := ecabinet.ComputeTaskStats(facts, asOf, ecabinet.GroupOrganization, hanoi)
	want := ecabinet.TaskStats{Assigned: 10527, Done: 6954, DoneOnTime: 6185, DoneLate: 769, InProgress: 3230, Overdue: 343,
		DonePc: 66.1, DoneOnTimePc: 58.8, DoneLatePc: 7.3, InProgressPc: 30.7, OverduePc: 3.3}
	if total != want {
		t.Fatalf("total %+v\nwant  %+v", total, want)
	}
	if len(groups) != 5 || groups[0].Assigned != 2106 || groups[4].Assigned != 2105 {
		t.Fatalf("groups %+v", groups)
	}
	sum := 0
	for _, g := range groups {
		sum += g.Overdue
		if g.Assigned != g.Done+g.InProgress+g.Overdue || g.Done != g.DoneOnTime+g.DoneLate {
			t.Fatalf("group %s does not add up: %+v", g.Key, g)
		}
	}
	if sum != 343 {
		t.Fatalf("overdue per organisation sums to %d", sum)
	}

	// A month earlier fewer tasks existed and none were late yet at that time.
	_, months := ecabinet.ComputeTaskStats(facts, asOf, ecabinet.GroupMonth, hanoi)
	if months[0].Key != "2020-01" || months[len(months)-1].Key != "2021-02" {
		t.Fatalf("months %s … %s", months[0].Key, months[len(months)-1].Key)
	}
	early, _ := ecabinet.ComputeTaskStats(facts, at("2020-01-05T00:00:00Z"), "", hanoi)
	if early.Assigned == 0 || early.Assigned >= 10527 || early.Overdue != 0 {
		t.Fatalf("on 5 January 2020: %+v", early)
	}
}

func TestTaskInput(t *testing.T) {
	id := int64(3)
	ok := ecabinet.TaskInput{ConclusionID: &id, Title: " Xây dựng Nghị định ", LeadOrg: " Bộ Tài chính ", CoUnits: []string{" Bộ Tư pháp "}, DueDate: "2026-05-31"}
	if err := ok.Validate(true); err != nil || ok.Title != "Xây dựng Nghị định" || ok.CoUnits[0] != "Bộ Tư pháp" {
		t.Fatalf("valid input: %v %+v", err, ok)
	}
	for field, mutate := range map[string]func(*ecabinet.TaskInput){
		"conclusion_id": func(in *ecabinet.TaskInput) { in.BallotID = &id },
		"item_id":       func(in *ecabinet.TaskInput) { in.ConclusionID, in.BallotID, in.ItemID = nil, &id, &id },
		"lead_org":      func(in *ecabinet.TaskInput) { in.LeadMemberID = &id },
		"co_units":      func(in *ecabinet.TaskInput) { in.CoUnits = []string{"Bộ Tài chính"} },
		"due_date":      func(in *ecabinet.TaskInput) { in.DueDate = "2026-02-30" },
		"title":         func(in *ecabinet.TaskInput) { in.Title = " " },
	} {
		in := ok
		in.CoUnits = nil
		mutate(&in)
		if e := ecabinet.AsError(in.Validate(true)); e.Code != ecabinet.EINVALID || e.Field != field {
			t.Errorf("%s: got %v (field %q)", field, e, e.Field)
		}
	}
	noLead := ok
	noLead.LeadOrg = ""
	if e := ecabinet.AsError(noLead.Validate(true)); e.Field != "lead_org" || e.Key != "task.one_lead" {
		t.Errorf("no lead: %v", e)
	}
	if e := ecabinet.AsError(ok.Validate(false)); e.Key != "task.source_fixed" {
		t.Errorf("a source on edit: %v", fmt.Sprint(e))
	}
}
