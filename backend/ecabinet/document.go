package ecabinet

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
)

// Document is a dossier document of a session (or of one of its agenda
// items) or of a written ballot: exactly one of MeetingID and BallotID is set.
type Document struct {
	ID             int64          `json:"id"`
	MeetingID      int64          `json:"meeting_id,omitempty"`
	BallotID       int64          `json:"ballot_id,omitempty"`
	ItemID         *int64         `json:"item_id,omitempty"`
	Title          string         `json:"title"`
	Classification Classification `json:"classification"`
	// Placeholder documents are classified above what the body distributes
	// electronically: there is no file, only numbered paper copies.
	Placeholder bool `json:"placeholder"`
	// Issued names the official document this is, when e-Cabinet issues
	// it from its own data and its versions are signed (IssuedKind).
	Issued IssuedKind `json:"issued,omitempty"`
	// Pages of a placeholder's paper original (for the paper ledger).
	PaperPages int `json:"paper_pages,omitempty"`
	// PaperCopies is how many numbered paper copies of a placeholder were
	// made (handed out at least once): the paper used is PaperCopies ×
	// PaperPages pages.
	PaperCopies int `json:"paper_copies,omitempty"`
	// Current is the latest version; nil for placeholders.
	Current   *DocumentVersion `json:"current,omitempty"`
	CreatedAt time.Time        `json:"created_at"`
	UpdatedAt time.Time        `json:"updated_at"`
}

// DocumentVersion is one uploaded file of a document.
type DocumentVersion struct {
	ID         int64     `json:"id"`
	DocumentID int64     `json:"document_id"`
	Version    int       `json:"version"` // 1, 2, …
	Filename   string    `json:"filename"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	Pages      int       `json:"pages"`
	UploadedBy int64     `json:"uploaded_by"`
	UploadedAt time.Time `json:"uploaded_at"`
	// Signatures are the PDF's digital signatures, oldest first.
	Signatures []PDFSignature `json:"signatures"`
}

// DocumentInput creates a document or changes its metadata.
type DocumentInput struct {
	Title          string         `json:"title"`
	ItemID         *int64         `json:"item_id,omitempty"`
	Classification Classification `json:"classification"`
	PaperPages     int            `json:"paper_pages,omitempty"`
}

// Validate checks and normalises the input.
func (in *DocumentInput) Validate() error {
	in.Title = strings.TrimSpace(in.Title)
	if err := requireText("title", in.Title, 500); err != nil {
		return err
	}
	if !in.Classification.Valid() {
		return FieldError("classification", "field.enum", "classification")
	}
	if in.PaperPages < 0 || in.PaperPages > 100000 {
		return FieldError("paper_pages", "field.range", "paper_pages")
	}
	return nil
}

// Upload is a PDF received by the caller (spooled to a local file within
// the size limit); the service reads it and the caller removes it.
type Upload struct {
	Filename string
	Content  io.ReaderAt
	Size     int64
}

// FormatSize writes a size in bytes as messages show it: in GiB, MiB or
// KiB when it is a whole number of them, in bytes otherwise.
func FormatSize(n int64) string {
	switch {
	case n > 0 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n > 0 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n > 0 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// MaxFilename is the longest file name kept, in characters.
const MaxFilename = 200

// CleanFilename returns the name to keep for an uploaded file: its base
// name (browsers may send a path), valid UTF-8 without control characters
// or quotes, at most MaxFilename characters, ending in ".pdf".
func CleanFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name))
	if len(name) >= 4 && strings.EqualFold(name[len(name)-4:], ".pdf") {
		name = strings.TrimSpace(name[:len(name)-4])
	}
	if r := []rune(name); len(r) > MaxFilename-4 {
		name = strings.TrimSpace(string(r[:MaxFilename-4]))
	}
	if strings.Trim(name, ". ") == "" {
		name = "document"
	}
	return name + ".pdf"
}

// PaperCopy is a numbered paper copy of a placeholder document, in custody.
type PaperCopy struct {
	ID          int64      `json:"id"`
	DocumentID  int64      `json:"document_id"`
	CopyNo      int        `json:"copy_no"`
	HolderID    int64      `json:"holder_id"`
	HandedOutAt time.Time  `json:"handed_out_at"`
	HandedOutBy int64      `json:"handed_out_by"`
	ReturnedAt  *time.Time `json:"returned_at,omitempty"`
	ReceivedBy  *int64     `json:"received_by,omitempty"`
}

// PaperCopyInput hands a numbered paper copy to a member. CopyNo 0 takes a
// new copy (the next number); the number of a returned copy hands that
// same copy out again.
type PaperCopyInput struct {
	HolderID int64 `json:"holder_id"`
	CopyNo   int   `json:"copy_no,omitempty"`
}

// Validate checks the input.
func (in *PaperCopyInput) Validate() error {
	if in.HolderID <= 0 {
		return FieldError("holder_id", "field.required", "holder_id")
	}
	if in.CopyNo < 0 || in.CopyNo > 100000 {
		return FieldError("copy_no", "field.range", "copy_no")
	}
	return nil
}

// Note is a member's private note on one page of a document. It is kept
// across versions as long as the page exists.
type Note struct {
	DocumentID int64     `json:"document_id"`
	Page       int       `json:"page"`
	Text       string    `json:"text"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// MaxNoteLength is the longest note, in characters.
const MaxNoteLength = 10000

// Unread lists what one invitee has not opened yet: the current versions
// of the session's documents they are cleared for.
type Unread struct {
	MemberID int64   `json:"member_id"`
	Versions []int64 `json:"version_ids"`
}

// Content is a stored file ready to be served.
type Content struct {
	Version *DocumentVersion
	// Path is a local file (the per-viewer stamped copy) to serve with
	// range support; the caller must not change or delete it.
	Path string
}

// DocumentService keeps the documents of sessions and of written ballots.
// A document above the actor's clearance does not exist for them
// (not_found), nor do the documents of a session or ballot they may not see
// (a ballot's documents: the secretariat always, its recipients once it is
// open). The secretariat prepares documents; members and the chair read
// them. Every method taking a document id serves both kinds.
type DocumentService interface {
	// Documents lists the documents of a session the actor may see, session
	// documents first, then by agenda item. Errors: not_found.
	Documents(ctx context.Context, meetingID int64) ([]*Document, error)
	// FindDocument returns one document. Errors: not_found.
	FindDocument(ctx context.Context, id int64) (*Document, error)
	// CreateDocument adds a document to a session (secretariat). Above the
	// body's electronic limit it is a placeholder (paper pages required);
	// otherwise a PDF upload follows. Errors: invalid, forbidden (role,
	// classification above the actor's clearance), not_found, conflict
	// (session closed).
	CreateDocument(ctx context.Context, meetingID int64, in DocumentInput) (*Document, error)
	// BallotDocuments lists the documents of a ballot the actor may see, in
	// the order they were added. Errors: not_found.
	BallotDocuments(ctx context.Context, ballotID int64) ([]*Document, error)
	// CreateBallotDocument adds a document to a draft ballot (secretariat),
	// under the same classification rules as CreateDocument; item_id must
	// be empty. Errors: invalid, forbidden, not_found, conflict (the ballot
	// is no longer a draft).
	CreateBallotDocument(ctx context.Context, ballotID int64, in DocumentInput) (*Document, error)
	// UploadVersion stores the upload as the document's new current version,
	// in one transaction with its event; notes on pages the new version no
	// longer has are dropped. The content must be a valid, unencrypted PDF;
	// otherwise nothing is kept. A ballot's document takes any upload while
	// the ballot is a draft; once open, only a new version of a document
	// that has one (a replacement, which its recipients are told of); none
	// once closed. Errors: forbidden, not_found, conflict (placeholder,
	// session closed, ballot open without a file yet or closed),
	// unprocessable (empty, not a PDF, encrypted, corrupt).
	UploadVersion(ctx context.Context, documentID int64, up Upload) (*Document, error)
	// Versions lists every version, newest first. Errors: not_found.
	Versions(ctx context.Context, documentID int64) ([]*DocumentVersion, error)
	// Open returns a version's content stamped with the actor's name and the
	// time, and records the actor's first opening of it (read receipt).
	// Errors: not_found, conflict (paper only under the body's current rules).
	Open(ctx context.Context, documentID, versionID int64) (*Content, error)
	// Unread returns, for every invitee, the current versions they are
	// cleared for and have not opened (secretariat). Errors: forbidden, not_found.
	Unread(ctx context.Context, meetingID int64) ([]Unread, error)
	// HandOut records a numbered paper copy of a placeholder given to a
	// member of the body cleared for it (secretariat). A copy is out until
	// returned; a member holds one copy at a time. Errors: invalid,
	// forbidden, not_found, conflict (not a placeholder, copy out, holder
	// has a copy).
	HandOut(ctx context.Context, documentID int64, in PaperCopyInput) (*PaperCopy, error)
	// ReturnCopy records a paper copy handed back (secretariat). Errors:
	// forbidden, not_found, conflict (already returned).
	ReturnCopy(ctx context.Context, documentID, copyID int64) (*PaperCopy, error)
	// Copies lists a document's paper copies, handed out and returned
	// (secretariat). Errors: forbidden, not_found.
	Copies(ctx context.Context, documentID int64) ([]*PaperCopy, error)
	// Notes returns the actor's notes on the pages of the document's current
	// version (of the paper original for a placeholder). Errors: not_found.
	Notes(ctx context.Context, documentID int64) ([]*Note, error)
	// SetNote writes the actor's note on a page, or deletes it when text is
	// blank. Errors: invalid (page out of range, text too long), not_found.
	SetNote(ctx context.Context, documentID int64, page int, text string) (*Note, error)
}
