package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

type taskRow struct {
	ID           int64
	BodyID       int64
	ConclusionID *int64
	ItemID       *int64
	BallotID     *int64
	Title        string
	Description  string
	LeadOrg      *string
	LeadMemberID *int64
	Organization string
	CoUnits      string
	DueDate      string
	Deadline     time.Time
	AssignedBy   int64
	AssignedAt   time.Time
	CompletedAt  *time.Time
	UpdatedAt    time.Time
}

func (taskRow) TableName() string { return "tasks" }

// taskView is a task with the session of its conclusion.
type taskView struct {
	Task      taskRow `gorm:"embedded"`
	MeetingID *int64  `gorm:"column:meeting_id"`
}

func (r *taskRow) facts() ecabinet.TaskFacts {
	return ecabinet.TaskFacts{Organization: r.Organization, AssignedAt: r.AssignedAt, Deadline: r.Deadline, CompletedAt: r.CompletedAt}
}

// domain returns the task with its status at now.
func (v *taskView) domain(now time.Time) *ecabinet.Task {
	r := &v.Task
	t := &ecabinet.Task{ID: r.ID, BodyID: r.BodyID, Source: ecabinet.SourceBallot, ConclusionID: r.ConclusionID, MeetingID: v.MeetingID,
		ItemID: r.ItemID, BallotID: r.BallotID, Title: r.Title, Description: r.Description, LeadMemberID: r.LeadMemberID,
		Organization: r.Organization, CoUnits: []string{}, DueDate: r.DueDate, Deadline: r.Deadline, Status: r.facts().StatusAt(now),
		AssignedBy: r.AssignedBy, AssignedAt: r.AssignedAt, CompletedAt: r.CompletedAt, UpdatedAt: r.UpdatedAt}
	if r.ConclusionID != nil {
		t.Source = ecabinet.SourceConclusion
	}
	if r.LeadOrg != nil {
		t.LeadOrg = *r.LeadOrg
	}
	_ = json.Unmarshal([]byte(r.CoUnits), &t.CoUnits)
	return t
}

// TaskService implements ecabinet.TaskService; reminders go through the notifier.
type TaskService struct {
	db     *DB
	notify *Notifier
}

// NewTaskService returns a TaskService.
func NewTaskService(db *DB, notify *Notifier) *TaskService {
	return &TaskService{db: db, notify: notify}
}

var _ ecabinet.TaskService = (*TaskService)(nil)

// visibleTasks selects the tasks of the actor's body the actor may see: all
// for the secretariat; for others those they lead, those of their
// organisation, and those of the sessions and ballots they take part in.
func visibleTasks(tx *gorm.DB, a ecabinet.Actor) (*gorm.DB, error) {
	q := tx.Table("tasks AS t").Select("t.*, c.meeting_id AS meeting_id").
		Joins("LEFT JOIN conclusions AS c ON c.id = t.conclusion_id").Where("t.body_id = ?", a.BodyID)
	if a.IsSecretariat() {
		return q, nil
	}
	var org string
	if err := tx.Model(&memberRow{}).Select("organization").Where("id = ?", a.MemberID).Scan(&org).Error; err != nil {
		return nil, err
	}
	return q.Where("(t.lead_member_id = ? OR t.lead_org = ? "+
		"OR EXISTS (SELECT 1 FROM attendance AS x WHERE x.meeting_id = c.meeting_id AND x.member_id = ?) "+
		"OR EXISTS (SELECT 1 FROM ballot_recipients AS r WHERE r.ballot_id = t.ballot_id AND r.member_id = ?))",
		a.MemberID, org, a.MemberID, a.MemberID), nil
}

// loadTask returns a task the actor may see.
func loadTask(tx *gorm.DB, a ecabinet.Actor, id int64) (*taskView, error) {
	q, err := visibleTasks(tx, a)
	if err != nil {
		return nil, err
	}
	var rows []taskView
	if err := q.Where("t.id = ?", id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, ecabinet.NotFound("task")
	}
	return &rows[0], nil
}

// leadMembers returns the active members who act for a task's lead: the
// lead member, or the members of the lead organisation.
func leadMembers(tx *gorm.DB, r *taskRow) ([]int64, error) {
	var ids []int64
	q := tx.Model(&memberRow{}).Where("body_id = ? AND active", r.BodyID)
	if r.LeadMemberID != nil {
		q = q.Where("id = ?", *r.LeadMemberID)
	} else {
		q = q.Where("organization = ?", *r.LeadOrg)
	}
	err := q.Order("id").Pluck("id", &ids).Error
	return ids, err
}

// emitTask tells who may see the task (see visibleTasks) that it changed.
func (s *TaskService) emitTask(tx *Tx, id int64) error {
	var rows []taskView
	if err := tx.Table("tasks AS t").Select("t.*, c.meeting_id AS meeting_id").Joins("LEFT JOIN conclusions AS c ON c.id = t.conclusion_id").
		Where("t.id = ?", id).Scan(&rows).Error; err != nil || len(rows) == 0 {
		return err
	}
	v := &rows[0]
	ids, err := leadMembers(tx.DB, &v.Task)
	if err != nil {
		return err
	}
	var more []int64
	if v.MeetingID != nil {
		more, err = invitees(tx.DB, *v.MeetingID)
	} else if v.Task.BallotID != nil {
		more, err = ballotRecipients(tx.DB, *v.Task.BallotID)
	}
	if err != nil {
		return err
	}
	for _, m := range more {
		if !slices.Contains(ids, m) {
			ids = append(ids, m)
		}
	}
	vis := ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudienceSecretariat}
	if len(ids) > 0 {
		vis = ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Recipients: ids}
	}
	return tx.emit(v.Task.BodyID, ecabinet.BodyScope(v.Task.BodyID), ecabinet.EventTaskUpdated, map[string]any{"task": v.domain(s.db.Now())}, vis)
}

// checkSource checks a new task's source: a published conclusion of the
// body (and an agenda item of its session), or a closed ballot.
func checkSource(tx *gorm.DB, a ecabinet.Actor, in ecabinet.TaskInput) error {
	if in.ConclusionID != nil {
		var c conclusionRow
		err := tx.Where("id = ? AND body_id = ?", *in.ConclusionID, a.BodyID).Take(&c).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ecabinet.FieldError("conclusion_id", "not_found.conclusion")
		}
		if err != nil {
			return err
		}
		if c.Status != string(ecabinet.ConclusionPublished) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "task.conclusion_not_published")
		}
		if in.ItemID != nil {
			if _, err := findItem(tx, c.MeetingID, *in.ItemID); ecabinet.ErrorCode(err) == ecabinet.ENOTFOUND {
				return ecabinet.FieldError("item_id", "task.item_unknown")
			} else if err != nil {
				return err
			}
		}
		return nil
	}
	var b ballotRow
	err := tx.Where("id = ? AND body_id = ?", *in.BallotID, a.BodyID).Take(&b).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ecabinet.FieldError("ballot_id", "not_found.ballot")
	}
	if err != nil {
		return err
	}
	if b.Status != string(ecabinet.BallotClosed) {
		return ecabinet.Errorf(ecabinet.ECONFLICT, "task.ballot_not_closed")
	}
	return nil
}

// setFields applies the editable fields of in to r: lead (and the
// organisation credited), co-operating units, due date and deadline.
func (s *TaskService) setFields(tx *gorm.DB, a ecabinet.Actor, r *taskRow, in ecabinet.TaskInput) error {
	// Organisations are named as the body's list spells them.
	orgs, err := loadOrgs(tx, a.BodyID)
	if err != nil {
		return err
	}
	if in.LeadOrg, err = orgs.resolve("lead_org", in.LeadOrg); err != nil {
		return err
	}
	for i, u := range in.CoUnits {
		if in.CoUnits[i], err = orgs.resolve("co_units", u); err != nil {
			return err
		}
		if in.CoUnits[i] == in.LeadOrg || slices.Contains(in.CoUnits[:i], in.CoUnits[i]) {
			return ecabinet.FieldError("co_units", "field.duplicate", "co_units")
		}
	}
	if in.LeadMemberID != nil {
		lead, err := s.db.findMember(tx.Statement.Context, tx, a.BodyID, *in.LeadMemberID)
		if ecabinet.ErrorCode(err) == ecabinet.ENOTFOUND || (err == nil && !lead.Active) {
			return ecabinet.FieldError("lead_member_id", "task.lead_unknown")
		}
		if err != nil {
			return err
		}
		// A lead is a member of the body (a minister; the chair): never the
		// secretariat, an admin or a guest.
		if lead.Role != ecabinet.RoleMember && lead.Role != ecabinet.RoleChair {
			return ecabinet.FieldError("lead_member_id", "task.lead_role")
		}
		r.LeadMemberID, r.LeadOrg, r.Organization = &lead.ID, nil, lead.Organization
	} else {
		org := in.LeadOrg
		r.LeadMemberID, r.LeadOrg, r.Organization = nil, &org, org
	}
	if in.DueDate != r.DueDate {
		body, err := s.db.findBody(tx.Statement.Context, tx, a.BodyID)
		if err != nil {
			return err
		}
		deadline, err := ecabinet.Deadline(in.DueDate, body.Settings.Location())
		if err != nil {
			return err
		}
		if !deadline.After(s.db.Now()) {
			return ecabinet.FieldError("due_date", "task.due_past")
		}
		r.DueDate, r.Deadline = in.DueDate, deadline
	}
	units, _ := json.Marshal(in.CoUnits)
	r.Title, r.Description, r.CoUnits, r.UpdatedAt = in.Title, in.Description, string(units), s.db.Now()
	return nil
}

// CreateTask assigns a task.
func (s *TaskService) CreateTask(ctx context.Context, in ecabinet.TaskInput) (*ecabinet.Task, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(true); err != nil {
		return nil, err
	}
	var out *ecabinet.Task
	err = s.db.write(ctx, func(tx *Tx) error {
		if err := checkSource(tx.DB, a, in); err != nil {
			return err
		}
		now := s.db.Now()
		row := taskRow{BodyID: a.BodyID, ConclusionID: in.ConclusionID, ItemID: in.ItemID, BallotID: in.BallotID,
			AssignedBy: a.MemberID, AssignedAt: now}
		if err := s.setFields(tx.DB, a, &row, in); err != nil {
			return err
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if err := s.emitTask(tx, row.ID); err != nil {
			return err
		}
		v, err := loadTask(tx.DB, a, row.ID)
		if err == nil {
			out = v.domain(now)
		}
		return err
	})
	return out, err
}

// UpdateTask edits a task that is not done: its text, lead, co-operating
// units or due date (an extension moves the deadline).
func (s *TaskService) UpdateTask(ctx context.Context, id int64, in ecabinet.TaskInput) (*ecabinet.Task, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(false); err != nil {
		return nil, err
	}
	var out *ecabinet.Task
	err = s.db.write(ctx, func(tx *Tx) error {
		v, err := loadTask(tx.DB, a, id)
		if err != nil {
			return err
		}
		row := v.Task
		if err := s.setFields(tx.DB, a, &row, in); err != nil {
			return err
		}
		res := tx.Model(&taskRow{}).Where("id = ? AND completed_at IS NULL", id).Updates(map[string]any{
			"title": row.Title, "description": row.Description, "lead_org": row.LeadOrg, "lead_member_id": row.LeadMemberID,
			"organization": row.Organization, "co_units": row.CoUnits, "due_date": row.DueDate, "deadline": row.Deadline, "updated_at": row.UpdatedAt})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "task.done")
		}
		if err := s.emitTask(tx, id); err != nil {
			return err
		}
		if v, err = loadTask(tx.DB, a, id); err == nil {
			out = v.domain(s.db.Now())
		}
		return err
	})
	return out, err
}

// FindTask returns a task with its progress reports, oldest first.
func (s *TaskService) FindTask(ctx context.Context, id int64) (*ecabinet.Task, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	var out *ecabinet.Task
	err = s.db.read(ctx).Transaction(func(tx *gorm.DB) error {
		v, err := loadTask(tx, a, id)
		if err != nil {
			return err
		}
		out = v.domain(s.db.Now())
		var reports []taskReportRow
		if err := tx.Where("task_id = ?", id).Order("created_at, id").Find(&reports).Error; err != nil {
			return err
		}
		out.Reports = make([]*ecabinet.TaskReport, len(reports))
		for i := range reports {
			out.Reports[i] = reports[i].domain()
		}
		return nil
	}, s.db.snapshotTx())
	return out, translate(err)
}

// filtered applies f to a query of visible tasks; status is judged at now.
func filtered(q *gorm.DB, f ecabinet.TaskFilter, now time.Time) *gorm.DB {
	if f.Organization != "" {
		q = q.Where("t.organization = ?", f.Organization)
	}
	if f.LeadMemberID != 0 {
		q = q.Where("t.lead_member_id = ?", f.LeadMemberID)
	}
	if f.MeetingID != 0 {
		q = q.Where("c.meeting_id = ?", f.MeetingID)
	}
	if f.BallotID != 0 {
		q = q.Where("t.ballot_id = ?", f.BallotID)
	}
	if f.From != nil {
		q = q.Where("t.assigned_at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("t.assigned_at < ?", f.To.UTC())
	}
	switch f.Status {
	case ecabinet.TaskDoneOnTime:
		q = q.Where("t.completed_at IS NOT NULL AND t.completed_at < t.deadline")
	case ecabinet.TaskDoneLate:
		q = q.Where("t.completed_at IS NOT NULL AND t.completed_at >= t.deadline")
	case ecabinet.TaskOverdue:
		q = q.Where("t.completed_at IS NULL AND t.deadline <= ?", now)
	case ecabinet.TaskInProgress:
		q = q.Where("t.completed_at IS NULL AND t.deadline > ?", now)
	}
	return q.Order("t.deadline, t.id")
}

// ListTasks returns a page of the tasks the actor may see, by deadline.
func (s *TaskService) ListTasks(ctx context.Context, f ecabinet.TaskFilter) ([]*ecabinet.Task, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return s.list(ctx, a, f, true)
}

// ExportTasks returns every task matching f (secretariat).
func (s *TaskService) ExportTasks(ctx context.Context, f ecabinet.TaskFilter) ([]*ecabinet.Task, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return s.list(ctx, a, f, false)
}

func (s *TaskService) list(ctx context.Context, a ecabinet.Actor, f ecabinet.TaskFilter, page bool) ([]*ecabinet.Task, error) {
	now := s.db.Now()
	var rows []taskView
	err := s.db.read(ctx).Transaction(func(tx *gorm.DB) error {
		q, err := visibleTasks(tx, a)
		if err != nil {
			return err
		}
		q = filtered(q, f, now)
		if page {
			q = q.Limit(f.Limit).Offset(f.Offset)
		}
		return q.Scan(&rows).Error
	}, s.db.snapshotTx())
	if err != nil {
		return nil, translate(err)
	}
	out := make([]*ecabinet.Task, len(rows))
	for i := range rows {
		out[i] = rows[i].domain(now)
	}
	return out, nil
}
