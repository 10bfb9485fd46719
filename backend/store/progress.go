package store

import (
	"context"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// Kinds of progress counts pushed live.
const (
	progressVote   = "vote"
	progressBallot = "ballot"
)

type progressKey struct {
	kind string
	id   int64
}

// markProgress records, in the transaction that changed a count (a vote
// cast, a ballot answered), that the count must be pushed. The mark commits
// with the change, so no crash can lose the push, and it is a plain insert,
// so concurrent writers never wait on each other for it.
func (tx *Tx) markProgress(kind string, id int64) error {
	return tx.Exec("INSERT INTO progress_marks (kind, ref_id) VALUES (?, ?)", kind, id).Error
}

// Progress pushes live counts (votes cast, ballots answered) at most once
// per interval per vote or ballot, across every instance. Each pass reads
// the marks that casts and answers committed and, per vote or ballot, in one
// transaction: sets progress_at when it is older than the interval, deletes
// exactly the marks it read, counts the stored rows and emits the count.
// Every write whose mark was read had committed before the count, so it is
// counted; a write committing later leaves its mark for the next pass. A
// mark not yet due stays too. Counts come from the stored rows, never from
// a counter.
type Progress struct {
	db       *DB
	interval time.Duration
}

// NewProgress returns a Progress pushing at most once per interval.
func NewProgress(db *DB, interval time.Duration) *Progress {
	return &Progress{db: db, interval: interval}
}

// Run pushes the marked counts every interval until ctx ends.
func (p *Progress) Run(ctx context.Context) {
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := p.PushMarked(ctx); err != nil && ctx.Err() == nil {
			p.db.log.Warn("progress not pushed; the next pass retries", "err", err)
		}
	}
}

// PushMarked pushes the count of every marked vote and ballot that is due.
func (p *Progress) PushMarked(ctx context.Context) error {
	var marks []struct {
		ID    int64
		Kind  string
		RefID int64
	}
	if err := p.db.read(ctx).Raw("SELECT id, kind, ref_id FROM progress_marks ORDER BY id LIMIT 2000").Scan(&marks).Error; err != nil {
		return translate(err)
	}
	var keys []progressKey
	ids := map[progressKey][]int64{}
	for _, m := range marks {
		k := progressKey{m.Kind, m.RefID}
		if ids[k] == nil {
			keys = append(keys, k)
		}
		ids[k] = append(ids[k], m.ID)
	}
	for _, k := range keys {
		if err := p.push(ctx, k, ids[k]); err != nil {
			return err
		}
	}
	return nil
}

// push sends one count if it is due, taking the marks read; the marks of a
// vote or ballot that has closed are taken without a push (its final
// result is out).
func (p *Progress) push(ctx context.Context, k progressKey, marks []int64) error {
	return p.db.write(ctx, func(tx *Tx) error {
		now := p.db.Now()
		table, status := "votes", string(ecabinet.VoteOpen)
		if k.kind == progressBallot {
			table, status = "ballots", string(ecabinet.BallotOpen)
		}
		res := tx.Exec("UPDATE "+table+" SET progress_at = ? WHERE id = ? AND status = ? AND (progress_at IS NULL OR progress_at <= ?)",
			now, k.id, status, now.Add(-p.interval))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			var n int64
			if err := tx.Table(table).Where("id = ? AND status = ?", k.id, status).Count(&n).Error; err != nil || n > 0 {
				return err // open, and pushed less than an interval ago: the marks wait for a later pass
			}
		}
		if err := tx.Exec("DELETE FROM progress_marks WHERE id IN ?", marks).Error; err != nil {
			return err
		}
		switch {
		case res.RowsAffected == 0:
			return nil
		case k.kind == progressVote:
			return p.pushVote(tx, k.id)
		default:
			return p.pushBallot(tx, k.id)
		}
	})
}

func (p *Progress) pushVote(tx *Tx, voteID int64) error {
	var row voteRow
	if err := tx.Select("body_id", "meeting_id", "entitled").Where("id = ?", voteID).Take(&row).Error; err != nil {
		return err
	}
	var cast int64
	if err := tx.Table("vote_participation").Where("vote_id = ?", voteID).Count(&cast).Error; err != nil {
		return err
	}
	return tx.emit(row.BodyID, ecabinet.MeetingScope(row.MeetingID), ecabinet.EventVoteProgress,
		map[string]any{"vote_id": voteID, "cast": cast, "entitled": countJSON(row.Entitled)}, ecabinet.Public)
}

func (p *Progress) pushBallot(tx *Tx, ballotID int64) error {
	var bodyID int64
	if err := tx.Raw("SELECT body_id FROM ballots WHERE id = ?", ballotID).Scan(&bodyID).Error; err != nil {
		return err
	}
	answered, recipients, err := ballotCounts(tx.DB, ballotID)
	if err != nil {
		return err
	}
	return tx.emit(bodyID, ecabinet.BodyScope(bodyID), ecabinet.EventBallotProgress,
		map[string]any{"ballot_id": ballotID, "answered": answered, "recipients": recipients},
		ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudienceSecretariat})
}
