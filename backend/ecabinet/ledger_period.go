package ecabinet

import (
	"context"
	"slices"
	"time"
)

// Period keys: a month ("2026-03") or a year ("2026") in the body's time zone.
const (
	GroupMonth = "month"
	GroupYear  = "year"
)

// PeriodKey returns the month or year of t in loc.
func PeriodKey(t time.Time, loc *time.Location, group string) string {
	if group == GroupYear {
		return t.In(loc).Format("2006")
	}
	return t.In(loc).Format("2006-01")
}

// LedgerSummary sums a period (or everything): sessions counted (published
// or later, by scheduled start), ballots counted (opened, by opening), the
// paper figures, and the time figures of the closed sessions among them.
type LedgerSummary struct {
	Period   string       `json:"period"`
	Meetings int          `json:"meetings"`
	Ballots  int          `json:"ballots"`
	Paper    PaperFigures `json:"paper"`
	Time     TimeFigures  `json:"time"`
}

// LedgerSource is one session or ballot of a report, with its lines.
type LedgerSource struct {
	Kind   string       `json:"kind"` // meeting or ballot
	ID     int64        `json:"id"`
	Title  string       `json:"title"`
	Date   time.Time    `json:"date"` // scheduled start, or opening
	Period string       `json:"period"`
	Paper  PaperFigures `json:"paper"`
	Lines  []LedgerLine `json:"lines"`
	// Time is set for sessions.
	Time *TimeLedger `json:"time,omitempty"`
}

// MeetingLedger is the paper and time ledger of one session.
type MeetingLedger struct {
	LedgerSource
	Status      MeetingStatus  `json:"status"`
	PublishedAt *time.Time     `json:"published_at,omitempty"`
	Settings    LedgerSettings `json:"settings"`
}

// BallotLedger is the paper ledger of one ballot.
type BallotLedger struct {
	LedgerSource
	Status   BallotStatus   `json:"status"`
	Settings LedgerSettings `json:"settings"`
}

// LedgerFilter selects a report: sessions by scheduled start and ballots by
// opening in [From, To), summed per month or year.
type LedgerFilter struct {
	From, To *time.Time
	Group    string
	// Explain adds every session and ballot with its lines.
	Explain bool
}

// Validate checks the filter.
func (f *LedgerFilter) Validate() error {
	if f.Group == "" {
		f.Group = GroupMonth
	}
	if f.Group != GroupMonth && f.Group != GroupYear {
		return FieldError("group", "field.enum", "group")
	}
	if f.From != nil && f.To != nil && !f.To.After(*f.From) {
		return FieldError("to", "field.time_order")
	}
	return nil
}

// LedgerReport sums the ledger of a body per period, in period order.
type LedgerReport struct {
	Group    string          `json:"group"`
	From     *time.Time      `json:"from,omitempty"`
	To       *time.Time      `json:"to,omitempty"`
	Settings LedgerSettings  `json:"settings"`
	TargetPc int             `json:"target_time_saving_pc"`
	Total    LedgerSummary   `json:"total"`
	Periods  []LedgerSummary `json:"periods"`
	Sources  []LedgerSource  `json:"sources,omitempty"`
}

// Summarize sums sources into per-period summaries and a total. Time
// figures are summed over the sources that have them (closed sessions).
func Summarize(sources []LedgerSource, targetPc int) (LedgerSummary, []LedgerSummary) {
	total := LedgerSummary{Time: TimeFigures{TargetPc: targetPc}}
	byPeriod := map[string]*LedgerSummary{}
	var keys []string
	var totalAcc, acc = timeAcc{}, map[string]*timeAcc{}
	for i := range sources {
		src := &sources[i]
		p := byPeriod[src.Period]
		if p == nil {
			p = &LedgerSummary{Period: src.Period}
			byPeriod[src.Period], acc[src.Period] = p, &timeAcc{}
			keys = append(keys, src.Period)
		}
		for _, sum := range []*LedgerSummary{p, &total} {
			if src.Kind == LedgerBallot {
				sum.Ballots++
			} else {
				sum.Meetings++
			}
			sum.Paper.Add(src.Paper)
		}
		if src.Time != nil && src.Time.Closed {
			acc[src.Period].add(src.Time)
			totalAcc.add(src.Time)
		}
	}
	slices.Sort(keys)
	periods := make([]LedgerSummary, len(keys))
	for i, k := range keys {
		periods[i] = *byPeriod[k]
		periods[i].Time = acc[k].figures(targetPc)
	}
	total.Time = totalAcc.figures(targetPc)
	return total, periods
}

// What a ledger.updated event is about.
const (
	LedgerMeeting = "meeting"
	LedgerBallot  = "ballot"
	LedgerBody    = "body" // the settings changed: every figure may have
)

// LedgerChange is the data of a ledger.updated event: the figures of a
// session or ballot changed (Kind and ID, in Period), or (Kind body) every
// figure may have (the settings, a member's clearance). It carries no
// figure: what one reader's figures are depends on their clearance.
type LedgerChange struct {
	Kind   string `json:"kind"`
	ID     int64  `json:"id,omitempty"`
	Period string `json:"period,omitempty"`
}

// LedgerService reports the paper and time ledgers. It is for the
// secretariat and the chair. Documents above the reader's clearance count
// in the figures as they stood at HiddenAsOf, and have no line.
type LedgerService interface {
	// MeetingLedger returns a session's ledger with every line. Errors:
	// forbidden, not_found.
	MeetingLedger(ctx context.Context, meetingID int64) (*MeetingLedger, error)
	// BallotLedger returns a ballot's ledger. Errors: forbidden, not_found.
	BallotLedger(ctx context.Context, ballotID int64) (*BallotLedger, error)
	// LedgerReport sums the body's ledger per month or year. Errors:
	// invalid, forbidden.
	LedgerReport(ctx context.Context, f LedgerFilter) (*LedgerReport, error)
}
