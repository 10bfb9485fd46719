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

type voteRow struct {
	ID          int64
	BodyID      int64
	MeetingID   int64
	ItemID      int64
	Question    string
	Options     string
	Secret      bool
	Status      string
	OpenedBy    int64
	OpenedAt    time.Time
	ClosedAt    *time.Time
	Entitled    string
	QuorumOpen  string
	QuorumClose *string
	Result      *string
	ProgressAt  *time.Time
}

func (voteRow) TableName() string { return "votes" }

// VoteService implements ecabinet.VoteService.
type VoteService struct {
	db     *DB
	secret *secretBatches // choices of secret votes, written in batches (vote_secret.go)
}

// NewVoteService returns a VoteService. Each cast marks its vote's live
// count for the Progress pusher.
func NewVoteService(db *DB) *VoteService {
	s := &VoteService{db: db}
	s.secret = newSecretBatches(s)
	return s
}

var _ ecabinet.VoteService = (*VoteService)(nil)

// domain turns a row into the vote as actor a may see it: counts always,
// results once closed, named choices once closed and never for secret votes.
func (r *voteRow) domain(tx *gorm.DB, a ecabinet.Actor) (*ecabinet.Vote, error) {
	v := &ecabinet.Vote{ID: r.ID, MeetingID: r.MeetingID, ItemID: r.ItemID, Question: r.Question, Secret: r.Secret,
		Status: ecabinet.VoteStatus(r.Status), OpenedBy: r.OpenedBy, OpenedAt: r.OpenedAt, ClosedAt: r.ClosedAt}
	if err := errors.Join(json.Unmarshal([]byte(r.Options), &v.Options), json.Unmarshal([]byte(r.Entitled), &v.Entitled),
		json.Unmarshal([]byte(r.QuorumOpen), &v.QuorumAtOpen)); err != nil {
		return nil, err
	}
	if r.QuorumClose != nil {
		v.QuorumAtClose = &ecabinet.Quorum{}
		if err := json.Unmarshal([]byte(*r.QuorumClose), v.QuorumAtClose); err != nil {
			return nil, err
		}
	}
	if r.Result != nil {
		v.Result = &ecabinet.Tally{}
		if err := json.Unmarshal([]byte(*r.Result), v.Result); err != nil {
			return nil, err
		}
	}
	var parts []struct {
		MemberID int64
		Option   *string
	}
	if err := tx.Table("vote_participation").Select("member_id, option").Where("vote_id = ?", r.ID).Order("member_id").Scan(&parts).Error; err != nil {
		return nil, err
	}
	v.Cast = len(parts)
	for _, p := range parts {
		if p.MemberID == a.MemberID {
			v.Voted = true
			if p.Option != nil {
				v.MyChoice = *p.Option
			}
		}
		if !r.Secret && r.Status == string(ecabinet.VoteClosed) && p.Option != nil {
			v.Ballots = append(v.Ballots, ecabinet.NamedChoice{MemberID: p.MemberID, Option: *p.Option})
		}
	}
	return v, nil
}

// loadVote returns a vote of a session the actor may see, optionally locked
// (FOR SHARE for casting, FOR UPDATE for closing).
func loadVote(tx *gorm.DB, a ecabinet.Actor, id int64, lock string) (*voteRow, error) {
	q := tx.Where("id = ? AND body_id = ?", id, a.BodyID)
	if lock != "" && tx.Dialector.Name() == Postgres {
		q = q.Clauses(clause.Locking{Strength: lock})
	}
	var row voteRow
	err := q.Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ecabinet.NotFound("vote")
	}
	if err != nil {
		return nil, err
	}
	if _, err := loadMeeting(tx, a, row.MeetingID, false); err != nil {
		return nil, ecabinet.NotFound("vote")
	}
	return &row, nil
}

// entitled lists the members who may vote now: present voting members, and
// members represented by a deputy when the body lets deputies vote.
func entitled(tx *gorm.DB, meetingID int64, s ecabinet.BodySettings) ([]int64, error) {
	statuses := []string{string(ecabinet.AttendancePresent)}
	if ecabinet.CountsForQuorum(ecabinet.AttendanceDeputy, s) {
		statuses = append(statuses, string(ecabinet.AttendanceDeputy))
	}
	var ids []int64
	err := tx.Table("attendance AS a").Joins("JOIN members m ON m.id = a.member_id").
		Where("a.meeting_id = ? AND m.active AND m.voting AND a.status IN ?", meetingID, statuses).Order("a.member_id").Pluck("a.member_id", &ids).Error
	return ids, err
}

// OpenVote opens a vote on an agenda item of a live session.
func (s *VoteService) OpenVote(ctx context.Context, meetingID int64, in ecabinet.VoteInput) (*ecabinet.Vote, error) {
	a, err := ecabinet.Presiding.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *ecabinet.Vote
	err = s.db.write(ctx, func(tx *Tx) error {
		m, err := loadMeeting(tx.DB, a, meetingID, true)
		if err != nil {
			return err
		}
		if m.Status != string(ecabinet.MeetingLive) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "meeting.not_live")
		}
		if _, err := findItem(tx.DB, meetingID, in.ItemID); err != nil {
			return ecabinet.FieldError("item_id", "not_found.agenda_item")
		}
		body, err := s.db.findBody(ctx, tx.DB, a.BodyID)
		if err != nil {
			return err
		}
		ids, err := entitled(tx.DB, meetingID, body.Settings)
		if err != nil {
			return err
		}
		q, err := s.db.quorum(tx.DB, a.BodyID, meetingID)
		if err != nil {
			return err
		}
		opts, _ := json.Marshal(in.Options)
		ent, _ := json.Marshal(ids)
		qj, _ := json.Marshal(q)
		row := voteRow{BodyID: a.BodyID, MeetingID: meetingID, ItemID: in.ItemID, Question: in.Question, Options: string(opts), Secret: in.Secret,
			Status: string(ecabinet.VoteOpen), OpenedBy: a.MemberID, OpenedAt: s.db.Now(), Entitled: string(ent), QuorumOpen: string(qj)}
		if err := tx.Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return ecabinet.Errorf(ecabinet.ECONFLICT, "vote.already_open")
			}
			return err
		}
		if out, err = row.domain(tx.DB, a); err != nil {
			return err
		}
		return tx.emit(a.BodyID, ecabinet.MeetingScope(meetingID), ecabinet.EventVoteOpened, map[string]any{"vote": publicVote(out)}, ecabinet.Public)
	})
	return out, err
}

// publicVote is a vote as everyone may see it (no caller-specific fields).
func publicVote(v *ecabinet.Vote) *ecabinet.Vote {
	c := *v
	c.MyChoice, c.Voted = "", false
	return &c
}

// CastVote records the actor's choice, or a voting deputy's recorded by the
// secretariat for the member they stand in for (forMember).
func (s *VoteService) CastVote(ctx context.Context, voteID int64, option, idemKey string) (*ecabinet.Vote, error) {
	return s.cast(ctx, voteID, 0, option, idemKey)
}

// CastForDeputy records the vote of a deputy standing in for memberID
// (secretariat; only when the body lets deputies vote).
func (s *VoteService) CastForDeputy(ctx context.Context, voteID, memberID int64, option, idemKey string) (*ecabinet.Vote, error) {
	return s.cast(ctx, voteID, memberID, option, idemKey)
}

func (s *VoteService) cast(ctx context.Context, voteID, forMember int64, option, idemKey string) (*ecabinet.Vote, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	voter := a.MemberID
	if forMember != 0 {
		if !ecabinet.MayActFor(a, forMember) {
			return nil, ecabinet.Errorf(ecabinet.EFORBIDDEN, "forbidden")
		}
		voter = forMember
	}
	var secret []bool // a vote is secret or not from its opening on
	if err := s.db.read(ctx).Raw("SELECT secret FROM votes WHERE id = ?", voteID).Scan(&secret).Error; err != nil {
		return nil, translate(err)
	}
	if len(secret) == 1 && secret[0] {
		return s.castSecret(ctx, a, voteID, voter, option, idemKey)
	}
	var out *ecabinet.Vote
	err = s.db.writeGrouped(ctx, lockKey{table: "votes", id: voteID, member: a.MemberID}, func(tx *Tx) error {
		hash, err := requestHash("vote", voteID, voter, option)
		if err != nil {
			return err
		}
		if replay, err := tx.claimKey(a.MemberID, idemKey, hash, &out); replay || err != nil {
			return err
		}
		row, err := loadVote(tx.DB, a, voteID, "SHARE")
		if err != nil {
			return err
		}
		if row.Status != string(ecabinet.VoteOpen) {
			return ecabinet.Errorf(ecabinet.EPOLLCLOSED, "vote.closed")
		}
		var opts []ecabinet.VoteOption
		var ent []int64
		if err := errors.Join(json.Unmarshal([]byte(row.Options), &opts), json.Unmarshal([]byte(row.Entitled), &ent)); err != nil {
			return err
		}
		if !slices.ContainsFunc(opts, func(o ecabinet.VoteOption) bool { return o.Key == option }) {
			return ecabinet.FieldError("option", "field.enum", "option")
		}
		if !slices.Contains(ent, voter) {
			return ecabinet.Errorf(ecabinet.ENOTENTITLED, "vote.not_entitled")
		}
		// Read on the transaction's own context: a grouped write shares it
		// (a request that goes away must not end the others' statements).
		settings, err := bodySettings(tx.DB, a.BodyID)
		if err != nil {
			return err
		}
		if forMember != 0 {
			if err := s.checkDeputy(tx, row.MeetingID, forMember, settings); err != nil {
				return err
			}
		}
		if err := s.record(tx, row, voter, a.MemberID, option, settings); err != nil {
			return err
		}
		if err := tx.markProgress(progressVote, row.ID); err != nil {
			return err
		}
		detail := map[string]any{"vote_id": row.ID, "secret": row.Secret}
		if !row.Secret {
			detail["option"] = option // a named vote is public once closed; a secret choice is never audited
		}
		if forMember != 0 {
			detail["for_member"] = forMember
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditVoteCast, Subject: ecabinet.Subject("vote", row.ID), Detail: detail})
		if out, err = row.domain(tx.DB, ecabinet.Actor{MemberID: voter, BodyID: a.BodyID}); err != nil {
			return err
		}
		return tx.storeAnswer(a.MemberID, idemKey, out)
	})
	return out, err
}

func (s *VoteService) checkDeputy(tx *Tx, meetingID, memberID int64, settings ecabinet.BodySettings) error {
	if !settings.DeputyMayVote {
		return ecabinet.Errorf(ecabinet.ENOTENTITLED, "vote.not_entitled")
	}
	var st string
	if err := tx.Table("attendance").Select("status").Where("meeting_id = ? AND member_id = ?", meetingID, memberID).Scan(&st).Error; err != nil {
		return err
	}
	if st != string(ecabinet.AttendanceDeputy) {
		return ecabinet.Errorf(ecabinet.ENOTENTITLED, "vote.not_entitled")
	}
	return nil
}

// record stores one named vote. The participation row's primary key
// refuses a second vote even when two arrive at once; a vote may be
// changed when the body allows it. (Secret votes: vote_secret.go.)
func (s *VoteService) record(tx *Tx, row *voteRow, voter, by int64, option string, settings ecabinet.BodySettings) error {
	var castBy *int64
	if by != voter {
		castBy = &by
	}
	now := s.db.Now()
	res := tx.Exec("INSERT INTO vote_participation (vote_id, member_id, option, cast_at, cast_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
		row.ID, voter, option, now, castBy)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 1 {
		return nil
	}
	if !settings.VoteChangeAllowed {
		return ecabinet.Errorf(ecabinet.EDOUBLEVOTE, "vote.double")
	}
	return tx.Exec("UPDATE vote_participation SET option = ?, cast_at = ?, cast_by = ? WHERE vote_id = ? AND member_id = ?", option, now, castBy, row.ID, voter).Error
}

// CloseVote closes a vote and computes the result from the stored votes in
// the same transaction. On PostgreSQL the vote row is locked FOR UPDATE,
// which waits for every cast holding it FOR SHARE: a cast either commits
// before and is counted, or runs after and finds the vote closed.
func (s *VoteService) CloseVote(ctx context.Context, voteID int64) (*ecabinet.Vote, error) {
	a, err := ecabinet.Presiding.Require(ctx)
	if err != nil {
		return nil, err
	}
	s.secret.drain(voteID) // the choices this instance holds are cast before the close
	var out *ecabinet.Vote
	err = s.db.write(ctx, func(tx *Tx) error {
		row, err := loadVote(tx.DB, a, voteID, "UPDATE")
		if err != nil {
			return err
		}
		if row.Status != string(ecabinet.VoteOpen) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "vote.closed")
		}
		tally, quorum, err := s.tally(tx.DB, row)
		if err != nil {
			return err
		}
		tj, _ := json.Marshal(tally)
		qj, _ := json.Marshal(quorum)
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditVoteClosed, Subject: ecabinet.Subject("vote", voteID),
			Detail: map[string]any{"outcome": tally.Outcome, "cast": tally.Cast, "entitled": tally.Entitled}})
		if err := tx.Model(&voteRow{}).Where("id = ?", voteID).Updates(map[string]any{
			"status": string(ecabinet.VoteClosed), "closed_at": s.db.Now(), "result": string(tj), "quorum_close": string(qj),
		}).Error; err != nil {
			return err
		}
		if err := tx.Where("id = ?", voteID).Take(row).Error; err != nil {
			return err
		}
		if out, err = row.domain(tx.DB, a); err != nil {
			return err
		}
		return tx.emit(a.BodyID, ecabinet.MeetingScope(row.MeetingID), ecabinet.EventVoteClosed, map[string]any{"vote": publicVote(out)}, ecabinet.Public)
	})
	return out, err
}

// tally counts the stored votes of a vote under its body's rule.
func (s *VoteService) tally(tx *gorm.DB, row *voteRow) (ecabinet.Tally, ecabinet.Quorum, error) {
	body, err := s.db.findBody(tx.Statement.Context, tx, row.BodyID)
	if err != nil {
		return ecabinet.Tally{}, ecabinet.Quorum{}, err
	}
	var in ecabinet.TallyInput
	var ent []int64
	if err := errors.Join(json.Unmarshal([]byte(row.Options), &in.Options), json.Unmarshal([]byte(row.Entitled), &ent)); err != nil {
		return ecabinet.Tally{}, ecabinet.Quorum{}, err
	}
	in.Entitled, in.Settings = len(ent), body.Settings
	if row.Secret {
		err = tx.Table("vote_secret_choices").Where("vote_id = ?", row.ID).Pluck("option", &in.Choices).Error
	} else {
		err = tx.Table("vote_participation").Where("vote_id = ?", row.ID).Pluck("option", &in.Choices).Error
		if err == nil {
			// The chair's side decides a tie; only a named vote shows it.
			var chair []string
			err = tx.Table("vote_participation AS p").Joins("JOIN members m ON m.id = p.member_id").
				Where("p.vote_id = ? AND m.role = ?", row.ID, string(ecabinet.RoleChair)).Limit(1).Pluck("p.option", &chair).Error
			if len(chair) > 0 {
				in.ChairChoice = chair[0]
			}
		}
	}
	if err != nil {
		return ecabinet.Tally{}, ecabinet.Quorum{}, err
	}
	var total int64
	if err := tx.Model(&memberRow{}).Where("body_id = ? AND active AND voting", row.BodyID).Count(&total).Error; err != nil {
		return ecabinet.Tally{}, ecabinet.Quorum{}, err
	}
	in.TotalVoting = int(total)
	q, err := s.db.quorum(tx, row.BodyID, row.MeetingID)
	return ecabinet.ComputeTally(in), q, err
}

// FindVote returns one vote.
func (s *VoteService) FindVote(ctx context.Context, voteID int64) (*ecabinet.Vote, error) {
	var out *ecabinet.Vote
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		row, err := loadVote(tx, a, voteID, "")
		if err != nil {
			return err
		}
		out, err = row.domain(tx, a)
		return err
	})
	return out, err
}

// Turnout returns who has voted and who has not, for presiding roles only.
func (s *VoteService) Turnout(ctx context.Context, voteID int64) (*ecabinet.VoteTurnout, error) {
	var out *ecabinet.VoteTurnout
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		if !a.Presides() {
			return ecabinet.Errorf(ecabinet.EFORBIDDEN, "forbidden")
		}
		row, err := loadVote(tx, a, voteID, "")
		if err != nil {
			return err
		}
		t := &ecabinet.VoteTurnout{VoteID: row.ID, Voted: []int64{}, NotVoted: []int64{}}
		if err := json.Unmarshal([]byte(row.Entitled), &t.Entitled); err != nil {
			return err
		}
		slices.Sort(t.Entitled)
		if err := tx.Table("vote_participation").Where("vote_id = ?", row.ID).Order("member_id").Pluck("member_id", &t.Voted).Error; err != nil {
			return err
		}
		for _, id := range t.Entitled {
			if _, found := slices.BinarySearch(t.Voted, id); !found {
				t.NotVoted = append(t.NotVoted, id)
			}
		}
		out = t
		return nil
	})
	return out, err
}

// Votes lists a session's votes, oldest first.
func (s *VoteService) Votes(ctx context.Context, meetingID int64) ([]*ecabinet.Vote, error) {
	var out []*ecabinet.Vote
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		if _, err := loadMeeting(tx, a, meetingID, false); err != nil {
			return err
		}
		var err error
		out, err = votesOf(tx, a, meetingID)
		return err
	})
	return out, err
}

func votesOf(tx *gorm.DB, a ecabinet.Actor, meetingID int64) ([]*ecabinet.Vote, error) {
	var rows []voteRow
	if err := tx.Where("meeting_id = ?", meetingID).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*ecabinet.Vote, 0, len(rows))
	for i := range rows {
		v, err := rows[i].domain(tx, a)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
