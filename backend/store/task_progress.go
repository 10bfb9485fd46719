package store

import (
	"context"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

type taskReportRow struct {
	ID         int64
	TaskID     int64
	ReportedBy int64
	Note       string
	Done       bool
	CreatedAt  time.Time
}

func (taskReportRow) TableName() string { return "task_reports" }

func (r *taskReportRow) domain() *ecabinet.TaskReport {
	return &ecabinet.TaskReport{ID: r.ID, TaskID: r.TaskID, ReportedBy: r.ReportedBy, Note: r.Note, Done: r.Done, CreatedAt: r.CreatedAt}
}

// ReportProgress records a progress report by the task's lead (the lead
// member, or an active member of the lead organisation) or by the
// secretariat on the lead's behalf. A report with Done completes the task
// at the time of the report; only one report completes a task (the
// conditional update and a unique index make sure of it), and notes may
// follow it.
func (s *TaskService) ReportProgress(ctx context.Context, id int64, in ecabinet.ProgressInput) (*ecabinet.Task, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		v, err := loadTask(tx.DB, a, id)
		if err != nil {
			return err
		}
		ok, err := ecabinet.MayReportProgress(a, func() ([]int64, error) { return leadMembers(tx.DB, &v.Task) })
		if err != nil {
			return err
		}
		if !ok {
			return ecabinet.Errorf(ecabinet.EFORBIDDEN, "task.not_lead")
		}
		now := s.db.Now()
		upd := tx.Model(&taskRow{}).Where("id = ?", id)
		fields := map[string]any{"updated_at": now}
		if in.Done {
			upd, fields["completed_at"] = upd.Where("completed_at IS NULL"), now
		}
		res := upd.Updates(fields)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "task.done")
		}
		if err := tx.Create(&taskReportRow{TaskID: id, ReportedBy: a.MemberID, Note: in.Note, Done: in.Done, CreatedAt: now}).Error; err != nil {
			return err
		}
		return s.emitTask(tx, id)
	})
	if err != nil {
		return nil, err
	}
	return s.FindTask(ctx, id)
}

// TaskStats counts the body's tasks (every member but guests may see the
// counts; they name no task).
func (s *TaskService) TaskStats(ctx context.Context, f ecabinet.TaskStatsFilter) (*ecabinet.TaskStatsReport, error) {
	a, err := ecabinet.BodyMembers.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	asOf := s.db.Now()
	if f.AsOf != nil {
		asOf = f.AsOf.UTC()
	}
	body, err := s.db.findBody(ctx, s.db.read(ctx), a.BodyID)
	if err != nil {
		return nil, err
	}
	q := s.db.read(ctx).Model(&taskRow{}).Select("organization, assigned_at, deadline, completed_at").
		Where("body_id = ? AND assigned_at <= ?", a.BodyID, asOf)
	if f.From != nil {
		q = q.Where("assigned_at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("assigned_at < ?", f.To.UTC())
	}
	if f.Organization != "" {
		q = q.Where("organization = ?", f.Organization)
	}
	var rows []taskRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	facts := make([]ecabinet.TaskFacts, len(rows))
	for i := range rows {
		facts[i] = rows[i].facts()
	}
	out := &ecabinet.TaskStatsReport{AsOf: asOf, From: f.From, To: f.To, Group: f.Group}
	out.Total, out.Groups = ecabinet.ComputeTaskStats(facts, asOf, f.Group, body.Settings.Location())
	return out, nil
}

// Reminder kinds, recorded once per task in task_reminders.
const (
	remindBefore = "before"
	remindAfter  = "after"
)

// SendDueReminders reminds the leads of tasks not done: the body's
// TaskReminderDaysBefore days before the deadline (unless the task was
// assigned after that point: its assignment was the notice) and
// TaskReminderDaysAfter days after it. Each reminder of a task goes once,
// whatever instance sends it. It returns how many members were told.
func (s *TaskService) SendDueReminders(ctx context.Context) (int, error) {
	now := s.db.Now()
	var bodies []int64
	if err := s.db.read(ctx).Model(&taskRow{}).Distinct("body_id").Where("completed_at IS NULL").Pluck("body_id", &bodies).Error; err != nil {
		return 0, translate(err)
	}
	total := 0
	for _, bodyID := range bodies {
		body, err := s.db.findBody(ctx, s.db.read(ctx), bodyID)
		if err != nil {
			return total, err
		}
		before := time.Duration(body.Settings.TaskReminderDaysBefore) * 24 * time.Hour
		after := time.Duration(body.Settings.TaskReminderDaysAfter) * 24 * time.Hour
		open := func(kind string) *gorm.DB {
			return s.db.read(ctx).Where("body_id = ? AND completed_at IS NULL AND NOT EXISTS "+
				"(SELECT 1 FROM task_reminders AS r WHERE r.task_id = tasks.id AND r.kind = ?)", bodyID, kind)
		}
		var due []taskRow
		if before > 0 {
			var rows []taskRow
			if err := open(remindBefore).Where("deadline > ? AND deadline <= ?", now, now.Add(before)).Find(&rows).Error; err != nil {
				return total, translate(err)
			}
			for _, r := range rows {
				if r.AssignedAt.Before(r.Deadline.Add(-before)) {
					due = append(due, r)
				}
			}
		}
		var late []taskRow
		if after > 0 {
			if err := open(remindAfter).Where("deadline <= ?", now.Add(-after)).Find(&late).Error; err != nil {
				return total, translate(err)
			}
		}
		for kind, rows := range map[string][]taskRow{remindBefore: due, remindAfter: late} {
			for i := range rows {
				n, err := s.remind(ctx, &rows[i], kind, body.Settings.Location())
				total += n
				if err != nil {
					return total, err
				}
			}
		}
	}
	if total > 0 {
		s.notify.wake()
	}
	return total, nil
}

// AnnounceOverdue tells who follows a task (the live task boards and
// statistics) that it turned overdue: its status changes when the deadline
// passes, without any write that would emit an event. Each task is
// announced once, whatever instance notices. It returns how many were.
func (s *TaskService) AnnounceOverdue(ctx context.Context) (int, error) {
	var ids []int64
	if err := s.db.read(ctx).Model(&taskRow{}).
		Where("completed_at IS NULL AND deadline <= ? AND overdue_announced_at IS NULL", s.db.Now()).
		Order("id").Pluck("id", &ids).Error; err != nil {
		return 0, translate(err)
	}
	n := 0
	for _, id := range ids {
		announced := false // counted once committed
		err := s.db.write(ctx, func(tx *Tx) error {
			res := tx.Exec("UPDATE tasks SET overdue_announced_at = ? WHERE id = ? AND completed_at IS NULL AND overdue_announced_at IS NULL", s.db.Now(), id)
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error // done meanwhile, or announced by another instance
			}
			announced = true
			return s.emitTask(tx, id)
		})
		if err != nil {
			return n, err
		}
		if announced {
			n++
		}
	}
	return n, nil
}

// remind records a task's reminder of kind and, if this call recorded it,
// notifies the lead's members.
func (s *TaskService) remind(ctx context.Context, r *taskRow, kind string, loc *time.Location) (int, error) {
	n := 0
	err := s.db.write(ctx, func(tx *Tx) error {
		res := tx.Exec("INSERT INTO task_reminders (task_id, kind, recipients, sent_at) VALUES (?, ?, 0, ?) ON CONFLICT DO NOTHING", r.ID, kind, s.db.Now())
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error // another instance sent it
		}
		ids, err := leadMembers(tx.DB, r)
		if err != nil {
			return err
		}
		due := r.Deadline.Add(-time.Second).In(loc).Format("02/01/2006")
		subject := "Nhắc hạn nhiệm vụ: " + r.Title
		text := fmt.Sprintf("Nhiệm vụ %q đến hạn hoàn thành ngày %s.", r.Title, due)
		if kind == remindAfter {
			subject = "Nhiệm vụ quá hạn: " + r.Title
			text = fmt.Sprintf("Nhiệm vụ %q đã quá hạn (hạn hoàn thành ngày %s) mà chưa hoàn thành.", r.Title, due)
		}
		if n, err = s.notify.notifyAll(tx, r.BodyID, ids, ecabinet.EventTaskReminder, subject, text, fmt.Sprintf("task:%d", r.ID), r.Title); err != nil {
			return err
		}
		return tx.Exec("UPDATE task_reminders SET recipients = ? WHERE task_id = ? AND kind = ?", n, r.ID, kind).Error
	})
	return n, err
}
