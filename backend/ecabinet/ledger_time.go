package ecabinet

import "time"

// The time ledger compares planned with actual minutes. An agenda item
// counts once it is done with both a start and an end: its actual time is
// ended_at − started_at. A session's planned and actual times are the sums
// over its counted items, so that deferred items (never discussed) do not
// look like savings and adjournments (breaks, not discussion) do not look
// like overruns; the session's wall-clock time (started_at..ended_at) is
// shown beside them. Saving = planned − actual, as a share of planned.
// Progress toward the body's goal (TargetTimeSavingPc, sessions 30% shorter
// by default) = saving share / goal, over the closed sessions of a period.
//
// Items decided in the consent block are counted apart: they were planned
// but not discussed, so their planned minutes are what the block saved
// (ConsentSavedMinutes), shown as a share of all the planned time of the
// counted items and the block together (ConsentSavingPc), beside the goal.
//
// A closed session whose discussed items took on average less than
// MinTimedItem each was not timed: its items were moved through (a
// rehearsal, or a session recorded after the fact), and counting it would
// claim a session of no length saved nearly all its planned time. Its items
// are listed with what was recorded but counted in no sum (Untimed).

// MinTimedItem is the least average recorded time per discussed item for a
// closed session's time to count.
const MinTimedItem = time.Minute

// ItemTime is one agenda item's planned and actual time.
type ItemTime struct {
	ItemID   int64        `json:"item_id"`
	Position int          `json:"position"`
	Title    string       `json:"title"`
	Status   AgendaStatus `json:"status"`
	Counted  bool         `json:"counted"`
	// Consent: decided in the consent block, counted apart.
	Consent        bool `json:"consent,omitempty"`
	PlannedMinutes int  `json:"planned_minutes"`
	// Spans is how many times the item was taken up (more than one when the
	// secretariat went back to it); its actual time is their sum.
	Spans int `json:"spans"`
	// ActualMinutes, SavingMinutes and SavingPc are set for counted items.
	ActualMinutes *float64 `json:"actual_minutes,omitempty"`
	SavingMinutes *float64 `json:"saving_minutes,omitempty"`
	SavingPc      *float64 `json:"saving_pc,omitempty"`
}

// TimeFigures sum planned and actual minutes over counted items (and, in a
// period, over closed sessions). Minutes are rounded to one decimal, shares
// to one decimal of a percent; both are computed from whole seconds.
type TimeFigures struct {
	Sessions       int     `json:"sessions"`
	Items          int     `json:"items"`
	PlannedMinutes float64 `json:"planned_minutes"`
	ActualMinutes  float64 `json:"actual_minutes"`
	SavingMinutes  float64 `json:"saving_minutes"`
	SavingPc       float64 `json:"saving_pc"`
	TargetPc       int     `json:"target_pc"`
	ProgressPc     float64 `json:"progress_pc"`
	TargetReached  bool    `json:"target_reached"`
	// The consent block: items decided in it and the minutes it saved.
	ConsentItems        int     `json:"consent_items"`
	ConsentSavedMinutes float64 `json:"consent_saved_minutes"`
	ConsentSavingPc     float64 `json:"consent_saving_pc"`
}

// TimeLedger is a session's time ledger.
type TimeLedger struct {
	// Closed sessions count in period sums; a session still running shows
	// its items so far.
	Closed bool        `json:"closed"`
	Totals TimeFigures `json:"totals"`
	Items  []ItemTime  `json:"items"`
	// Untimed: closed, but its discussed items took less than MinTimedItem
	// each on average; none of them counts.
	Untimed bool `json:"untimed,omitempty"`
	// SessionMinutes is the wall-clock time from start to close.
	SessionMinutes   *float64 `json:"session_minutes,omitempty"`
	ScheduledMinutes float64  `json:"scheduled_minutes"`
	// Whole seconds of the counted items (and of the consent block's), for
	// exact sums over sessions.
	plannedSec, actualSec int64
	consentItems          int
	consentSec            int64
}

// ItemFact is a stored agenda item, as the time ledger sees it.
type ItemFact struct {
	ID             int64
	Position       int
	Title          string
	Status         AgendaStatus
	PlannedMinutes int
	// StartedAt and EndedAt are its latest span; Earlier the spans before
	// it, when the item was taken up again after it was done.
	StartedAt *time.Time
	EndedAt   *time.Time
	Earlier   []Span
	// Consent: decided in the consent block without discussion.
	Consent bool
}

// Span is one discussion of an agenda item, from its start to its end.
type Span struct {
	StartedAt, EndedAt time.Time
}

// SessionFact is a stored session's times.
type SessionFact struct {
	Status                       MeetingStatus
	ScheduledStart, ScheduledEnd time.Time
	StartedAt, EndedAt           *time.Time
}

// timeAcc accumulates whole seconds.
type timeAcc struct {
	sessions, items       int
	plannedSec, actualSec int64
	consentItems          int
	consentSec            int64
}

func (a *timeAcc) add(t *TimeLedger) {
	a.sessions++
	a.items += t.Totals.Items
	a.plannedSec += t.plannedSec
	a.actualSec += t.actualSec
	a.consentItems += t.consentItems
	a.consentSec += t.consentSec
}

func (a *timeAcc) figures(targetPc int) TimeFigures {
	f := TimeFigures{Sessions: a.sessions, Items: a.items, TargetPc: targetPc,
		PlannedMinutes: Tenths(a.plannedSec, 60), ActualMinutes: Tenths(a.actualSec, 60)}
	saving := a.plannedSec - a.actualSec
	f.SavingMinutes = Tenths(saving, 60)
	f.SavingPc = Share(saving, a.plannedSec)
	if a.plannedSec > 0 && targetPc > 0 {
		f.ProgressPc = Share(saving*100, a.plannedSec*int64(targetPc))
		f.TargetReached = saving*100 >= a.plannedSec*int64(targetPc)
	}
	f.ConsentItems, f.ConsentSavedMinutes = a.consentItems, Tenths(a.consentSec, 60)
	f.ConsentSavingPc = Share(a.consentSec, a.plannedSec+a.consentSec)
	return f
}

// MeetingTime computes a session's time ledger from its items.
func MeetingTime(s SessionFact, items []ItemFact, targetPc int) TimeLedger {
	t := TimeLedger{Closed: s.Status == MeetingClosed, Items: make([]ItemTime, 0, len(items)),
		ScheduledMinutes: Tenths(int64(s.ScheduledEnd.Sub(s.ScheduledStart)/time.Second), 60)}
	if s.StartedAt != nil && s.EndedAt != nil {
		m := Tenths(int64(s.EndedAt.Sub(*s.StartedAt)/time.Second), 60)
		t.SessionMinutes = &m
	}
	var acc timeAcc
	for _, it := range items {
		x := ItemTime{ItemID: it.ID, Position: it.Position, Title: it.Title, Status: it.Status, PlannedMinutes: it.PlannedMinutes, Spans: len(it.Earlier)}
		if it.StartedAt != nil {
			x.Spans++
		}
		if it.Consent && it.Status == ItemDone {
			x.Consent = true
			acc.consentItems++
			acc.consentSec += int64(it.PlannedMinutes) * 60
			t.Items = append(t.Items, x)
			continue
		}
		if it.Status == ItemDone && it.StartedAt != nil && it.EndedAt != nil {
			planned := int64(it.PlannedMinutes) * 60
			actual := int64(it.EndedAt.Sub(*it.StartedAt) / time.Second)
			for _, sp := range it.Earlier {
				actual += int64(sp.EndedAt.Sub(sp.StartedAt) / time.Second)
			}
			am, sm, sp := Tenths(actual, 60), Tenths(planned-actual, 60), Share(planned-actual, planned)
			x.Counted, x.ActualMinutes, x.SavingMinutes, x.SavingPc = true, &am, &sm, &sp
			acc.items++
			acc.plannedSec += planned
			acc.actualSec += actual
		}
		t.Items = append(t.Items, x)
	}
	if t.Closed && acc.items > 0 && acc.actualSec < int64(acc.items)*int64(MinTimedItem/time.Second) {
		t.Untimed = true
		for i := range t.Items {
			if x := &t.Items[i]; x.Counted {
				x.Counted, x.SavingMinutes, x.SavingPc = false, nil, nil
			}
		}
		acc.items, acc.plannedSec, acc.actualSec = 0, 0, 0
	}
	t.plannedSec, t.actualSec = acc.plannedSec, acc.actualSec
	t.consentItems, t.consentSec = acc.consentItems, acc.consentSec
	t.Totals = acc.figures(targetPc)
	if t.Closed {
		t.Totals.Sessions = 1
	}
	return t
}
