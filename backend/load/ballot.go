package load

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// W5: a ballot burst, batched, naive and against the floor.

// ballotRun is one burst of answers.
type ballotRun struct {
	Counted, Distinct int
	Requests, Retries uint64
	Failed            int
	Latency           *Histogram
	Elapsed           time.Duration
	Errors            []string
}

func (b *ballotRun) throughput() float64 {
	if b.Elapsed <= 0 {
		return 0
	}
	return float64(b.Counted) / b.Elapsed.Seconds()
}

// burst has every member answer a new ballot on t; with profile set, a CPU
// profile of the first instance is taken over its first 8 seconds.
func burst(ctx context.Context, o *Options, t *target, p *pool, members []Member, profile string) (*ballotRun, error) {
	var ballot ecabinet.Ballot
	if err := t.sec[0].Do(ctx, "POST", "/api/v1/ballots", ecabinet.BallotInput{Title: "Load ballot", Deadline: time.Now().Add(2 * time.Hour),
		Questions: []string{"Agree?"}}, &ballot); err != nil {
		return nil, fmt.Errorf("create ballot: %w", err)
	}
	if err := t.sec[0].Do(ctx, "POST", fmt.Sprintf("/api/v1/ballots/%d/open", ballot.ID), nil, &ballot); err != nil {
		return nil, fmt.Errorf("open ballot: %w", err)
	}
	var prof <-chan error
	if profile != "" {
		prof = t.profile(profile, 8*time.Second)
	}
	b, err := answerAll(t, p, members, ballot.ID, ballot.Questions[0].ID)
	if prof != nil {
		if perr := <-prof; perr != nil {
			o.logf("profile %s not taken: %v", profile, perr)
		}
	}
	if err != nil {
		return nil, err
	}
	err = t.seed.SQL.QueryRowContext(ctx, "SELECT count(*), count(DISTINCT member_id) FROM ballot_answers WHERE ballot_id = $1", ballot.ID).Scan(&b.Counted, &b.Distinct)
	o.logf("ballot %d: %d answers counted (%d members), %d requests, %d retries, %d failed, p99 %.0f ms, %.0f answers/s",
		ballot.ID, b.Counted, b.Distinct, b.Requests, b.Retries, b.Failed, ms(b.Latency.Quantile(0.99)), b.throughput())
	return b, err
}

// floorBurst sends the same requests to floors, which decode each answer
// as e-Cabinet does and store nothing: what the machine, HTTP and JSON
// take by themselves. Every member whose requests all succeeded counts.
func floorBurst(ctx context.Context, o *Options, p *pool, members []Member) (*ballotRun, error) {
	t, err := newFloors(ctx, o, o.Instances)
	if err != nil {
		return nil, err
	}
	defer t.close()
	b, err := answerAll(t, p, members, 1, 1)
	if err != nil {
		return nil, err
	}
	b.Counted = max(len(members)-b.Failed, 0)
	b.Distinct = b.Counted
	o.logf("floor: %d requests, %d retries, %d failed, p99 %.0f ms, %.0f answers/s",
		b.Requests, b.Retries, b.Failed, ms(b.Latency.Quantile(0.99)), b.throughput())
	return b, nil
}

// answerAll has the pool's workers send every member's answers at once
// (each member twice; a tenth from a second connection to another
// instance) and gathers their replies.
func answerAll(t *target, p *pool, members []Member, ballotID, questionID int64) (*ballotRun, error) {
	parts := make([][]BallotMember, len(p.ws))
	for i, m := range members {
		bm := BallotMember{ID: m.ID, Token: m.Token, CSRF: m.CSRF, Server: i % len(t.servers), Second: i%10 == 0}
		parts[i%len(parts)] = append(parts[i%len(parts)], bm)
	}
	time.Sleep(time.Second)
	replies, err := p.all(func(i int) *Command {
		return &Command{Cmd: "ballot", Ballot: &BallotJob{URLs: t.urls(), BallotID: ballotID, QuestionID: questionID, Members: parts[i]}}
	})
	if err != nil {
		return nil, err
	}
	b := &ballotRun{Latency: &Histogram{}}
	first, last := int64(math.MaxInt64), int64(0)
	for _, rep := range replies {
		b.Requests += rep.Requests
		b.Retries += rep.Retries
		b.Failed += rep.Failed
		b.Errors = append(b.Errors, rep.Errors...)
		b.Latency.AddSparse(rep.Latency)
		first, last = min(first, rep.First), max(last, rep.Last)
	}
	b.Elapsed = time.Duration(last - first)
	return b, nil
}

// W5: ballot burst, batched and naive.
func w5(ctx context.Context, o *Options) (*Result, error) {
	r := &Result{Workload: "W5", Title: fmt.Sprintf("ballot burst: %d members answer at once, each twice (a tenth from a second connection to the other instance), %d instances", o.Clients, o.Instances)}
	seed, err := NewSeed(ctx, o.PostgresAdmin)
	if err != nil {
		return r, err
	}
	defer seed.Close()
	members, err := seed.Members(ctx, "m"+randomHex(3)+"-", ecabinet.RoleMember, o.Clients)
	if err != nil {
		return r, err
	}
	p, err := newPool(o)
	if err != nil {
		return r, err
	}
	defer p.close()
	one := func(batch, profile string) (*ballotRun, error) {
		t, err := newCluster(ctx, o, seed, o.Instances, "ECABINET_BALLOT_BATCH="+batch)
		if err != nil {
			return nil, err
		}
		defer t.close()
		t.seed = seed
		return burst(ctx, o, t, p, members, profile)
	}
	batched, err := one("true", "W5-ecabinet")
	if err != nil {
		return r, err
	}
	naive, err := one("false", "")
	if err != nil {
		return r, err
	}
	floor, err := floorBurst(ctx, o, p, members)
	if err != nil {
		return r, err
	}
	n := float64(o.Clients)
	r.add("answers counted", "", float64(batched.Counted)).target(fmt.Sprintf("exactly %d", o.Clients), float64(batched.Counted) == n && float64(batched.Distinct) == n)
	r.add("failed requests", "", float64(batched.Failed)).floor(float64(floor.Failed)).target("0", batched.Failed == 0)
	r.add("time until every answer acknowledged", "s", batched.Elapsed.Seconds()).floor(floor.Elapsed.Seconds()).
		target("≤ 2× W0", floor.Failed == 0 && batched.Elapsed <= 2*floor.Elapsed)
	r.add("request p99", "ms", ms(batched.Latency.Quantile(0.99))).floor(ms(floor.Latency.Quantile(0.99)))
	r.add("request p50", "ms", ms(batched.Latency.Quantile(0.5))).floor(ms(floor.Latency.Quantile(0.5)))
	tp := r.add("answers/s", "/s", batched.throughput()).floor(floor.throughput())
	ratio := 0.0
	if naive.throughput() > 0 {
		ratio = batched.throughput() / naive.throughput()
	}
	tp.target("≥ 3× naive", ratio >= 3)
	r.add("naive: answers counted", "", float64(naive.Counted)).target(fmt.Sprintf("exactly %d", o.Clients), float64(naive.Counted) == n && float64(naive.Distinct) == n)
	r.add("naive: request p99", "ms", ms(naive.Latency.Quantile(0.99)))
	r.add("naive: answers/s", "/s", naive.throughput())
	r.add("batched / naive throughput", "×", ratio)
	r.note("batched: %d requests, %d retries; naive: %d requests, %d retries; floor: %d requests, %d retries",
		batched.Requests, batched.Retries, naive.Requests, naive.Retries, floor.Requests, floor.Retries)
	if len(batched.Errors)+len(naive.Errors)+len(floor.Errors) > 0 {
		r.note("errors: %v %v %v", batched.Errors, naive.Errors, floor.Errors)
	}
	r.Key = ratio
	return r, nil
}
