package ecabinet

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Body is a collegial body, such as the Government ("Chính phủ") or a
// provincial People's Committee. One deployment hosts several bodies; each
// has its own members, rules and data, isolated from the others.
type Body struct {
	ID       int64        `json:"id"`
	Slug     string       `json:"slug"`
	Name     string       `json:"name"`
	Settings BodySettings `json:"settings"`
	// Active: an operator may deactivate a body (ecabinet body deactivate);
	// its members then cannot sign in.
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Pass rules: whose majority a decision needs.
const (
	// PassMajorityOfAll: more than half of all members with a voting right
	// (Law on Government Organization 2015, art. 46).
	PassMajorityOfAll = "majority_of_all"
	// PassMajorityOfCast: more than half of the votes cast (abstentions do not count).
	PassMajorityOfCast = "majority_of_cast"
)

// Tie breaks: what decides when agree and disagree are equal.
const (
	TieChair = "chair" // the side the chair voted for wins
	TieFails = "fails" // a tie fails
)

// BodySettings are the rules of a body. Every domain rule that differs between
// bodies is a setting here, with the Government's rules as defaults.
type BodySettings struct {
	// QuorumNumerator/QuorumDenominator: share of all voting members that
	// must be present for a session to proceed. Default 2/3.
	QuorumNumerator   int `json:"quorum_numerator"`
	QuorumDenominator int `json:"quorum_denominator"`
	// PassRule is PassMajorityOfAll (default) or PassMajorityOfCast.
	PassRule string `json:"pass_rule"`
	// TieBreak is TieChair (default) or TieFails.
	TieBreak string `json:"tie_break"`
	// DeputyMayVote: a stand-in deputy votes for the absent member. Default false.
	DeputyMayVote bool `json:"deputy_may_vote"`
	// ElectronicMaxClassification is the highest classification distributed
	// electronically; documents above it are paper placeholders. Default none.
	ElectronicMaxClassification Classification `json:"electronic_max_classification"`
	// VoteChangeAllowed: a member may change a session vote before it closes.
	VoteChangeAllowed bool `json:"vote_change_allowed"`
	// BallotAnswerChangeAllowed: a member may change a ballot answer before the deadline.
	BallotAnswerChangeAllowed bool `json:"ballot_answer_change_allowed"`
	// BallotCommentRequired: disagree and other opinions need a comment.
	BallotCommentRequired bool `json:"ballot_comment_required"`
	// BallotReminders are durations before the deadline at which members who
	// have not answered are reminded, in minutes.
	BallotReminderMinutes []int `json:"ballot_reminder_minutes"`
	// OfflineReading allows tablets to keep unclassified documents at rest.
	OfflineReading bool `json:"offline_reading"`
	// MFARequired requires a second factor (TOTP) for admin and secretary accounts.
	MFARequired bool `json:"mfa_required"`
	// Paper ledger settings.
	ReserveCopies      int   `json:"reserve_copies"`        // extra printed sets per session document
	Duplex             bool  `json:"duplex"`                // two pages per sheet
	CostPerPageVND     int64 `json:"cost_per_page_vnd"`     // printing, copying and delivery, per page
	SheetWeightMg      int64 `json:"sheet_weight_mg"`       // weight of one A4 sheet, milligrams
	BallotPages        int   `json:"ballot_pages"`          // pages of one paper ballot form
	TargetTimeSavingPc int   `json:"target_time_saving_pc"` // goal: sessions this much shorter than planned
	// Task reminders go to the lead this many days before the deadline and
	// after it while the task is not done; 0 sends none.
	TaskReminderDaysBefore int `json:"task_reminder_days_before"`
	TaskReminderDaysAfter  int `json:"task_reminder_days_after"`
	// SpeakingMinutes is the time a speaker has the floor, counted down on
	// the speaker's, the chair's and the secretariat's screens; 0 sets none.
	SpeakingMinutes int `json:"speaking_minutes"`
	// PositionNamesVisible: members see who gave which position before a
	// session (the chair and the secretariat always do). Default false.
	PositionNamesVisible bool `json:"position_names_visible"`
	// ConsentByVote: the consent block is taken by a vote; otherwise the
	// chair records "no objection heard". Default false.
	ConsentByVote bool `json:"consent_by_vote"`
	// Timezone for dates shown to members and for monthly figures.
	Timezone string `json:"timezone"`
	// Place is where the body's documents are issued, as an official
	// document names it before its date ("Hà Nội, ngày …"; a province's
	// committee: "Lào Cai"). Default Hà Nội.
	Place string `json:"place"`
	// What an uploaded PDF may cost to read, on the server and on every
	// tablet: its pages, and what its streams decode to, each stream and
	// the whole document (in MiB). A file over one is refused at upload.
	DocumentMaxPages      int `json:"document_max_pages"`
	DocumentMaxStreamMiB  int `json:"document_max_stream_mib"`
	DocumentMaxDecodedMiB int `json:"document_max_decoded_mib"`
	// Signers names who signs each issued document digitally.
	Signers SignerSettings `json:"signers"`
}

// DefaultBodySettings returns the Government's rules.
func DefaultBodySettings() BodySettings {
	return BodySettings{
		QuorumNumerator:             2,
		QuorumDenominator:           3,
		PassRule:                    PassMajorityOfAll,
		TieBreak:                    TieChair,
		DeputyMayVote:               false,
		ElectronicMaxClassification: ClassNone,
		VoteChangeAllowed:           false,
		BallotAnswerChangeAllowed:   true,
		BallotCommentRequired:       true,
		BallotReminderMinutes:       []int{24 * 60, 2 * 60},
		OfflineReading:              false,
		MFARequired:                 false,
		ReserveCopies:               5,
		Duplex:                      true,
		CostPerPageVND:              1500,
		SheetWeightMg:               5000,
		BallotPages:                 2,
		TargetTimeSavingPc:          30,
		TaskReminderDaysBefore:      3,
		TaskReminderDaysAfter:       1,
		SpeakingMinutes:             5,
		Timezone:                    "Asia/Ho_Chi_Minh",
		Place:                       "Hà Nội",
		// Cabinet dossiers run to hundreds, rarely a few thousand pages; a
		// scanned A4 page in colour at 600 dpi decodes to about 105 MiB.
		DocumentMaxPages:      10_000,
		DocumentMaxStreamMiB:  128,
		DocumentMaxDecodedMiB: 4096,
	}
}

// Validate checks the settings and returns an invalid error naming the field.
func (s BodySettings) Validate() error {
	switch {
	case s.QuorumDenominator <= 0 || s.QuorumDenominator > 1000:
		return FieldError("quorum_denominator", "field.range", "quorum_denominator")
	case s.QuorumNumerator <= 0 || s.QuorumNumerator > s.QuorumDenominator:
		return FieldError("quorum_numerator", "field.range", "quorum_numerator")
	case s.PassRule != PassMajorityOfAll && s.PassRule != PassMajorityOfCast:
		return FieldError("pass_rule", "field.enum", "pass_rule")
	case s.TieBreak != TieChair && s.TieBreak != TieFails:
		return FieldError("tie_break", "field.enum", "tie_break")
	case !s.ElectronicMaxClassification.Valid():
		return FieldError("electronic_max_classification", "field.enum", "electronic_max_classification")
	case s.ReserveCopies < 0 || s.ReserveCopies > 1000:
		return FieldError("reserve_copies", "field.range", "reserve_copies")
	case s.CostPerPageVND < 0 || s.CostPerPageVND > 1_000_000:
		return FieldError("cost_per_page_vnd", "field.range", "cost_per_page_vnd")
	case s.SheetWeightMg <= 0 || s.SheetWeightMg > 1_000_000:
		return FieldError("sheet_weight_mg", "field.range", "sheet_weight_mg")
	case s.BallotPages <= 0 || s.BallotPages > 1000:
		return FieldError("ballot_pages", "field.range", "ballot_pages")
	case s.TargetTimeSavingPc < 0 || s.TargetTimeSavingPc > 100:
		return FieldError("target_time_saving_pc", "field.range", "target_time_saving_pc")
	case s.TaskReminderDaysBefore < 0 || s.TaskReminderDaysBefore > 365:
		return FieldError("task_reminder_days_before", "field.range", "task_reminder_days_before")
	case s.TaskReminderDaysAfter < 0 || s.TaskReminderDaysAfter > 365:
		return FieldError("task_reminder_days_after", "field.range", "task_reminder_days_after")
	case s.SpeakingMinutes < 0 || s.SpeakingMinutes > 120:
		return FieldError("speaking_minutes", "field.range", "speaking_minutes")
	case s.DocumentMaxPages < 1 || s.DocumentMaxPages > 100_000:
		return FieldError("document_max_pages", "field.range", "document_max_pages")
	case s.DocumentMaxStreamMiB < 1 || s.DocumentMaxStreamMiB > 4096:
		return FieldError("document_max_stream_mib", "field.range", "document_max_stream_mib")
	case s.DocumentMaxDecodedMiB < s.DocumentMaxStreamMiB || s.DocumentMaxDecodedMiB > 65536:
		return FieldError("document_max_decoded_mib", "field.range", "document_max_decoded_mib")
	}
	if err := s.Signers.Validate(); err != nil {
		return err
	}
	for _, m := range s.BallotReminderMinutes {
		if m <= 0 || m > 60*24*60 {
			return FieldError("ballot_reminder_minutes", "field.range", "ballot_reminder_minutes")
		}
	}
	if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "" {
		return FieldError("timezone", "field.enum", "timezone")
	}
	switch place := strings.TrimSpace(s.Place); {
	case place == "":
		return FieldError("place", "field.required", "place")
	case utf8.RuneCountInString(place) > maxPlace:
		return FieldError("place", "field.too_long", "place", maxPlace)
	}
	return nil
}

// maxPlace is the longest place name, in characters ("Thành phố Hồ Chí Minh" is 21).
const maxPlace = 60

// DocumentLimits returns the document limits of the settings in bytes.
func (s BodySettings) DocumentLimits() (pages int, stream, document int64) {
	return s.DocumentMaxPages, int64(s.DocumentMaxStreamMiB) << 20, int64(s.DocumentMaxDecodedMiB) << 20
}

// Location returns the body's time zone, falling back to Asia/Ho_Chi_Minh.
func (s BodySettings) Location() *time.Location {
	if loc, err := time.LoadLocation(s.Timezone); err == nil && s.Timezone != "" {
		return loc
	}
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600)
}

// BodyService reads and changes bodies. Callers are scoped to the body of
// the actor in ctx.
type BodyService interface {
	// FindBody returns the actor's own body. Errors: not_found.
	FindBody(ctx context.Context, id int64) (*Body, error)
	// UpdateBodySettings replaces the settings of the actor's body (admin only).
	// Errors: invalid, forbidden, not_found.
	UpdateBodySettings(ctx context.Context, id int64, s BodySettings) (*Body, error)
}

// BodyInput is what an operator gives to create a body.
type BodyInput struct {
	// Slug names the body in commands and URLs: lower-case letters, digits
	// and hyphens, such as "ubnd-lao-cai".
	Slug     string
	Name     string
	Settings BodySettings
}

// Validate normalises and checks the input. Errors: invalid.
func (in *BodyInput) Validate() error {
	in.Slug, in.Name = strings.TrimSpace(in.Slug), strings.TrimSpace(in.Name)
	if len(in.Slug) < 2 || len(in.Slug) > 63 || strings.HasPrefix(in.Slug, "-") || strings.HasSuffix(in.Slug, "-") {
		return FieldError("slug", "body.slug")
	}
	for _, r := range in.Slug {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return FieldError("slug", "body.slug")
		}
	}
	if err := requireText("name", in.Name, 200); err != nil {
		return err
	}
	return in.Settings.Validate()
}
