package ecabinet

import (
	"context"
	"strings"
	"time"
)

// MinutesStatus is the state of a version of the minutes: draft → published.
type MinutesStatus string

// States of a version of the minutes.
const (
	MinutesDraft     MinutesStatus = "draft"
	MinutesPublished MinutesStatus = "published"
)

// Minutes is one version of a session's minutes (biên bản phiên họp). The
// first is drafted from the record when the session closes; a published
// version is final, and a correction is a new version that keeps it.
type Minutes struct {
	MeetingID   int64         `json:"meeting_id"`
	Version     int           `json:"version"`
	Status      MinutesStatus `json:"status"`
	Text        string        `json:"text"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	PublishedAt *time.Time    `json:"published_at,omitempty"`
	PublishedBy *int64        `json:"published_by,omitempty"`
}

// MinutesInput is the text the secretariat edits.
type MinutesInput struct {
	Text string `json:"text"`
}

// Validate requires a text within 200,000 characters.
func (in *MinutesInput) Validate() error {
	in.Text = strings.TrimSpace(in.Text)
	return requireText("text", in.Text, 200_000)
}

// MinutesDocument is what the PDF of a version is made from.
type MinutesDocument struct {
	BodyName string
	// BodyPlace is where the body issues its documents (BodySettings.Place).
	BodyPlace    string
	MeetingTitle string
	Place        string
	Date         time.Time
	Minutes      Minutes
}

// MinutesService keeps a session's minutes. Every method is scoped to the
// actor's body; invitees see published versions only.
type MinutesService interface {
	// Minutes returns the latest version the actor may read. Errors: not_found.
	Minutes(ctx context.Context, meetingID int64) (*Minutes, error)
	// MinutesVersions returns every version the actor may read, newest
	// first. Errors: not_found.
	MinutesVersions(ctx context.Context, meetingID int64) ([]*Minutes, error)
	// SaveMinutes edits the draft, or starts a correction (a new draft
	// version) when the latest is published (secretariat; closed session).
	// Errors: invalid, forbidden, not_found, conflict.
	SaveMinutes(ctx context.Context, meetingID int64, in MinutesInput) (*Minutes, error)
	// PublishMinutes publishes the draft to the invitees (secretariat).
	// Errors: forbidden, not_found, conflict (no draft).
	PublishMinutes(ctx context.Context, meetingID int64) (*Minutes, error)
	// MinutesDocument returns a version with what its PDF shows (0: the
	// latest the actor may read). Errors: not_found.
	MinutesDocument(ctx context.Context, meetingID int64, version int) (*MinutesDocument, error)
}
