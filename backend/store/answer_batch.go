package store

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// answerBatcher writes ballot answers that arrive together in one
// transaction per ballot: the ballot, its rules, questions and recipients
// are read once, everything a request needs is checked before it writes,
// and one commit serves the whole batch. A request is written exactly as
// answerAlone would write it; if the batch's transaction fails, each
// request is retried alone, so one bad request never fails the others.
type answerBatcher struct {
	s    *BallotService
	in   chan *batchItem
	max  int
	wait time.Duration
}

type batchItem struct {
	ctx  context.Context
	req  *answerRequest
	done chan batchResult
}

type batchResult struct {
	receipt *ecabinet.AnswerReceipt
	err     error
}

// EnableBatching turns on batched answers with workers writers, batches of
// at most max requests, waiting at most wait for a batch to fill.
func (s *BallotService) EnableBatching(ctx context.Context, workers, max int, wait time.Duration) {
	b := &answerBatcher{s: s, in: make(chan *batchItem, max*workers), max: max, wait: wait}
	for i := 0; i < workers; i++ {
		go b.run(ctx)
	}
	s.batch = b
}

func (b *answerBatcher) submit(ctx context.Context, req *answerRequest) (*ecabinet.AnswerReceipt, error) {
	it := &batchItem{ctx: ctx, req: req, done: make(chan batchResult, 1)}
	select {
	case b.in <- it:
	case <-ctx.Done():
		return nil, ecabinet.Errorf(ecabinet.EUNAVAILABLE, "unavailable")
	}
	select {
	case r := <-it.done:
		return r.receipt, r.err
	case <-ctx.Done():
		// The answer may still be written; a retry with the same idempotency key learns the outcome.
		return nil, ecabinet.Errorf(ecabinet.EUNAVAILABLE, "unavailable")
	}
}

func (b *answerBatcher) run(ctx context.Context) {
	for {
		var first *batchItem
		select {
		case <-ctx.Done():
			return
		case first = <-b.in:
		}
		batch := []*batchItem{first}
		timer := time.NewTimer(b.wait)
	fill:
		for len(batch) < b.max {
			select {
			case it := <-b.in:
				batch = append(batch, it)
			case <-timer.C:
				break fill
			}
		}
		timer.Stop()
		byBallot := map[int64][]*batchItem{}
		for _, it := range batch {
			byBallot[it.req.ballotID] = append(byBallot[it.req.ballotID], it)
		}
		for _, items := range byBallot {
			b.write(items)
		}
	}
}

// write runs one ballot's batch; on a database failure it retries each
// request alone.
func (b *answerBatcher) write(items []*batchItem) {
	// Rows are locked in one order by every batch (the answering member's
	// recipient row, then the sender's idempotency keys), so that two
	// batches holding answers of the same members (a retry that reached
	// another instance) wait for each other instead of deadlocking (which
	// PostgreSQL only breaks after deadlock_timeout, a second).
	slices.SortStableFunc(items, func(x, y *batchItem) int {
		return cmp.Or(cmp.Compare(x.req.memberID, y.req.memberID), cmp.Compare(x.req.actor.MemberID, y.req.actor.MemberID),
			cmp.Compare(x.req.idemKey, y.req.idemKey))
	})
	results := make([]batchResult, len(items))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := b.s.db.write(ctx, func(tx *Tx) error {
		req := items[0].req
		row, err := loadBallot(tx.DB, req.actor, req.ballotID, "SHARE")
		if err != nil {
			// The ballot is invisible or missing for this actor: let each
			// request find out alone (actors differ).
			return err
		}
		c, err := b.s.answerContext(tx.DB, row)
		if err != nil {
			return err
		}
		written := false
		for i, it := range items {
			results[i].receipt, results[i].err = b.one(tx, c, it.req)
			if results[i].err != nil && ecabinet.ErrorCode(results[i].err) == ecabinet.EINTERNAL {
				return results[i].err
			}
			written = written || results[i].err == nil
		}
		if !written {
			return nil
		}
		return tx.markProgress(progressBallot, req.ballotID)
	})
	if err != nil {
		for _, it := range items {
			r, err := b.s.answerAlone(it.ctx, it.req)
			it.done <- batchResult{r, err}
		}
		return
	}
	for i, it := range items {
		it.done <- results[i]
	}
}

// one writes a request inside the batch's transaction. Every check that
// can refuse it runs before its first write, so a refused request leaves
// nothing behind.
func (b *answerBatcher) one(tx *Tx, c *ballotContext, req *answerRequest) (*ecabinet.AnswerReceipt, error) {
	// The batch read the ballot as its first request's actor: each other
	// request sees it only if its own actor may (loadBallot's rule).
	if ok, _ := ecabinet.MaySeeBallot(req.actor, c.row.BodyID, ecabinet.BallotStatus(c.row.Status), func() (bool, error) {
		return slices.Contains(c.recipients, req.actor.MemberID), nil
	}); !ok {
		return nil, ecabinet.NotFound("ballot")
	}
	if err := lockAnswerer(tx, req); err != nil {
		return nil, err
	}
	var out *ecabinet.AnswerReceipt
	if replay, err := tx.claimKey(req.actor.MemberID, req.idemKey, req.hash, &out); replay || err != nil {
		if err != nil && ecabinet.ErrorCode(err) == ecabinet.EINTERNAL {
			return nil, err
		}
		return out, err
	}
	out, err := b.s.write(tx, c, req)
	if err != nil {
		if req.idemKey != "" {
			// Release the claim: only successes are remembered.
			if derr := tx.Exec("DELETE FROM idempotency_keys WHERE member_id = ? AND key = ?", req.actor.MemberID, req.idemKey).Error; derr != nil {
				return nil, derr
			}
		}
		return nil, err
	}
	return out, tx.storeAnswer(req.actor.MemberID, req.idemKey, out)
}
