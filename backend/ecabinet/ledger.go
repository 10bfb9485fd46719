package ecabinet

import (
	"time"
)

// The paper ledger counts what e-Cabinet saves, from stored facts only:
//
//   - A document version is distributed electronically once its session is
//     published: a version current at publication is distributed then, one
//     uploaded later at its upload. A version replaced before publication
//     was never distributed; one replaced after publication was, so both it
//     and its successor count.
//   - Each distributed version avoids printing one copy for every invitee
//     cleared for the document's classification (guests included) plus the
//     body's reserve copies: pages avoided = pages × copies.
//   - A placeholder (a classified document distributed on paper only) printed
//     one copy per numbered paper copy made: pages printed = paper pages ×
//     copies.
//   - An opened ballot avoids a paper form of BallotPages pages per recipient,
//     sent and returned: pages avoided = BallotPages × recipients × 2.
//   - A ballot's documents count as a session's, distributed when it opens:
//     each distributed version avoids a copy per recipient cleared for it
//     plus the reserve copies, a placeholder prints its paper copies.
//
// Sheets are counted per printed copy: a copy of n pages takes ceil(n/2)
// sheets when the body prints duplex, n otherwise; a line's sheets are its
// copies × the sheets of one copy, and totals are sums of lines. Cost is
// pages × CostPerPageVND, weight is sheets × SheetWeightMg. Figures use the
// body's current settings, which every answer states.

// Ledger line kinds.
const (
	LineVersion     = "version"     // an electronic document version
	LinePlaceholder = "placeholder" // paper copies of a classified document
	LineBallot      = "ballot"      // a written ballot's paper forms
)

// Why a line counts, or does not.
const (
	ReasonDistributed        = "distributed"                 // distributed electronically: pages avoided
	ReasonReplacedBeforePub  = "replaced_before_publication" // never reached the members: not counted
	ReasonNotPublished       = "not_published"               // the session is a draft: not counted yet
	ReasonPaperCopies        = "paper_copies"                // paper only: pages printed
	ReasonBallotSentReturned = "ballot_sent_and_returned"    // a form sent and returned per recipient: pages avoided
)

// A paper ballot form travels twice: sent to the recipient and returned.
const ballotTripsPerRecipient = 2

// LedgerSettings are the body settings a ledger figure depends on.
type LedgerSettings struct {
	ReserveCopies  int   `json:"reserve_copies"`
	Duplex         bool  `json:"duplex"`
	CostPerPageVND int64 `json:"cost_per_page_vnd"`
	SheetWeightMg  int64 `json:"sheet_weight_mg"`
	BallotPages    int   `json:"ballot_pages"`
}

// Ledger returns the ledger settings of s.
func (s BodySettings) Ledger() LedgerSettings {
	return LedgerSettings{ReserveCopies: s.ReserveCopies, Duplex: s.Duplex, CostPerPageVND: s.CostPerPageVND,
		SheetWeightMg: s.SheetWeightMg, BallotPages: s.BallotPages}
}

// sheets returns the sheets one copy of pages pages takes.
func (s LedgerSettings) sheets(pages int) int64 {
	if s.Duplex {
		return int64(pages+1) / 2
	}
	return int64(pages)
}

// PaperFigures are the paper figures of a session, a ballot or a sum.
// Electronic share = pages avoided / (pages avoided + pages printed), in
// percent to one decimal (0 when there is no page at all).
type PaperFigures struct {
	PagesAvoided      int64   `json:"pages_avoided"`
	SheetsAvoided     int64   `json:"sheets_avoided"`
	CostAvoidedVND    int64   `json:"cost_avoided_vnd"`
	WeightAvoidedMg   int64   `json:"weight_avoided_mg"`
	PagesPrinted      int64   `json:"pages_printed"`
	SheetsPrinted     int64   `json:"sheets_printed"`
	CostPrintedVND    int64   `json:"cost_printed_vnd"`
	WeightPrintedMg   int64   `json:"weight_printed_mg"`
	ElectronicSharePc float64 `json:"electronic_share_pc"`
}

// Add adds o to f and recomputes the share.
func (f *PaperFigures) Add(o PaperFigures) {
	f.PagesAvoided += o.PagesAvoided
	f.SheetsAvoided += o.SheetsAvoided
	f.CostAvoidedVND += o.CostAvoidedVND
	f.WeightAvoidedMg += o.WeightAvoidedMg
	f.PagesPrinted += o.PagesPrinted
	f.SheetsPrinted += o.SheetsPrinted
	f.CostPrintedVND += o.CostPrintedVND
	f.WeightPrintedMg += o.WeightPrintedMg
	f.ElectronicSharePc = Share(f.PagesAvoided, f.PagesAvoided+f.PagesPrinted)
}

// add counts a line into f.
func (f *PaperFigures) add(l *LedgerLine) {
	if !l.Counted {
		return
	}
	o := PaperFigures{}
	if l.Electronic {
		o.PagesAvoided, o.SheetsAvoided, o.CostAvoidedVND, o.WeightAvoidedMg = l.TotalPages, l.Sheets, l.CostVND, l.WeightMg
	} else {
		o.PagesPrinted, o.SheetsPrinted, o.CostPrintedVND, o.WeightPrintedMg = l.TotalPages, l.Sheets, l.CostVND, l.WeightMg
	}
	f.Add(o)
}

// LedgerLine explains one figure: which document version, placeholder or
// ballot, how many pages per copy, how many copies and why, and what that
// makes. Copies = (Recipients + Reserve) × Multiplier. A reader is never
// given a line about a document above their clearance (VisibleLines): it
// counts in the totals only.
type LedgerLine struct {
	Kind           string         `json:"kind"`
	Reason         string         `json:"reason"`
	Counted        bool           `json:"counted"`
	Electronic     bool           `json:"electronic"` // pages avoided (true) or printed (false)
	MeetingID      int64          `json:"meeting_id,omitempty"`
	BallotID       int64          `json:"ballot_id,omitempty"`
	DocumentID     int64          `json:"document_id,omitempty"`
	VersionID      int64          `json:"version_id,omitempty"`
	Version        int            `json:"version,omitempty"`
	Title          string         `json:"title"`
	Classification Classification `json:"classification,omitempty"`
	// DistributedAt is when the version reached the members; ReplacedAt when
	// a newer version replaced it.
	DistributedAt *time.Time `json:"distributed_at,omitempty"`
	ReplacedAt    *time.Time `json:"replaced_at,omitempty"`
	PagesPerCopy  int        `json:"pages_per_copy"`
	Recipients    int        `json:"recipients"`
	Reserve       int        `json:"reserve"`
	Multiplier    int        `json:"multiplier"`
	Copies        int        `json:"copies"`
	TotalPages    int64      `json:"total_pages"`
	Sheets        int64      `json:"sheets"`
	CostVND       int64      `json:"cost_vnd"`
	WeightMg      int64      `json:"weight_mg"`
}

// fill computes the line's copies and what they make.
func (l *LedgerLine) fill(s LedgerSettings) {
	if l.Multiplier == 0 {
		l.Multiplier = 1
	}
	if !l.Counted {
		l.Recipients, l.Reserve, l.Copies, l.TotalPages, l.Sheets, l.CostVND, l.WeightMg = 0, 0, 0, 0, 0, 0, 0
		return
	}
	l.Copies = (l.Recipients + l.Reserve) * l.Multiplier
	l.TotalPages = int64(l.PagesPerCopy) * int64(l.Copies)
	l.Sheets = s.sheets(l.PagesPerCopy) * int64(l.Copies)
	l.CostVND = l.TotalPages * s.CostPerPageVND
	l.WeightMg = l.Sheets * s.SheetWeightMg
}

// VersionFact is a stored document version, as the ledger sees it.
type VersionFact struct {
	DocumentID     int64
	Title          string
	Classification Classification
	VersionID      int64
	Version        int
	Pages          int
	UploadedAt     time.Time
	// ReplacedAt is the upload time of the next version, if any.
	ReplacedAt *time.Time
}

// PlaceholderFact is a stored placeholder with the paper copies made of it.
type PlaceholderFact struct {
	DocumentID     int64
	Title          string
	Classification Classification
	PaperPages     int
	PaperCopies    int
}

// Readers counts the readers of a session (its invitees) or of a ballot
// (its recipients) per clearance level.
type Readers map[Classification]int

// Cleared returns how many readers are cleared for level c (all of them
// for ClassNone).
func (r Readers) Cleared(c Classification) int {
	n := 0
	for lvl, k := range r {
		if lvl.Covers(c) {
			n += k
		}
	}
	return n
}

// MeetingFacts are the stored facts the paper ledger of a session is
// computed from.
type MeetingFacts struct {
	MeetingID    int64
	PublishedAt  *time.Time
	Versions     []VersionFact
	Placeholders []PlaceholderFact
	Readers      Readers
}

// MeetingPaper computes a session's lines and figures by the rules above.
// Lines come in the order of the facts: versions, then placeholders.
func MeetingPaper(f *MeetingFacts, s LedgerSettings) ([]LedgerLine, PaperFigures) {
	var fig PaperFigures
	lines := documentLines(docsFacts{meetingID: f.MeetingID, distributedAt: f.PublishedAt, versions: f.Versions,
		placeholders: f.Placeholders, readers: f.Readers}, s, &fig)
	fig.ElectronicSharePc = Share(fig.PagesAvoided, fig.PagesAvoided+fig.PagesPrinted)
	return lines, fig
}

// docsFacts are the documents of a session or of a ballot, with the time
// they were distributed (publication, or the ballot's opening; nil while a
// draft) and who reads them.
type docsFacts struct {
	meetingID, ballotID int64
	distributedAt       *time.Time
	versions            []VersionFact
	placeholders        []PlaceholderFact
	readers             Readers
}

// documentLines counts the versions and placeholders of a session or a
// ballot into fig and returns their lines: versions, then placeholders.
func documentLines(f docsFacts, s LedgerSettings, fig *PaperFigures) []LedgerLine {
	var lines []LedgerLine
	for _, v := range f.versions {
		l := LedgerLine{Kind: LineVersion, Electronic: true, MeetingID: f.meetingID, BallotID: f.ballotID, DocumentID: v.DocumentID,
			VersionID: v.VersionID, Version: v.Version, Title: v.Title, Classification: v.Classification, ReplacedAt: v.ReplacedAt,
			PagesPerCopy: v.Pages}
		switch {
		case f.distributedAt == nil:
			l.Reason = ReasonNotPublished
		case v.ReplacedAt != nil && !v.ReplacedAt.After(*f.distributedAt):
			l.Reason = ReasonReplacedBeforePub
		default:
			at := *f.distributedAt
			if v.UploadedAt.After(at) {
				at = v.UploadedAt
			}
			l.Reason, l.Counted, l.DistributedAt = ReasonDistributed, true, &at
			l.Recipients, l.Reserve = f.readers.Cleared(v.Classification), s.ReserveCopies
		}
		l.fill(s)
		fig.add(&l)
		lines = append(lines, l)
	}
	for _, p := range f.placeholders {
		// A paper-only document is printed in numbered copies, one for each
		// reader cleared for it, more when more were handed out.
		l := LedgerLine{Kind: LinePlaceholder, Reason: ReasonPaperCopies, Counted: f.distributedAt != nil, MeetingID: f.meetingID,
			BallotID: f.ballotID, DocumentID: p.DocumentID, Title: p.Title, Classification: p.Classification, PagesPerCopy: p.PaperPages,
			Recipients: max(p.PaperCopies, f.readers.Cleared(p.Classification))}
		if !l.Counted {
			l.Reason = ReasonNotPublished
		}
		l.fill(s)
		fig.add(&l)
		lines = append(lines, l)
	}
	return lines
}

// BallotFacts are the stored facts the paper ledger of a ballot is
// computed from; every recipient gets the form, so Readers also counts them.
type BallotFacts struct {
	BallotID     int64
	Title        string
	OpenedAt     *time.Time // nil while a draft
	Versions     []VersionFact
	Placeholders []PlaceholderFact
	Readers      Readers
}

// BallotPaper computes a ballot's lines and figures: its form, sent to and
// returned by every recipient, then its documents under the rules of a
// session's, the opening taking the place of the publication (a version
// current at the opening is distributed then, a replacement at its upload;
// one replaced before the opening counts nothing, and a draft nothing at
// all). Each distributed version avoids a copy per recipient cleared for it
// plus the reserve copies.
func BallotPaper(f *BallotFacts, s LedgerSettings) ([]LedgerLine, PaperFigures) {
	var fig PaperFigures
	form := LedgerLine{Kind: LineBallot, Reason: ReasonBallotSentReturned, Counted: f.OpenedAt != nil, Electronic: true, BallotID: f.BallotID,
		Title: f.Title, PagesPerCopy: s.BallotPages, Recipients: f.Readers.Cleared(ClassNone), Multiplier: ballotTripsPerRecipient}
	if !form.Counted {
		form.Reason = ReasonNotPublished
	}
	form.fill(s)
	fig.add(&form)
	lines := append([]LedgerLine{form}, documentLines(docsFacts{ballotID: f.BallotID, distributedAt: f.OpenedAt, versions: f.Versions,
		placeholders: f.Placeholders, readers: f.Readers}, s, &fig)...)
	fig.ElectronicSharePc = Share(fig.PagesAvoided, fig.PagesAvoided+fig.PagesPrinted)
	return lines, fig
}

// VisibleLines returns the lines a reader cleared for c may see: those
// about a document above c are left out, as any figure of theirs (pages,
// recipients, copies) could tell the document or its level; they count in
// the totals only.
func VisibleLines(lines []LedgerLine, c Classification) []LedgerLine {
	out := lines[:0:0]
	for _, l := range lines {
		if l.DocumentID == 0 || c.Covers(l.Classification) {
			out = append(out, l)
		}
	}
	return out
}

// HiddenAsOf is the time at which documents above a reader's clearance are
// counted in that reader's figures: the start of the day of now, in loc.
// Such a document changes nothing the reader can read until the next day
// begins, whatever happens to it, so no figure, no reading and no event
// tells the reader when it changed; a day is what the totals then say.
func HiddenAsOf(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// Share returns num/den as a percentage rounded half away from zero to one
// decimal (3.258…% is 3.3%), computed in integers so that the same counts
// always give the same share. It is 0 when den is 0.
func Share(num, den int64) float64 {
	if den == 0 {
		return 0
	}
	return float64(roundDiv(num*1000, den)) / 10
}

// roundDiv returns num/den rounded half away from zero (den > 0).
func roundDiv(num, den int64) int64 {
	if num < 0 {
		return -((-num*2 + den) / (2 * den))
	}
	return (num*2 + den) / (2 * den)
}

// Tenths returns num/den rounded half away from zero to one decimal.
func Tenths(num, den int64) float64 {
	if den == 0 {
		return 0
	}
	return float64(roundDiv(num*10, den)) / 10
}
