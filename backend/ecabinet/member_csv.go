package ecabinet

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MembersCSVHeader is the header of the members' CSV file, the same for
// import and export.
var MembersCSVHeader = []string{"username", "full_name", "title", "organization", "role", "clearance", "voting", "email"}

// MaxImportLines bounds the members of one import.
const MaxImportLines = 5000

// MemberRow is one line of a members' CSV file, read.
type MemberRow struct {
	Line  int // in the file; the header is line 1
	Input MemberInput
	// Problems of the line, each naming its field.
	Problems []*Error
}

// ParseMembersCSV reads a members' CSV file (UTF-8, comma-separated, the
// header first; a byte order mark is ignored). A problem of the whole file
// (no header, a wrong one, too many lines, a broken quote) is returned as an
// invalid error; a problem of one line is in its row: too many or too few
// fields, bytes that are not UTF-8, an unknown role or clearance, a voting
// right that is neither yes nor no, a username already on an earlier line,
// and every rule of MemberInput.
func ParseMembersCSV(data []byte) ([]*MemberRow, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, &Error{Code: EINVALID, Key: "import.empty", Field: "file"}
	}
	if err != nil {
		return nil, csvError(err)
	}
	if !sameHeader(header) {
		return nil, &Error{Code: EINVALID, Key: "import.header", Field: "file", Args: []any{strings.Join(MembersCSVHeader, ",")}}
	}
	var rows []*MemberRow
	first := map[string]int{} // username → its first line
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		if len(rows) == MaxImportLines {
			return nil, &Error{Code: EINVALID, Key: "import.too_many", Field: "file", Args: []any{MaxImportLines}}
		}
		line, _ := r.FieldPos(0)
		row := parseMemberRecord(line, rec)
		if u := row.Input.Username; u != "" {
			if at, dup := first[u]; dup {
				row.Problems = append(row.Problems, FieldError("username", "import.duplicate", u, at))
			} else {
				first[u] = line
			}
		}
		rows = append(rows, row)
	}
}

func sameHeader(h []string) bool {
	return slices.EqualFunc(h, MembersCSVHeader, func(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), b) })
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{Code: EINVALID, Key: "import.malformed", Field: "file", Args: []any{pe.Line}}
	}
	return &Error{Code: EINVALID, Key: "import.malformed", Field: "file", Args: []any{0}}
}

func parseMemberRecord(line int, rec []string) *MemberRow {
	row := &MemberRow{Line: line}
	if len(rec) != len(MembersCSVHeader) {
		row.Problems = []*Error{FieldError("", "import.fields", len(rec), len(MembersCSVHeader))}
		return row
	}
	for i, v := range rec {
		if !utf8.ValidString(v) {
			row.Problems = append(row.Problems, FieldError(MembersCSVHeader[i], "import.encoding", MembersCSVHeader[i]))
		}
	}
	if len(row.Problems) > 0 {
		return row
	}
	in := MemberInput{Username: rec[0], FullName: rec[1], Title: rec[2], Organization: rec[3], Email: rec[7], Active: true,
		Precedence: line - 1}
	reported := map[string]bool{}
	problem := func(e *Error) {
		row.Problems = append(row.Problems, e)
		reported[e.Field] = true
	}
	in.Role = Role(strings.ToLower(strings.TrimSpace(rec[4])))
	if !in.Role.Valid() {
		problem(FieldError("role", "import.role", strings.TrimSpace(rec[4]), joinRoles()))
	}
	in.Clearance = Classification(strings.ToLower(strings.TrimSpace(rec[5])))
	if !in.Clearance.Valid() {
		problem(FieldError("clearance", "import.clearance", strings.TrimSpace(rec[5]), joinClassifications()))
	}
	voting, ok := parseYesNo(rec[6])
	if !ok {
		problem(FieldError("voting", "import.voting", strings.TrimSpace(rec[6])))
	}
	in.Voting = voting
	for _, p := range in.Problems() {
		if !reported[p.Field] {
			row.Problems = append(row.Problems, p)
		}
	}
	row.Input = in
	return row
}

func parseYesNo(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "1", "x", "có":
		return true, true
	case "false", "no", "0", "", "không":
		return false, true
	}
	return false, false
}

func joinRoles() string {
	s := make([]string, len(Roles))
	for i, r := range Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

func joinClassifications() string {
	s := make([]string, len(Classifications))
	for i, c := range Classifications {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// WriteMembersCSV writes members in the format ParseMembersCSV reads, so
// that an export imported again changes nothing.
func WriteMembersCSV(w io.Writer, members []*Member) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(MembersCSVHeader); err != nil {
		return err
	}
	for _, m := range members {
		if err := cw.Write([]string{m.Username, m.FullName, m.Title, m.Organization, string(m.Role), string(m.Clearance),
			strconv.FormatBool(m.Voting), m.Email}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// What an import does to a line's member.
const (
	ImportCreate    = "create"
	ImportUpdate    = "update"
	ImportUnchanged = "unchanged"
	ImportInvalid   = "invalid"
)

// ImportLine is what an import does, or would do, with one line.
type ImportLine struct {
	Line     int    `json:"line"`
	Username string `json:"username"`
	Action   string `json:"action"`
	// MemberID is the member updated, left unchanged or created (once applied).
	MemberID int64 `json:"member_id,omitempty"`
	// Changes names the fields an update changes.
	Changes []string `json:"changes,omitempty"`
	// NewOrganization is added to the list by this line (create_organizations).
	NewOrganization string `json:"new_organization,omitempty"`
	// Problems are the line's errors; Errors the same, in the reader's
	// language (Localize).
	Problems []*Error      `json:"-"`
	Errors   []LineProblem `json:"errors,omitempty"`
}

// LineProblem is a problem of a line as the API shows it.
type LineProblem struct {
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// ImportReport is the outcome of an import or of its dry run.
type ImportReport struct {
	DryRun bool `json:"dry_run"`
	// Applied: the import was written (never with a problem on any line).
	Applied       bool         `json:"applied"`
	Created       int          `json:"created"`
	Updated       int          `json:"updated"`
	Unchanged     int          `json:"unchanged"`
	Invalid       int          `json:"invalid"`
	Organizations []string     `json:"organizations_created"`
	Lines         []ImportLine `json:"lines"`
}

// Localize writes every line's problems in lang.
func (r *ImportReport) Localize(lang string) {
	for i := range r.Lines {
		l := &r.Lines[i]
		l.Errors = nil
		for _, p := range l.Problems {
			l.Errors = append(l.Errors, LineProblem{Field: p.Field, Message: p.Message(lang)})
		}
	}
}

// ImportOptions change an import.
type ImportOptions struct {
	// DryRun reports what would be done and writes nothing.
	DryRun bool
	// CreateOrganizations adds organisations the file names that are not in
	// the body's list; otherwise such a line is invalid.
	CreateOrganizations bool
}

// MemberImporter imports members into the actor's body.
type MemberImporter interface {
	// ImportMembers creates the members of the file's lines that the body
	// does not have and updates those it has (members the file does not
	// name are left as they are; created members have no password until a
	// one-time link sets it). Nothing is written unless every line is
	// valid; the report says per line what was (or would be) done and what
	// is wrong. Errors: invalid (the file as a whole, or with DryRun false
	// a problem on any line: the report comes with it), forbidden.
	ImportMembers(ctx context.Context, data []byte, opt ImportOptions) (*ImportReport, error)
}
