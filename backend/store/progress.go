package store

import (
	"context"
	"sync"
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

// Progress pushes live counts (votes cast, ballots answered) at most once
// per interval per vote or ballot, across every instance: a count goes out
// only when the row's progress_at is older than the interval, which the
// database checks and sets in one statement. Counts come from the stored
// rows, never from a counter.
type Progress struct {
	db       *DB
	interval time.Duration

	mu      sync.Mutex
	pending map[progressKey]bool
}

// NewProgress returns a Progress pushing at most once per interval.
func NewProgress(db *DB, interval time.Duration) *Progress {
	return &Progress{db: db, interval: interval, pending: map[progressKey]bool{}}
}

// Touch notes that a count changed.
func (p *Progress) Touch(kind string, id int64) {
	p.mu.Lock()
	p.pending[progressKey{kind, id}] = true
	p.mu.Unlock()
}

// Run pushes the touched counts every interval until ctx ends.
func (p *Progress) Run(ctx context.Context) {
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p.mu.Lock()
		batch := p.pending
		p.pending = map[progressKey]bool{}
		p.mu.Unlock()
		for k := range batch {
			pushed, open, err := p.push(ctx, k)
			if err != nil {
				p.db.log.Warn("progress not pushed", "kind", k.kind, "id", k.id, "err", err)
			}
			if (!pushed && open) || err != nil {
				p.Touch(k.kind, k.id) // another instance pushed just now: try next round
			}
		}
	}
}

func (p *Progress) push(ctx context.Context, k progressKey) (pushed, open bool, err error) {
	err = p.db.write(ctx, func(tx *Tx) error {
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
			open = tx.Table(table).Where("id = ? AND status = ?", k.id, status).Count(&n).Error == nil && n > 0
			return nil
		}
		pushed, open = true, true
		if k.kind == progressVote {
			return p.pushVote(tx, k.id)
		}
		return p.pushBallot(tx, k.id)
	})
	return pushed, open, err
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
