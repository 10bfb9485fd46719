package ecabinet

import (
	"context"
	"strings"
	"time"
)

// TaskStatus is where an assigned task stands, derived from its deadline,
// its completion and the clock; it is never stored.
type TaskStatus string

// Task statuses, as the Government reports them.
const (
	TaskInProgress TaskStatus = "in_progress"  // not done, deadline not passed (trong hạn)
	TaskDoneOnTime TaskStatus = "done_on_time" // done before the deadline (đúng hạn)
	TaskDoneLate   TaskStatus = "done_late"    // done after the deadline (quá hạn)
	TaskOverdue    TaskStatus = "overdue"      // not done and the deadline passed (quá hạn chưa hoàn thành)
)

// TaskStatuses lists the statuses.
var TaskStatuses = []TaskStatus{TaskInProgress, TaskDoneOnTime, TaskDoneLate, TaskOverdue}

// TaskSource is what a task was assigned by.
type TaskSource string

// Task sources.
const (
	SourceConclusion TaskSource = "conclusion" // a published conclusion notice (optionally one of its agenda items)
	SourceBallot     TaskSource = "ballot"     // the result of a closed ballot
)

// TaskSources lists the sources.
var TaskSources = []TaskSource{SourceConclusion, SourceBallot}

// Task is a task assigned to exactly one lead, an organisation (LeadOrg) or
// a member (LeadMemberID), with co-operating units and a due date. The
// deadline is the end of the due date in the body's time zone: a task done
// before it is done on time.
type Task struct {
	ID           int64      `json:"id"`
	BodyID       int64      `json:"body_id"`
	Source       TaskSource `json:"source"`
	ConclusionID *int64     `json:"conclusion_id,omitempty"`
	MeetingID    *int64     `json:"meeting_id,omitempty"` // the conclusion's session
	ItemID       *int64     `json:"item_id,omitempty"`
	BallotID     *int64     `json:"ballot_id,omitempty"`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	LeadOrg      string     `json:"lead_org,omitempty"`
	LeadMemberID *int64     `json:"lead_member_id,omitempty"`
	// Organization is credited in statistics: the lead organisation, or
	// the lead member's organisation when the task was assigned.
	Organization string        `json:"organization"`
	CoUnits      []string      `json:"co_units"`
	DueDate      string        `json:"due_date"` // YYYY-MM-DD
	Deadline     time.Time     `json:"deadline"`
	Status       TaskStatus    `json:"status"` // at the time of reading
	AssignedBy   int64         `json:"assigned_by"`
	AssignedAt   time.Time     `json:"assigned_at"`
	CompletedAt  *time.Time    `json:"completed_at,omitempty"`
	UpdatedAt    time.Time     `json:"updated_at"`
	Reports      []*TaskReport `json:"reports,omitempty"`
}

// TaskReport is a progress report on a task, by its lead or recorded by the
// secretariat; Done completes the task.
type TaskReport struct {
	ID         int64     `json:"id"`
	TaskID     int64     `json:"task_id"`
	ReportedBy int64     `json:"reported_by"`
	Note       string    `json:"note"`
	Done       bool      `json:"done"`
	CreatedAt  time.Time `json:"created_at"`
}

// TaskInput assigns or edits a task. On create exactly one source is given
// (ConclusionID, optionally with ItemID, or BallotID); on edit the source
// fields must be left out.
type TaskInput struct {
	ConclusionID *int64   `json:"conclusion_id,omitempty"`
	ItemID       *int64   `json:"item_id,omitempty"`
	BallotID     *int64   `json:"ballot_id,omitempty"`
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	LeadOrg      string   `json:"lead_org,omitempty"`
	LeadMemberID *int64   `json:"lead_member_id,omitempty"`
	CoUnits      []string `json:"co_units"`
	DueDate      string   `json:"due_date"`
}

// Validate checks and normalises the input (creating: a source is needed;
// editing: none may be given).
func (in *TaskInput) Validate(creating bool) error {
	in.Title, in.Description, in.LeadOrg = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description), strings.TrimSpace(in.LeadOrg)
	switch {
	case !creating && (in.ConclusionID != nil || in.ItemID != nil || in.BallotID != nil):
		return FieldError("conclusion_id", "task.source_fixed")
	case creating && (in.ConclusionID == nil) == (in.BallotID == nil):
		return FieldError("conclusion_id", "task.one_source")
	case in.ItemID != nil && in.ConclusionID == nil:
		return FieldError("item_id", "task.item_needs_conclusion")
	}
	if err := requireText("title", in.Title, 1000); err != nil {
		return err
	}
	if err := optionalText("description", in.Description, 20000); err != nil {
		return err
	}
	if (in.LeadOrg == "") == (in.LeadMemberID == nil) {
		return FieldError("lead_org", "task.one_lead")
	}
	if err := optionalText("lead_org", in.LeadOrg, 300); err != nil {
		return err
	}
	if len(in.CoUnits) > 50 {
		return FieldError("co_units", "field.range", "co_units")
	}
	units := make([]string, 0, len(in.CoUnits))
	seen := map[string]bool{}
	for _, u := range in.CoUnits {
		u = strings.TrimSpace(u)
		if err := requireText("co_units", u, 300); err != nil {
			return err
		}
		if seen[u] || u == in.LeadOrg {
			return FieldError("co_units", "field.duplicate", "co_units")
		}
		seen[u] = true
		units = append(units, u)
	}
	in.CoUnits = units
	if _, err := time.Parse(time.DateOnly, in.DueDate); err != nil {
		return FieldError("due_date", "field.enum", "due_date")
	}
	return nil
}

// Deadline returns the end of the due date (YYYY-MM-DD) in loc: the first
// instant of the next day.
func Deadline(dueDate string, loc *time.Location) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, dueDate, loc)
	if err != nil {
		return time.Time{}, FieldError("due_date", "field.enum", "due_date")
	}
	return d.AddDate(0, 0, 1).UTC(), nil
}

// ProgressInput reports progress on a task; Done completes it.
type ProgressInput struct {
	Note string `json:"note"`
	Done bool   `json:"done"`
}

// Validate requires a note.
func (in *ProgressInput) Validate() error {
	in.Note = strings.TrimSpace(in.Note)
	return requireText("note", in.Note, 10000)
}

// TaskFacts are what a task's status and statistics depend on.
type TaskFacts struct {
	Organization string
	AssignedAt   time.Time
	Deadline     time.Time
	CompletedAt  *time.Time
}

// StatusAt returns the task's status at time at: done on time when
// completed before the deadline, done late when completed at or after it,
// overdue when not completed by at and at is at or after the deadline, in
// progress otherwise. A completion after at has not happened yet at at.
func (f TaskFacts) StatusAt(at time.Time) TaskStatus {
	if f.CompletedAt != nil && !f.CompletedAt.After(at) {
		if f.CompletedAt.Before(f.Deadline) {
			return TaskDoneOnTime
		}
		return TaskDoneLate
	}
	if !at.Before(f.Deadline) {
		return TaskOverdue
	}
	return TaskInProgress
}

// TaskFilter selects tasks in ListTasks; zero values select everything.
type TaskFilter struct {
	Organization string
	Status       TaskStatus
	LeadMemberID int64
	MeetingID    int64
	BallotID     int64
	From, To     *time.Time // assigned in [From, To)
	Limit        int        // default 100, at most 1000
	Offset       int
}

// Validate checks the filter and applies the default limit.
func (f *TaskFilter) Validate() error {
	if f.Status != "" && !validTaskStatus(f.Status) {
		return FieldError("status", "field.enum", "status")
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	if f.Limit < 0 || f.Limit > 1000 {
		return FieldError("limit", "field.range", "limit")
	}
	if f.Offset < 0 {
		return FieldError("offset", "field.range", "offset")
	}
	return nil
}

func validTaskStatus(s TaskStatus) bool {
	for _, x := range TaskStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// TaskService assigns tasks and follows them up. The secretariat assigns
// and edits; the lead (the lead member, or any active member of the lead
// organisation) reports progress, and the secretariat may record a report
// for them. A member sees the tasks they lead, those of their organisation,
// and those of the sessions (invitees) and ballots (recipients) they take
// part in; the secretariat sees every task of the body.
type TaskService interface {
	// CreateTask assigns a task from a published conclusion (optionally one
	// of its session's agenda items) or a closed ballot (secretariat).
	// Errors: invalid, forbidden, not_found (the source), conflict (the
	// conclusion not published, the ballot not closed).
	CreateTask(ctx context.Context, in TaskInput) (*Task, error)
	// UpdateTask edits a task that is not done (secretariat). Errors:
	// invalid, forbidden, not_found, conflict (done).
	UpdateTask(ctx context.Context, id int64, in TaskInput) (*Task, error)
	// FindTask returns a task with its reports. Errors: not_found.
	FindTask(ctx context.Context, id int64) (*Task, error)
	// ListTasks returns the tasks the actor may see, by deadline. Errors: invalid.
	ListTasks(ctx context.Context, f TaskFilter) ([]*Task, error)
	// ExportTasks returns every task matching f, ignoring Limit and Offset,
	// from one snapshot (secretariat). Errors: invalid, forbidden.
	ExportTasks(ctx context.Context, f TaskFilter) ([]*Task, error)
	// ReportProgress adds a progress report; Done completes the task.
	// Errors: invalid, forbidden (not the lead), not_found, conflict (already done).
	ReportProgress(ctx context.Context, id int64, in ProgressInput) (*Task, error)
	// TaskStats counts the body's tasks as the Government reports them.
	// Errors: invalid, forbidden (guests).
	TaskStats(ctx context.Context, f TaskStatsFilter) (*TaskStatsReport, error)
}
