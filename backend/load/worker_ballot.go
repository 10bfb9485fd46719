package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// answerPatience is how long a member keeps retrying an answer (with the
// same idempotency key) before it counts as failed.
const answerPatience = 5 * time.Minute

// answerBallot sends every member's answers at once and reports.
func answerBallot(ctx context.Context, job *BallotJob) *Reply {
	first, second := newTransport(), newTransport()
	body, _ := json.Marshal(ecabinet.AnswerInput{Answers: []ecabinet.AnswerItem{{QuestionID: job.QuestionID, Choice: "agree"}}})
	path := fmt.Sprintf("/api/v1/ballots/%d/answers", job.BallotID)
	var (
		hist                      Histogram
		requests, retries, failed atomic.Uint64
		firstAt, lastAt           atomic.Int64
		mu                        sync.Mutex
		errs                      []string
		wg                        sync.WaitGroup
	)
	firstAt.Store(1<<63 - 1)
	send := func(c *client.Client, key string) {
		t0 := time.Now()
		for {
			if ns := t0.UnixNano(); ns < firstAt.Load() {
				firstAt.Store(ns) // a race between stores only blurs by microseconds
			}
			requests.Add(1)
			rctx, cancel := context.WithTimeout(ctx, 120*time.Second)
			err := c.DoRequest(rctx, "POST", path, bytes.NewReader(body), "application/json", http.Header{"Idempotency-Key": {key}}, nil)
			cancel()
			if err == nil {
				now := time.Now()
				hist.Record(now.Sub(t0))
				for {
					l := lastAt.Load()
					if now.UnixNano() <= l || lastAt.CompareAndSwap(l, now.UnixNano()) {
						break
					}
				}
				return
			}
			var ae *client.Error
			retryable := !errors.As(err, &ae) || ae.Status == 503 || ae.Status == 429 || ae.Status >= 500
			if !retryable || time.Since(t0) > answerPatience || ctx.Err() != nil {
				failed.Add(1)
				mu.Lock()
				if len(errs) < 5 {
					errs = append(errs, err.Error())
				}
				mu.Unlock()
				return
			}
			retries.Add(1)
			time.Sleep(time.Duration(50+rand.IntN(200)) * time.Millisecond)
		}
	}
	start := make(chan struct{})
	for _, m := range job.Members {
		key := fmt.Sprintf("load-%d-%d", job.BallotID, m.ID)
		c1 := client.New(job.URLs[m.Server])
		c1.HTTP.Transport = first
		_ = c1.UseSignIn(m.Token, m.CSRF)
		var c2 *client.Client
		if m.Second {
			c2 = client.New(job.URLs[(m.Server+1)%len(job.URLs)])
			c2.HTTP.Transport = second
			_ = c2.UseSignIn(m.Token, m.CSRF)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if c2 == nil {
				send(c1, key)
				send(c1, key) // the same answer again (a retry)
				return
			}
			var both sync.WaitGroup
			both.Add(1)
			go func() { defer both.Done(); send(c2, key) }()
			send(c1, key)
			both.Wait()
		}()
	}
	close(start)
	wg.Wait()
	first.CloseIdleConnections()
	second.CloseIdleConnections()
	return &Reply{Latency: hist.Sparse(), Requests: requests.Load(), Retries: retries.Load(), Failed: int(failed.Load()), Errors: errs,
		First: firstAt.Load(), Last: lastAt.Load()}
}
