package store

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"slices"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// Secret votes are written in batches, so that nothing the database keeps
// (row order, transaction ids, the write-ahead log, a statement log) ties
// a member to a choice. The choices cast on this instance for one vote are
// held until the batch is due, then written in one transaction: first the
// participation of every member of the batch, in member order, then their
// choices, in an order drawn at random, each under a random key. Whoever
// reads the database learns which members voted in a batch and which
// choices the batch holds, not who chose what.
//
// A cast is answered only once its batch has committed: an acknowledged
// choice is stored and counted (the close counts the stored choices), and
// a cast whose batch finds the vote closed is refused with poll_closed and
// leaves nothing, as when it arrives after the close. Closing a vote first
// writes this instance's batch of it.
const (
	// secretBatchWindow is how long the first choice of a batch waits for
	// others: the longer, the more choices share a batch.
	secretBatchWindow = 2 * time.Second
	// secretBatchMax choices make a batch due at once.
	secretBatchMax = 64
)

// secretCast is one member's choice waiting for its batch, then its answer.
type secretCast struct {
	actor       ecabinet.Actor
	voter       int64 // the member voting (a deputy's absent member)
	option, key string
	done        chan struct{}
	taken       bool // taken for writing
	vote        *ecabinet.Vote
	err         error
}

// secretBatches holds the batches of this instance, by vote.
type secretBatches struct {
	svc     *VoteService
	window  time.Duration
	max     int
	mu      sync.Mutex
	pending map[int64][]*secretCast
	timers  map[int64]*time.Timer
	writing map[int64]*sync.WaitGroup // batches being written, by vote
}

func newSecretBatches(svc *VoteService) *secretBatches {
	return &secretBatches{svc: svc, window: secretBatchWindow, max: secretBatchMax, pending: map[int64][]*secretCast{},
		timers: map[int64]*time.Timer{}, writing: map[int64]*sync.WaitGroup{}}
}

// castSecret adds the actor's choice to the vote's batch and answers once
// the batch is written. Errors: those of a cast.
func (s *VoteService) castSecret(ctx context.Context, a ecabinet.Actor, voteID, voter int64, option, idemKey string) (*ecabinet.Vote, error) {
	if err := checkKey(idemKey); err != nil {
		return nil, err
	}
	c := &secretCast{actor: a, voter: voter, option: option, key: idemKey, done: make(chan struct{})}
	b := s.secret
	b.mu.Lock()
	b.pending[voteID] = append(b.pending[voteID], c)
	switch {
	case len(b.pending[voteID]) >= b.max:
		b.flushLocked(voteID)
	case b.timers[voteID] == nil:
		b.timers[voteID] = time.AfterFunc(b.window, func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.flushLocked(voteID)
		})
	}
	b.mu.Unlock()
	select {
	case <-c.done:
		return c.vote, c.err
	case <-ctx.Done():
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !c.taken { // not written: the request that sent it is gone, so is it
		b.pending[voteID] = slices.DeleteFunc(b.pending[voteID], func(p *secretCast) bool { return p == c })
	}
	return nil, ctx.Err()
}

// flushLocked writes the vote's pending batch in the background (b.mu held).
func (b *secretBatches) flushLocked(voteID int64) {
	if t := b.timers[voteID]; t != nil {
		t.Stop()
		delete(b.timers, voteID)
	}
	casts := b.pending[voteID]
	delete(b.pending, voteID)
	if len(casts) == 0 {
		return
	}
	for _, c := range casts {
		c.taken = true
	}
	wg := b.writing[voteID]
	if wg == nil {
		wg = &sync.WaitGroup{}
		b.writing[voteID] = wg
	}
	wg.Add(1)
	go func() {
		b.svc.writeSecret(voteID, casts)
		b.mu.Lock()
		wg.Done()
		b.mu.Unlock()
	}()
}

// drain writes the vote's pending batch now and waits until every batch of
// it being written has been.
func (b *secretBatches) drain(voteID int64) {
	b.mu.Lock()
	b.flushLocked(voteID)
	wg := b.writing[voteID]
	b.mu.Unlock()
	if wg != nil {
		wg.Wait()
	}
}

// writeSecret writes a batch in one transaction and answers each cast.
// Each cast is checked as one alone would be (its key, the vote open, the
// option, the voter entitled, no earlier vote); a refused one leaves
// nothing, not even its key, and does not stop the others.
func (s *VoteService) writeSecret(voteID int64, casts []*secretCast) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Member order, not arrival order; and one order of every row a batch
	// locks (below), so that two batches of one vote, on one instance or
	// two, never wait on each other in a cycle.
	slices.SortStableFunc(casts, func(a, b *secretCast) int {
		return cmp.Or(cmp.Compare(a.voter, b.voter), cmp.Compare(a.actor.MemberID, b.actor.MemberID), cmp.Compare(a.key, b.key))
	})
	// A retry that found its first request still in the batch gets its answer.
	type sent struct {
		member int64
		key    string
	}
	first, retries := map[sent]*secretCast{}, map[*secretCast]*secretCast{}
	err := s.db.write(ctx, func(tx *Tx) error {
		// Every idempotency key first, in the casts' order, then each
		// cast's checks and its participation row: a batch that took a
		// member's participation and then waited for one of the member's
		// keys, held by a batch waiting for that participation, would
		// deadlock (two tablets' retries of one vote in two batches).
		var claimed, accepted []*secretCast
		for _, c := range casts {
			if f, ok := first[sent{c.actor.MemberID, c.key}]; ok && c.key != "" {
				retries[c] = f
				continue
			}
			first[sent{c.actor.MemberID, c.key}] = c
			fresh, err := s.claimSecret(tx, voteID, c)
			if err != nil {
				return err
			}
			if fresh {
				claimed = append(claimed, c)
			}
		}
		for _, c := range claimed {
			ok, err := s.checkSecret(ctx, tx, voteID, c)
			if err != nil {
				return err
			}
			if ok {
				accepted = append(accepted, c)
			}
		}
		if err := insertChoices(tx, voteID, accepted); err != nil {
			return err
		}
		if len(accepted) > 0 {
			if err := tx.markProgress(progressVote, voteID); err != nil {
				return err
			}
		}
		for _, c := range accepted {
			detail := map[string]any{"vote_id": voteID, "secret": true}
			if c.voter != c.actor.MemberID {
				detail["for_member"] = c.voter
			}
			tx.audit(ctx, ecabinet.AuditRecord{BodyID: c.actor.BodyID, ActorID: c.actor.MemberID, Action: ecabinet.AuditVoteCast,
				Subject: ecabinet.Subject("vote", voteID), Detail: detail})
		}
		for _, c := range accepted {
			row, err := loadVote(tx.DB, c.actor, voteID, "")
			if err != nil {
				return err
			}
			if c.vote, err = row.domain(tx.DB, ecabinet.Actor{MemberID: c.voter, BodyID: c.actor.BodyID}); err != nil {
				return err
			}
			if err := tx.storeAnswer(c.actor.MemberID, c.key, c.vote); err != nil {
				return err
			}
		}
		return nil
	})
	for _, c := range casts {
		if f, ok := retries[c]; ok {
			c.vote, c.err = f.vote, f.err
		}
		if err != nil {
			c.vote, c.err = nil, translate(err)
		}
		close(c.done)
	}
}

// claimSecret claims the cast's idempotency key; false when the cast is
// settled by that (a replay of a stored answer, or a domain error, in c).
func (s *VoteService) claimSecret(tx *Tx, voteID int64, c *secretCast) (bool, error) {
	hash, err := requestHash("vote", voteID, c.voter) // no option: with the few there are, it would tell the choice
	if err != nil {
		return false, err
	}
	replay, err := tx.claimKey(c.actor.MemberID, c.key, hash, &c.vote)
	if err != nil || replay {
		c.err = err
		return false, domainOnly(err)
	}
	return true, nil
}

// checkSecret checks one cast of a batch and records its participation;
// false with the cast's error when it is refused. The error returned is a
// failure of the database, which fails the whole batch.
func (s *VoteService) checkSecret(ctx context.Context, tx *Tx, voteID int64, c *secretCast) (bool, error) {
	refuse := func(e error) (bool, error) {
		c.err = e
		if c.key == "" {
			return false, nil
		}
		return false, tx.Exec("DELETE FROM idempotency_keys WHERE member_id = ? AND key = ?", c.actor.MemberID, c.key).Error
	}
	row, err := loadVote(tx.DB, c.actor, voteID, "SHARE")
	if err != nil {
		if domainOnly(err) != nil {
			return false, err
		}
		return refuse(err)
	}
	if row.Status != string(ecabinet.VoteOpen) {
		return refuse(ecabinet.Errorf(ecabinet.EPOLLCLOSED, "vote.closed"))
	}
	var opts []ecabinet.VoteOption
	var ent []int64
	if err := errors.Join(json.Unmarshal([]byte(row.Options), &opts), json.Unmarshal([]byte(row.Entitled), &ent)); err != nil {
		return false, err
	}
	if !slices.ContainsFunc(opts, func(o ecabinet.VoteOption) bool { return o.Key == c.option }) {
		return refuse(ecabinet.FieldError("option", "field.enum", "option"))
	}
	if !slices.Contains(ent, c.voter) {
		return refuse(ecabinet.Errorf(ecabinet.ENOTENTITLED, "vote.not_entitled"))
	}
	if c.voter != c.actor.MemberID {
		body, err := s.db.findBody(ctx, tx.DB, c.actor.BodyID)
		if err != nil {
			return false, err
		}
		if err := s.checkDeputy(tx, row.MeetingID, c.voter, body.Settings); err != nil {
			if domainOnly(err) != nil {
				return false, err
			}
			return refuse(err)
		}
	}
	var castBy *int64
	if c.voter != c.actor.MemberID {
		castBy = &c.actor.MemberID
	}
	res := tx.Exec("INSERT INTO vote_participation (vote_id, member_id, cast_by) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", voteID, c.voter, castBy)
	if res.Error != nil {
		return false, res.Error
	}
	if res.RowsAffected == 0 {
		return refuse(ecabinet.Errorf(ecabinet.EDOUBLEVOTE, "vote.double"))
	}
	return true, nil
}

// domainOnly returns err unless it is a domain error (or nil).
func domainOnly(err error) error {
	var e *ecabinet.Error
	if err == nil || errors.As(err, &e) {
		return nil
	}
	return err
}

// insertChoices writes the choices of the accepted casts in an order drawn
// at random, each under a random key.
func insertChoices(tx *Tx, voteID int64, accepted []*secretCast) error {
	options := make([]string, len(accepted))
	for i, c := range accepted {
		options[i] = c.option
	}
	for i := len(options) - 1; i > 0; i-- { // Fisher–Yates with a cryptographic source
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return err
		}
		options[i], options[j.Int64()] = options[j.Int64()], options[i]
	}
	for _, o := range options {
		key := make([]byte, 16)
		if _, err := rand.Read(key); err != nil {
			return err
		}
		if err := tx.Exec("INSERT INTO vote_secret_choices (id, vote_id, option) VALUES (?, ?, ?)", hex.EncodeToString(key), voteID, o).Error; err != nil {
			return err
		}
	}
	return nil
}
