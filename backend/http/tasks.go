package http

import (
	"io"
	"strconv"
	"strings"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/report"
	"github.com/gofiber/fiber/v2"
)

// taskQuery documents the filters of the task lists.
var taskQuery = append([]param{
	{"organization", "string", "the organisation credited (the lead organisation, or the lead member's)"},
	{"status", "string", "in_progress, done_on_time, done_late or overdue (now)"},
	{"lead_member", "integer", "tasks led by this member"},
	{"meeting", "integer", "tasks from this session's conclusion notice"},
	{"ballot", "integer", "tasks from this ballot"},
	{"limit", "integer", "at most this many (default 100, at most 1000; not for CSV)"},
	{"offset", "integer", "skip this many"},
}, periodQuery...)

// statsQuery documents the statistics parameters.
var statsQuery = append([]param{
	{"group", "string", "organization, month or year (of assignment); empty: the total only"},
	{"as_of", "string", "statuses at this time (RFC 3339; default now)"},
	{"organization", "string", "only this organisation's tasks"},
}, periodQuery...)

// queryInt reads an optional non-negative integer query parameter.
func queryInt(c *fiber.Ctx, name string) (int64, error) {
	raw := c.Query(name)
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return 0, invalidQuery(name)
	}
	return n, nil
}

func taskFilter(c *fiber.Ctx) (ecabinet.TaskFilter, error) {
	f := ecabinet.TaskFilter{Organization: strings.Clone(c.Query("organization")), Status: ecabinet.TaskStatus(strings.Clone(c.Query("status")))}
	var err error
	if f.LeadMemberID, err = queryInt(c, "lead_member"); err != nil {
		return f, err
	}
	if f.MeetingID, err = queryInt(c, "meeting"); err != nil {
		return f, err
	}
	if f.BallotID, err = queryInt(c, "ballot"); err != nil {
		return f, err
	}
	var limit, offset int64
	if limit, err = queryInt(c, "limit"); err != nil {
		return f, err
	}
	if offset, err = queryInt(c, "offset"); err != nil {
		return f, err
	}
	f.Limit, f.Offset = int(min(limit, 1<<30)), int(min(offset, 1<<30))
	if f.From, err = queryTime(c, "from"); err != nil {
		return f, err
	}
	f.To, err = queryTime(c, "to")
	return f, err
}

func (s *Server) listTasks(c *fiber.Ctx) error {
	f, err := taskFilter(c)
	if err != nil {
		return err
	}
	ts, err := s.opts.Tasks.ListTasks(c.UserContext(), f)
	return reply(c, ts, err)
}

func (s *Server) createTask(c *fiber.Ctx) error {
	var in ecabinet.TaskInput
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := s.opts.Tasks.CreateTask(c.UserContext(), in)
	if err != nil {
		return err
	}
	return created(c, t)
}

func (s *Server) getTask(c *fiber.Ctx, id int64) error {
	t, err := s.opts.Tasks.FindTask(c.UserContext(), id)
	return reply(c, t, err)
}

func (s *Server) updateTask(c *fiber.Ctx, id int64) error {
	var in ecabinet.TaskInput
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := s.opts.Tasks.UpdateTask(c.UserContext(), id, in)
	return reply(c, t, err)
}

func (s *Server) reportTask(c *fiber.Ctx, id int64) error {
	var in ecabinet.ProgressInput
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := s.opts.Tasks.ReportProgress(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return created(c, t)
}

func (s *Server) statsReport(c *fiber.Ctx) (*ecabinet.TaskStatsReport, error) {
	f := ecabinet.TaskStatsFilter{Group: strings.Clone(c.Query("group")), Organization: strings.Clone(c.Query("organization"))}
	var err error
	if f.From, err = queryTime(c, "from"); err != nil {
		return nil, err
	}
	if f.To, err = queryTime(c, "to"); err != nil {
		return nil, err
	}
	if f.AsOf, err = queryTime(c, "as_of"); err != nil {
		return nil, err
	}
	return s.opts.Tasks.TaskStats(c.UserContext(), f)
}

func (s *Server) taskStats(c *fiber.Ctx) error {
	rep, err := s.statsReport(c)
	return reply(c, rep, err)
}

func (s *Server) taskStatsCSV(c *fiber.Ctx) error {
	rep, err := s.statsReport(c)
	if err != nil {
		return err
	}
	return s.sendCSV(c, "task_stats", "thong-ke-nhiem-vu.csv", func(w io.Writer) error { return report.WriteTaskStatsCSV(w, rep) })
}

func (s *Server) tasksCSV(c *fiber.Ctx) error {
	f, err := taskFilter(c)
	if err != nil {
		return err
	}
	tasks, err := s.opts.Tasks.ExportTasks(c.UserContext(), f)
	if err != nil {
		return err
	}
	members, err := s.opts.Members.ListMembers(c.UserContext())
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(members))
	for _, m := range members {
		names[m.ID] = m.FullName
	}
	loc, err := s.bodyLocation(c)
	if err != nil {
		return err
	}
	return s.sendCSV(c, "tasks", "nhiem-vu.csv", func(w io.Writer) error { return report.WriteTasksCSV(w, tasks, names, loc) })
}
