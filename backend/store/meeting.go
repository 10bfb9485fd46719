package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type meetingRow struct {
	ID             int64
	BodyID         int64
	Kind           string
	Title          string
	Status         string
	ScheduledStart time.Time
	ScheduledEnd   time.Time
	Place          string
	RemoteSites    string
	PublishedAt    *time.Time
	StartedAt      *time.Time
	EndedAt        *time.Time
	OverrideBy     *int64
	OverrideAt     *time.Time
	OverrideReason *string
	OverrideQuorum *string
	// Positions before the session and the consent block.
	PositionsCutoff   *time.Time
	PositionsClosedAt *time.Time
	ConsentTakenAt    *time.Time
	ConsentVoteID     *int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

func (meetingRow) TableName() string { return "meetings" }

// cutoff is when positions on the session's items stop: the secretariat's
// time, or the evening before the start in the body's time zone.
func (r *meetingRow) cutoff(loc *time.Location) time.Time {
	if r.PositionsCutoff != nil {
		return *r.PositionsCutoff
	}
	return ecabinet.DefaultCutoff(r.ScheduledStart, loc).UTC()
}

func (r *meetingRow) domain(invitees []int64, loc *time.Location) *ecabinet.Meeting {
	m := &ecabinet.Meeting{
		ID: r.ID, BodyID: r.BodyID, Kind: ecabinet.MeetingKind(r.Kind), Title: r.Title, Status: ecabinet.MeetingStatus(r.Status),
		ScheduledStart: r.ScheduledStart, ScheduledEnd: r.ScheduledEnd, Place: r.Place, RemoteSites: []string{},
		Invitees: invitees, PublishedAt: r.PublishedAt, StartedAt: r.StartedAt, EndedAt: r.EndedAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		PositionsCutoff: r.cutoff(loc), PositionsClosedAt: r.PositionsClosedAt, ConsentTakenAt: r.ConsentTakenAt, ConsentVoteID: r.ConsentVoteID,
	}
	_ = json.Unmarshal([]byte(r.RemoteSites), &m.RemoteSites)
	if m.RemoteSites == nil { // a session created without remote sites stores null
		m.RemoteSites = []string{}
	}
	if m.Invitees == nil {
		m.Invitees = []int64{}
	}
	if r.OverrideBy != nil && r.OverrideAt != nil {
		o := &ecabinet.QuorumOverride{By: *r.OverrideBy, At: *r.OverrideAt}
		if r.OverrideReason != nil {
			o.Reason = *r.OverrideReason
		}
		if r.OverrideQuorum != nil {
			_ = json.Unmarshal([]byte(*r.OverrideQuorum), &o.Quorum)
		}
		m.QuorumOverride = o
	}
	return m
}

// MeetingService implements ecabinet.MeetingService, AgendaService,
// AttendanceService and SpeakerService: they share the session's lock and
// its event stream.
type MeetingService struct {
	db     *DB
	notify *Notifier
}

// NewMeetingService returns a MeetingService over db.
func NewMeetingService(db *DB) *MeetingService { return &MeetingService{db: db} }

// Notifying makes the service notify the invitees through n when a session
// is published (otherwise the published session only reaches their
// tablets' streams).
func (s *MeetingService) Notifying(n *Notifier) *MeetingService {
	s.notify = n
	return s
}

var (
	_ ecabinet.MeetingService    = (*MeetingService)(nil)
	_ ecabinet.AgendaService     = (*MeetingService)(nil)
	_ ecabinet.AttendanceService = (*MeetingService)(nil)
	_ ecabinet.SpeakerService    = (*MeetingService)(nil)
)

// loadMeeting returns a session the actor may see (ecabinet.MaySeeMeeting).
// With lock, the row is locked for the transaction (all changes to one
// session queue on it).
func loadMeeting(tx *gorm.DB, a ecabinet.Actor, id int64, lock bool) (*meetingRow, error) {
	q := tx.Where("id = ? AND body_id = ?", id, a.BodyID)
	if lock && tx.Dialector.Name() == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var row meetingRow
	err := q.Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ecabinet.NotFound("meeting")
	}
	if err != nil {
		return nil, err
	}
	ok, err := ecabinet.MaySeeMeeting(a, row.BodyID, ecabinet.MeetingStatus(row.Status), func() (bool, error) {
		var n int64
		err := tx.Table("attendance").Where("meeting_id = ? AND member_id = ?", id, a.MemberID).Count(&n).Error
		return n > 0, err
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ecabinet.NotFound("meeting")
	}
	return &row, nil
}

func invitees(tx *gorm.DB, meetingID int64) ([]int64, error) {
	var ids []int64
	err := tx.Table("attendance").Where("meeting_id = ?", meetingID).Order("member_id").Pluck("member_id", &ids).Error
	return ids, err
}

func (s *MeetingService) full(tx *gorm.DB, row *meetingRow) (*ecabinet.Meeting, error) {
	ids, err := invitees(tx, row.ID)
	if err != nil {
		return nil, err
	}
	loc, err := bodyLocation(tx, row.BodyID)
	if err != nil {
		return nil, err
	}
	return row.domain(ids, loc), nil
}

// CreateMeeting drafts a session. Without invitees, every active voting member is invited.
func (s *MeetingService) CreateMeeting(ctx context.Context, in ecabinet.MeetingInput) (*ecabinet.Meeting, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *ecabinet.Meeting
	err = s.db.write(ctx, func(tx *Tx) error {
		sites, _ := json.Marshal(in.RemoteSites)
		now := s.db.Now()
		row := meetingRow{BodyID: a.BodyID, Kind: string(in.Kind), Title: in.Title, Status: string(ecabinet.MeetingDraft),
			ScheduledStart: in.ScheduledStart.UTC(), ScheduledEnd: in.ScheduledEnd.UTC(), Place: in.Place, RemoteSites: string(sites),
			CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if err := s.setInvitees(tx, a, row.ID, in.Invitees, true); err != nil {
			return err
		}
		if out, err = s.full(tx.DB, &row); err != nil {
			return err
		}
		return s.emitMeeting(tx, out)
	})
	return out, err
}

// setInvitees makes the attendance rows match ids: new invitees are
// expected; an invitee already recorded present, absent or by deputy cannot
// be removed.
func (s *MeetingService) setInvitees(tx *Tx, a ecabinet.Actor, meetingID int64, ids []int64, creating bool) error {
	if len(ids) == 0 && creating {
		if err := tx.Model(&memberRow{}).Where("body_id = ? AND active AND voting", a.BodyID).Order("id").Pluck("id", &ids).Error; err != nil {
			return err
		}
	}
	var valid []int64
	if len(ids) > 0 {
		if err := tx.Model(&memberRow{}).Where("body_id = ? AND active AND id IN ?", a.BodyID, ids).Pluck("id", &valid).Error; err != nil {
			return err
		}
	}
	if len(valid) != len(ids) {
		return ecabinet.FieldError("invitees", "meeting.invitee_unknown")
	}
	var current []struct {
		MemberID int64
		Status   string
	}
	if err := tx.Table("attendance").Select("member_id, status").Where("meeting_id = ?", meetingID).Scan(&current).Error; err != nil {
		return err
	}
	have := map[int64]bool{}
	for _, c := range current {
		have[c.MemberID] = true
		if slices.Contains(ids, c.MemberID) {
			continue
		}
		if c.Status != string(ecabinet.AttendanceExpected) {
			return ecabinet.FieldError("invitees", "meeting.invitee_attended")
		}
		if err := tx.Exec("DELETE FROM attendance WHERE meeting_id = ? AND member_id = ?", meetingID, c.MemberID).Error; err != nil {
			return err
		}
	}
	now := s.db.Now()
	for _, id := range ids {
		if have[id] {
			continue
		}
		if err := tx.Create(&attendanceRow{MeetingID: meetingID, MemberID: id, Status: string(ecabinet.AttendanceExpected), UpdatedAt: now}).Error; err != nil {
			return err
		}
	}
	return nil
}

// UpdateMeeting changes a session's details and invitees.
func (s *MeetingService) UpdateMeeting(ctx context.Context, id int64, in ecabinet.MeetingInput) (*ecabinet.Meeting, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *ecabinet.Meeting
	err = s.db.write(ctx, func(tx *Tx) error {
		row, err := loadMeeting(tx.DB, a, id, true)
		if err != nil {
			return err
		}
		if !ecabinet.MeetingStatus(row.Status).Editable() {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "meeting.closed")
		}
		if len(in.Invitees) == 0 {
			return ecabinet.FieldError("invitees", "field.required", "invitees")
		}
		sites, _ := json.Marshal(in.RemoteSites)
		if err := tx.Model(&meetingRow{}).Where("id = ?", id).Updates(map[string]any{
			"kind": string(in.Kind), "title": in.Title, "scheduled_start": in.ScheduledStart.UTC(), "scheduled_end": in.ScheduledEnd.UTC(),
			"place": in.Place, "remote_sites": string(sites), "updated_at": s.db.Now(),
		}).Error; err != nil {
			return err
		}
		if err := s.setInvitees(tx, a, id, in.Invitees, false); err != nil {
			return err
		}
		if out, err = s.reload(tx.DB, id); err != nil {
			return err
		}
		if err := s.emitMeeting(tx, out); err != nil {
			return err
		}
		if out.Status.Visible() { // the invitees receive the documents: the paper ledger changes
			return emitLedger(tx, out.BodyID, ecabinet.LedgerMeeting, id, ecabinet.ClassNone)
		}
		return nil
	})
	return out, err
}

func (s *MeetingService) reload(tx *gorm.DB, id int64) (*ecabinet.Meeting, error) {
	var row meetingRow
	if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, err
	}
	return s.full(tx, &row)
}

// emitMeeting tells the session's subscribers and the body's stream that the
// session changed. On the body stream a draft reaches only the secretariat
// and a published session only its invitees.
func (s *MeetingService) emitMeeting(tx *Tx, m *ecabinet.Meeting) error {
	data := map[string]any{"meeting": m}
	if err := tx.emit(m.BodyID, ecabinet.MeetingScope(m.ID), ecabinet.EventMeetingUpdated, data, ecabinet.Public); err != nil {
		return err
	}
	vis := ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudienceSecretariat}
	if m.Status.Visible() && len(m.Invitees) > 0 {
		vis = ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Recipients: m.Invitees}
	}
	return tx.emit(m.BodyID, ecabinet.BodyScope(m.BodyID), ecabinet.EventMeetingUpdated, data, vis)
}

// FindMeeting returns a session the actor may see.
func (s *MeetingService) FindMeeting(ctx context.Context, id int64) (*ecabinet.Meeting, error) {
	var out *ecabinet.Meeting
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		row, err := loadMeeting(tx, a, id, false)
		if err != nil {
			return err
		}
		out, err = s.full(tx, row)
		return err
	})
	return out, err
}

// ListMeetings returns the sessions the actor may see, latest first.
func (s *MeetingService) ListMeetings(ctx context.Context, f ecabinet.MeetingFilter) ([]*ecabinet.Meeting, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	out, err := listMeetings(s.db.read(ctx), a, f)
	return out, translate(err)
}

func listMeetings(tx *gorm.DB, a ecabinet.Actor, f ecabinet.MeetingFilter) ([]*ecabinet.Meeting, error) {
	q := tx.Where("body_id = ?", a.BodyID)
	if !a.IsSecretariat() {
		q = q.Where("status <> ? AND id IN (SELECT meeting_id FROM attendance WHERE member_id = ?)", string(ecabinet.MeetingDraft), a.MemberID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", string(f.Status))
	}
	if f.From != nil {
		q = q.Where("scheduled_start >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("scheduled_start < ?", f.To.UTC())
	}
	var rows []meetingRow
	if err := q.Order("scheduled_start DESC, id DESC").Limit(500).Find(&rows).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	var inv []struct{ MeetingID, MemberID int64 }
	if len(ids) > 0 {
		if err := tx.Table("attendance").Select("meeting_id, member_id").Where("meeting_id IN ?", ids).Order("member_id").Scan(&inv).Error; err != nil {
			return nil, err
		}
	}
	byMeeting := map[int64][]int64{}
	for _, x := range inv {
		byMeeting[x.MeetingID] = append(byMeeting[x.MeetingID], x.MemberID)
	}
	loc, err := bodyLocation(tx, a.BodyID)
	if err != nil {
		return nil, err
	}
	out := make([]*ecabinet.Meeting, len(rows))
	for i := range rows {
		out[i] = rows[i].domain(byMeeting[rows[i].ID], loc)
	}
	return out, nil
}

// MeetingState returns the whole session as the actor sees it, with the
// event position of the same snapshot.
func (s *MeetingService) MeetingState(ctx context.Context, id int64) (*ecabinet.MeetingState, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	st := &ecabinet.MeetingState{ServerTime: s.db.Now()}
	pos, err := s.db.snapshot(ctx, ecabinet.MeetingScope(id), func(tx *gorm.DB) error {
		row, err := loadMeeting(tx, a, id, false)
		if err != nil {
			return err
		}
		if st.Meeting, err = s.full(tx, row); err != nil {
			return err
		}
		if st.Agenda, err = agenda(tx, id); err != nil {
			return err
		}
		if st.Attendance, err = attendanceOf(tx, id); err != nil {
			return err
		}
		if st.Quorum, err = s.db.quorum(tx, a.BodyID, id); err != nil {
			return err
		}
		if st.Speakers, err = speakersOf(tx, id, 0); err != nil {
			return err
		}
		if st.Votes, err = votesOf(tx, a, id); err != nil {
			return err
		}
		if st.Conclusion, err = conclusionOf(tx, a, id); err != nil {
			return err
		}
		if st.Positions, err = positionsView(tx, a, row); err != nil {
			return err
		}
		if st.Minutes, err = minutesOf(tx, a, id); err != nil {
			return err
		}
		st.Documents, err = documentsOf(tx, a, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	st.Epoch, st.Seq = pos.Epoch, pos.Seq
	return st, nil
}
