package http

import (
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
)

type transitionRequest struct {
	Action ecabinet.MeetingAction `json:"action"`
	// Reason, from the chair, starts a session without quorum.
	Reason string `json:"reason,omitempty"`
}

type reorderRequest struct {
	IDs []int64 `json:"ids"`
}

type attendanceResponse struct {
	Attendance []*ecabinet.Attendance `json:"attendance"`
	Quorum     ecabinet.Quorum        `json:"quorum"`
}

type attendanceOne struct {
	Attendance *ecabinet.Attendance `json:"attendance"`
	Quorum     ecabinet.Quorum      `json:"quorum"`
}

func queryTime(c *fiber.Ctx, name string) (*time.Time, error) {
	raw := c.Query(name)
	if raw == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		return nil, &ecabinet.Error{Code: ecabinet.EINVALID, Key: "query.invalid", Field: name, Args: []any{name}}
	}
	return &t, nil
}

func (s *Server) listMeetings(c *fiber.Ctx) error {
	var f ecabinet.MeetingFilter
	if st := c.Query("status"); st != "" {
		f.Status = ecabinet.MeetingStatus(strings.Clone(st))
		if !isMeetingStatus(f.Status) {
			return &ecabinet.Error{Code: ecabinet.EINVALID, Key: "query.invalid", Field: "status", Args: []any{"status"}}
		}
	}
	var err error
	if f.From, err = queryTime(c, "from"); err != nil {
		return err
	}
	if f.To, err = queryTime(c, "to"); err != nil {
		return err
	}
	ms, err := s.opts.Meetings.ListMeetings(c.UserContext(), f)
	if err != nil {
		return err
	}
	return ok(c, ms)
}

func isMeetingStatus(st ecabinet.MeetingStatus) bool {
	for _, x := range ecabinet.MeetingStatuses {
		if st == x {
			return true
		}
	}
	return false
}

func (s *Server) createMeeting(c *fiber.Ctx) error {
	var in ecabinet.MeetingInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.opts.Meetings.CreateMeeting(c.UserContext(), in)
	if err != nil {
		return err
	}
	return created(c, m)
}

func (s *Server) getMeeting(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	m, err := s.opts.Meetings.FindMeeting(c.UserContext(), id)
	if err != nil {
		return err
	}
	return ok(c, m)
}

func (s *Server) updateMeeting(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in ecabinet.MeetingInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.opts.Meetings.UpdateMeeting(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return ok(c, m)
}

func (s *Server) transitionMeeting(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in transitionRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	valid := false
	for _, a := range ecabinet.MeetingActions {
		valid = valid || a == in.Action
	}
	if !valid {
		return ecabinet.FieldError("action", "field.enum", "action")
	}
	var override *ecabinet.OverrideInput
	if in.Reason != "" {
		override = &ecabinet.OverrideInput{Reason: in.Reason}
	}
	m, err := s.opts.Meetings.Transition(c.UserContext(), id, in.Action, override)
	if err != nil {
		return err
	}
	return ok(c, m)
}

func (s *Server) meetingState(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	st, err := s.opts.Meetings.MeetingState(c.UserContext(), id)
	if err != nil {
		return err
	}
	return ok(c, st)
}

// withID reads :id (a session, a vote, a document, a ballot…) and calls fn with it.
func withID(fn func(c *fiber.Ctx, id int64) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := paramID(c, "id")
		if err != nil {
			return err
		}
		return fn(c, id)
	}
}

// withItem reads :id and :item and calls fn with them.
func withItem(fn func(c *fiber.Ctx, id, item int64) error) fiber.Handler {
	return withID(func(c *fiber.Ctx, id int64) error {
		item, err := paramID(c, "item")
		if err != nil {
			return err
		}
		return fn(c, id, item)
	})
}

func (s *Server) getAgenda(c *fiber.Ctx, id int64) error {
	items, err := s.opts.Agenda.Agenda(c.UserContext(), id)
	return reply(c, items, err)
}

func (s *Server) addAgendaItem(c *fiber.Ctx, id int64) error {
	var in ecabinet.AgendaItemInput
	if err := decode(c, &in); err != nil {
		return err
	}
	items, err := s.opts.Agenda.AddItem(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return created(c, items)
}

func (s *Server) updateAgendaItem(c *fiber.Ctx, id, item int64) error {
	var in ecabinet.AgendaItemInput
	if err := decode(c, &in); err != nil {
		return err
	}
	items, err := s.opts.Agenda.UpdateItem(c.UserContext(), id, item, in)
	return reply(c, items, err)
}

func (s *Server) reorderAgenda(c *fiber.Ctx, id int64) error {
	var in reorderRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	items, err := s.opts.Agenda.ReorderAgenda(c.UserContext(), id, in.IDs)
	return reply(c, items, err)
}

func (s *Server) deferAgendaItem(c *fiber.Ctx, id, item int64) error {
	items, err := s.opts.Agenda.DeferItem(c.UserContext(), id, item)
	return reply(c, items, err)
}

func (s *Server) activateAgendaItem(c *fiber.Ctx, id, item int64) error {
	items, err := s.opts.Agenda.ActivateItem(c.UserContext(), id, item)
	return reply(c, items, err)
}

func (s *Server) nextAgendaItem(c *fiber.Ctx, id int64) error {
	items, err := s.opts.Agenda.NextItem(c.UserContext(), id)
	return reply(c, items, err)
}

func (s *Server) getAttendance(c *fiber.Ctx, id int64) error {
	rows, q, err := s.opts.Attendance.Attendance(c.UserContext(), id)
	return reply(c, attendanceResponse{Attendance: rows, Quorum: q}, err)
}

func (s *Server) checkIn(c *fiber.Ctx, id int64) error {
	row, q, err := s.opts.Attendance.CheckIn(c.UserContext(), id)
	return reply(c, attendanceOne{Attendance: row, Quorum: q}, err)
}

func (s *Server) setAttendance(c *fiber.Ctx, id int64) error {
	member, err := paramID(c, "member")
	if err != nil {
		return err
	}
	var in ecabinet.AttendanceInput
	if err := decode(c, &in); err != nil {
		return err
	}
	row, q, err := s.opts.Attendance.SetAttendance(c.UserContext(), id, member, in)
	return reply(c, attendanceOne{Attendance: row, Quorum: q}, err)
}

func (s *Server) setAttendanceBatch(c *fiber.Ctx, id int64) error {
	var in ecabinet.AttendanceBatchInput
	if err := decode(c, &in); err != nil {
		return err
	}
	rows, q, err := s.opts.Attendance.SetAttendanceBatch(c.UserContext(), id, in)
	return reply(c, attendanceResponse{Attendance: rows, Quorum: q}, err)
}

func (s *Server) getSpeakers(c *fiber.Ctx, id, item int64) error {
	sp, err := s.opts.Speakers.Speakers(c.UserContext(), id, item)
	return reply(c, sp, err)
}

func (s *Server) requestFloor(c *fiber.Ctx, id, item int64) error {
	sp, err := s.opts.Speakers.RequestFloor(c.UserContext(), id, item)
	if err != nil {
		return err
	}
	return created(c, sp)
}

func (s *Server) withdrawFloor(c *fiber.Ctx, id, item int64) error {
	sp, err := s.opts.Speakers.WithdrawFloor(c.UserContext(), id, item)
	return reply(c, sp, err)
}

func (s *Server) speakerAction(give bool) func(c *fiber.Ctx, id, item int64) error {
	return func(c *fiber.Ctx, id, item int64) error {
		sp, err := paramID(c, "speaker")
		if err != nil {
			return err
		}
		var out []*ecabinet.Speaker
		if give {
			out, err = s.opts.Speakers.GiveFloor(c.UserContext(), id, item, sp)
		} else {
			out, err = s.opts.Speakers.EndFloor(c.UserContext(), id, item, sp)
		}
		return reply(c, out, err)
	}
}
