package ecabinet

import (
	"context"
	"strings"
	"time"
)

// AgendaStatus is the state of an agenda item.
type AgendaStatus string

// Agenda item states. While a session is live exactly one item is active.
const (
	ItemPending  AgendaStatus = "pending"
	ItemActive   AgendaStatus = "active"
	ItemDone     AgendaStatus = "done"
	ItemDeferred AgendaStatus = "deferred"
)

// AgendaItem is one item of a session's agenda (nội dung, chương trình họp).
type AgendaItem struct {
	ID        int64  `json:"id"`
	MeetingID int64  `json:"meeting_id"`
	Position  int    `json:"position"` // 1-based order
	Title     string `json:"title"`
	Summary   string `json:"summary"`
	Presenter *int64 `json:"presenter_id,omitempty"` // a member who presents
	// PresenterOrg is the presenting organisation (ministry) when no member is named.
	PresenterOrg   string       `json:"presenter_org"`
	PlannedMinutes int          `json:"planned_minutes"`
	Status         AgendaStatus `json:"status"`
	StartedAt      *time.Time   `json:"started_at,omitempty"`
	EndedAt        *time.Time   `json:"ended_at,omitempty"`
	// PositionsOpen: members give positions on the item before the session.
	PositionsOpen bool `json:"positions_open"`
	// Consent is the item's place in the consent block ("" when none).
	Consent ConsentState `json:"consent,omitempty"`
}

// ActualMinutes returns the minutes the item took, when it has ended.
func (it *AgendaItem) ActualMinutes() (float64, bool) {
	if it.StartedAt == nil || it.EndedAt == nil {
		return 0, false
	}
	return it.EndedAt.Sub(*it.StartedAt).Minutes(), true
}

// AgendaItemInput creates or edits an item.
type AgendaItemInput struct {
	Title          string `json:"title"`
	Summary        string `json:"summary"`
	Presenter      *int64 `json:"presenter_id,omitempty"`
	PresenterOrg   string `json:"presenter_org"`
	PlannedMinutes int    `json:"planned_minutes"`
	// Position inserts the item at this place (1-based); 0 appends. Ignored on edit.
	Position int `json:"position"`
}

// Validate checks and normalises the input.
func (in *AgendaItemInput) Validate() error {
	in.Title = strings.TrimSpace(in.Title)
	in.Summary = strings.TrimSpace(in.Summary)
	in.PresenterOrg = strings.TrimSpace(in.PresenterOrg)
	if err := requireText("title", in.Title, 500); err != nil {
		return err
	}
	if err := optionalText("summary", in.Summary, 5000); err != nil {
		return err
	}
	if err := optionalText("presenter_org", in.PresenterOrg, 300); err != nil {
		return err
	}
	if in.PlannedMinutes < 1 || in.PlannedMinutes > 600 {
		return FieldError("planned_minutes", "field.range", "planned_minutes")
	}
	if in.Position < 0 {
		return FieldError("position", "field.range", "position")
	}
	return nil
}

// AgendaService edits and runs a session's agenda.
type AgendaService interface {
	// Agenda returns the ordered agenda. Errors: not_found.
	Agenda(ctx context.Context, meetingID int64) ([]*AgendaItem, error)
	// AddItem inserts an item (secretariat; not closed). Errors: invalid, forbidden, not_found, conflict.
	AddItem(ctx context.Context, meetingID int64, in AgendaItemInput) ([]*AgendaItem, error)
	// UpdateItem edits an item (secretariat; not closed). Errors: invalid, forbidden, not_found, conflict.
	UpdateItem(ctx context.Context, meetingID, itemID int64, in AgendaItemInput) ([]*AgendaItem, error)
	// ReorderAgenda sets the order to ids, which must list every item once.
	// Errors: invalid, forbidden, not_found, conflict.
	ReorderAgenda(ctx context.Context, meetingID int64, ids []int64) ([]*AgendaItem, error)
	// DeferItem moves a pending item to deferred (secretariat or chair).
	// Errors: forbidden, not_found, conflict (not pending).
	DeferItem(ctx context.Context, meetingID, itemID int64) ([]*AgendaItem, error)
	// ActivateItem makes an item the active one while the session is live; the
	// item active before is done (chair or secretariat). Errors: forbidden,
	// not_found, conflict (not live, item done).
	ActivateItem(ctx context.Context, meetingID, itemID int64) ([]*AgendaItem, error)
	// NextItem activates the next pending item. Errors: forbidden, not_found,
	// conflict (not live, no pending item left).
	NextItem(ctx context.Context, meetingID int64) ([]*AgendaItem, error)
}
