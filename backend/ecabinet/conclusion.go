package ecabinet

import (
	"context"
	"strings"
	"time"
)

// ConclusionStatus is the state of a conclusion notice: draft → published.
type ConclusionStatus string

// Conclusion states. A published notice is final: a correction is a task
// or a later notice, never an edit.
const (
	ConclusionDraft     ConclusionStatus = "draft"
	ConclusionPublished ConclusionStatus = "published"
)

// ConclusionStatuses lists the states.
var ConclusionStatuses = []ConclusionStatus{ConclusionDraft, ConclusionPublished}

// Conclusion is the conclusion notice of a session (thông báo kết luận),
// drafted by the secretariat after the session closes and published to the
// session's invitees. A session has at most one.
type Conclusion struct {
	ID        int64            `json:"id"`
	BodyID    int64            `json:"body_id"`
	MeetingID int64            `json:"meeting_id"`
	Number    string           `json:"number"` // such as 125/TB-VPCP
	Title     string           `json:"title"`
	Text      string           `json:"text"`
	Items     []ConclusionItem `json:"items"`
	Status    ConclusionStatus `json:"status"`
	CreatedBy int64            `json:"created_by"`
	CreatedAt time.Time        `json:"created_at"`
	UpdatedAt time.Time        `json:"updated_at"`
	// PublishedAt and PublishedBy are set once published.
	PublishedAt *time.Time `json:"published_at,omitempty"`
	PublishedBy *int64     `json:"published_by,omitempty"`
}

// ConclusionItem is the conclusion on one agenda item of the session.
type ConclusionItem struct {
	ItemID int64  `json:"item_id"`
	Text   string `json:"text"`
}

// ConclusionInput drafts or edits a notice.
type ConclusionInput struct {
	Number string           `json:"number"`
	Title  string           `json:"title"`
	Text   string           `json:"text"`
	Items  []ConclusionItem `json:"items"`
}

// Validate checks and normalises the input: a title, and each agenda item
// at most once.
func (in *ConclusionInput) Validate() error {
	in.Number, in.Title, in.Text = strings.TrimSpace(in.Number), strings.TrimSpace(in.Title), strings.TrimSpace(in.Text)
	if err := optionalText("number", in.Number, 100); err != nil {
		return err
	}
	if err := requireText("title", in.Title, 500); err != nil {
		return err
	}
	if err := optionalText("text", in.Text, 100000); err != nil {
		return err
	}
	if len(in.Items) > 200 {
		return FieldError("items", "field.range", "items")
	}
	seen := map[int64]bool{}
	for i := range in.Items {
		it := &in.Items[i]
		it.Text = strings.TrimSpace(it.Text)
		if it.ItemID <= 0 || seen[it.ItemID] {
			return FieldError("items", "field.duplicate", "items")
		}
		seen[it.ItemID] = true
		if err := optionalText("items", it.Text, 50000); err != nil {
			return err
		}
	}
	return nil
}

// ConclusionService keeps conclusion notices. The secretariat drafts, edits
// and publishes; the session's invitees read a published notice. A notice
// the actor may not see is not_found.
type ConclusionService interface {
	// Conclusion returns a session's notice. Errors: not_found.
	Conclusion(ctx context.Context, meetingID int64) (*Conclusion, error)
	// SaveConclusion drafts the notice of a closed session, or replaces its
	// draft (secretariat). Errors: invalid (an item not of the session),
	// forbidden, not_found, conflict (session not closed, already published).
	SaveConclusion(ctx context.Context, meetingID int64, in ConclusionInput) (*Conclusion, error)
	// DeleteConclusion deletes a draft (secretariat). Errors: forbidden,
	// not_found, conflict (published).
	DeleteConclusion(ctx context.Context, meetingID int64) error
	// PublishConclusion publishes the draft to the session's invitees
	// (secretariat). Errors: forbidden, not_found, conflict (published).
	PublishConclusion(ctx context.Context, meetingID int64) (*Conclusion, error)
	// ListConclusions returns the notices the actor may see, newest session first.
	ListConclusions(ctx context.Context) ([]*Conclusion, error)
	// ExportConclusions returns the same notices as lines for a CSV: one
	// per concluded agenda item, or one for a notice without any.
	ExportConclusions(ctx context.Context) ([]ConclusionLine, error)
}

// ConclusionLine is one line of the conclusions export: a notice with its
// session and, when it concludes on items, one agenda item.
type ConclusionLine struct {
	Conclusion   *Conclusion
	MeetingTitle string
	MeetingStart time.Time
	// ItemPosition, ItemTitle and ItemText are set on an item's line.
	ItemPosition int
	ItemTitle    string
	ItemText     string
}
