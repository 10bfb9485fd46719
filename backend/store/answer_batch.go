package store

import (
	"cmp"
	"context"
	"encoding/json"
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
			b.writeBatch(items)
		}
	}
}

// writeBatch runs one ballot's batch; on a database failure it retries each
// request alone.
func (b *answerBatcher) writeBatch(items []*batchItem) {
	// Rows are locked in one order by every batch (the answering members'
	// recipient rows, in member order, then the senders' idempotency keys), so that two
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
		members := make([]int64, 0, len(items))
		for _, it := range items { // sorted by member
			if len(members) == 0 || members[len(members)-1] != it.req.memberID {
				members = append(members, it.req.memberID)
			}
		}
		asked := slices.Clone(members)
		for _, it := range items {
			asked = append(asked, it.req.actor.MemberID)
		}
		slices.Sort(asked)
		c, err := b.s.answerFacts(tx.DB, row, slices.Compact(asked))
		if err != nil {
			return err
		}
		if err := c.lockBatch(tx, members); err != nil {
			return err
		}
		keys, err := batchKeys(tx, items)
		if err != nil {
			return err
		}
		written := false
		for i, it := range items {
			results[i].receipt, results[i].err = b.writeRequest(tx, c, keys, it.req)
			if results[i].err != nil && ecabinet.ErrorCode(results[i].err) == ecabinet.EINTERNAL {
				return results[i].err
			}
			written = written || results[i].err == nil
		}
		if !written {
			return nil
		}
		if err := keys.store(tx); err != nil {
			return err
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

// writeRequest writes a request inside the batch's transaction, whose members'
// answers are locked (lockBatch). Every check that can refuse it runs
// before its first write, so a refused request leaves nothing behind.
func (b *answerBatcher) writeRequest(tx *Tx, c *ballotFacts, keys *idemKeys, req *answerRequest) (*ecabinet.AnswerReceipt, error) {
	// The batch read the ballot as its first request's actor: each other
	// request sees it only if its own actor may (loadBallot's rule).
	if ok, _ := ecabinet.MaySeeBallot(req.actor, c.row.BodyID, ecabinet.BallotStatus(c.row.Status), func() (bool, error) {
		return c.recipients[req.actor.MemberID], nil
	}); !ok {
		return nil, ecabinet.NotFound("ballot")
	}
	if req.idemKey != "" { // its length was checked by prepare
		if k, ok := keys.known[senderKey{req.actor.MemberID, req.idemKey}]; ok {
			if k.hash != req.hash || k.receipt == nil {
				return nil, ecabinet.Errorf(ecabinet.EIDEMPOTENCY, "idempotency.reused")
			}
			return k.receipt, nil // a replay: the answer this key got
		}
	}
	out, err := b.s.writeAnswer(tx, c, req)
	if err != nil {
		return nil, err
	}
	if req.idemKey != "" {
		keys.add(senderKey{req.actor.MemberID, req.idemKey}, req.hash, out)
	}
	return out, nil
}

// idemKeys are the idempotency keys of a batch's senders: those stored
// before, read once, and those the batch's answers add, written once at
// its end. Under the batch's locks nobody else answers for its members;
// a key that another kind of request took meanwhile makes the final
// insert fail, and the batch is then written request by request.
type idemKeys struct {
	known map[senderKey]storedKey
	added []senderKey
	now   time.Time
}

type senderKey struct {
	member int64
	key    string
}

type storedKey struct {
	hash    string
	receipt *ecabinet.AnswerReceipt // nil: claimed by a request not finished
}

func batchKeys(tx *Tx, items []*batchItem) (*idemKeys, error) {
	k := &idemKeys{known: map[senderKey]storedKey{}, now: tx.db.Now()}
	var pairs [][]any
	for _, it := range items {
		if it.req.idemKey != "" {
			pairs = append(pairs, []any{it.req.actor.MemberID, it.req.idemKey})
		}
	}
	if len(pairs) == 0 {
		return k, nil
	}
	var rows []struct {
		MemberID                   int64
		Key, RequestHash, Response string
	}
	if err := tx.Table("idempotency_keys").Select("member_id, key, request_hash, response").Where("(member_id, key) IN ?", pairs).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		sk := storedKey{hash: r.RequestHash}
		if r.Response != "" {
			if err := json.Unmarshal([]byte(r.Response), &sk.receipt); err != nil {
				return nil, err
			}
		}
		k.known[senderKey{r.MemberID, r.Key}] = sk
	}
	return k, nil
}

func (k *idemKeys) add(sk senderKey, hash string, receipt *ecabinet.AnswerReceipt) {
	k.known[sk] = storedKey{hash: hash, receipt: receipt}
	k.added = append(k.added, sk)
}

// store writes the keys the batch added, with their answers, in one
// statement; a key taken meanwhile fails it (primary key).
func (k *idemKeys) store(tx *Tx) error {
	if len(k.added) == 0 {
		return nil
	}
	rows := make([]idempotencyRow, len(k.added))
	for i, sk := range k.added {
		stored := k.known[sk]
		b, err := json.Marshal(stored.receipt)
		if err != nil {
			return err
		}
		rows[i] = idempotencyRow{MemberID: sk.member, Key: sk.key, RequestHash: stored.hash, Response: string(b), CreatedAt: k.now}
	}
	return tx.CreateInBatches(rows, 500).Error
}
