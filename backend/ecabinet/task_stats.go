package ecabinet

import (
	"cmp"
	"slices"
	"time"
)

// Statistics groups.
const GroupOrganization = "organization"

// TaskStats counts tasks as the Government's reports do: assigned; done
// (on time, late); in progress within the deadline; overdue and not done.
// Every share is of the tasks assigned, in percent rounded half away from
// zero to one decimal (Share), each computed from its own count.
type TaskStats struct {
	// Key is the organisation, month or year of the group; empty for the total.
	Key          string  `json:"key"`
	Assigned     int     `json:"assigned"`
	Done         int     `json:"done"`
	DoneOnTime   int     `json:"done_on_time"`
	DoneLate     int     `json:"done_late"`
	InProgress   int     `json:"in_progress"`
	Overdue      int     `json:"overdue"`
	DonePc       float64 `json:"done_pc"`
	DoneOnTimePc float64 `json:"done_on_time_pc"`
	DoneLatePc   float64 `json:"done_late_pc"`
	InProgressPc float64 `json:"in_progress_pc"`
	OverduePc    float64 `json:"overdue_pc"`
}

func (s *TaskStats) count(st TaskStatus) {
	s.Assigned++
	switch st {
	case TaskDoneOnTime:
		s.Done++
		s.DoneOnTime++
	case TaskDoneLate:
		s.Done++
		s.DoneLate++
	case TaskOverdue:
		s.Overdue++
	default:
		s.InProgress++
	}
}

func (s *TaskStats) shares() {
	n := int64(s.Assigned)
	s.DonePc, s.DoneOnTimePc, s.DoneLatePc = Share(int64(s.Done), n), Share(int64(s.DoneOnTime), n), Share(int64(s.DoneLate), n)
	s.InProgressPc, s.OverduePc = Share(int64(s.InProgress), n), Share(int64(s.Overdue), n)
}

// TaskStatsFilter selects the tasks assigned in [From, To) that exist at
// AsOf (default: now), with their status at AsOf, grouped by organisation,
// month or year of assignment (or not grouped).
type TaskStatsFilter struct {
	From, To     *time.Time
	AsOf         *time.Time
	Group        string // "", organization, month or year
	Organization string // only this organisation's tasks
}

// Validate checks the filter.
func (f *TaskStatsFilter) Validate() error {
	switch f.Group {
	case "", GroupOrganization, GroupMonth, GroupYear:
	default:
		return FieldError("group", "field.enum", "group")
	}
	if f.From != nil && f.To != nil && !f.To.After(*f.From) {
		return FieldError("to", "field.time_order")
	}
	return nil
}

// TaskStatsReport is the statistics of a body's tasks at AsOf.
type TaskStatsReport struct {
	AsOf   time.Time   `json:"as_of"`
	From   *time.Time  `json:"from,omitempty"`
	To     *time.Time  `json:"to,omitempty"`
	Group  string      `json:"group"`
	Total  TaskStats   `json:"total"`
	Groups []TaskStats `json:"groups"`
}

// ComputeTaskStats counts facts at asOf, in total and per group (months
// and years in loc). Tasks assigned after asOf do not exist yet. Groups of
// organisations come by tasks assigned (most first), then name; periods in
// order.
func ComputeTaskStats(facts []TaskFacts, asOf time.Time, group string, loc *time.Location) (TaskStats, []TaskStats) {
	var total TaskStats
	byKey := map[string]*TaskStats{}
	for _, f := range facts {
		if f.AssignedAt.After(asOf) {
			continue
		}
		st := f.StatusAt(asOf)
		total.count(st)
		if group == "" {
			continue
		}
		key := f.Organization
		if group != GroupOrganization {
			key = PeriodKey(f.AssignedAt, loc, group)
		}
		g := byKey[key]
		if g == nil {
			g = &TaskStats{Key: key}
			byKey[key] = g
		}
		g.count(st)
	}
	total.shares()
	groups := make([]TaskStats, 0, len(byKey))
	for _, g := range byKey {
		g.shares()
		groups = append(groups, *g)
	}
	slices.SortFunc(groups, func(a, b TaskStats) int {
		if group == GroupOrganization {
			if c := cmp.Compare(b.Assigned, a.Assigned); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return total, groups
}
