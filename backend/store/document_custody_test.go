package store_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
	"github.com/ecabinet/ecabinet/backend/store"
)

// Opening serves a copy stamped with the reader's name, made once per
// reader and version; the first opening is a read receipt, and the
// secretariat sees who has not opened what.
func TestOpenAndReadReceipts(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newDocEnv(t, db)
		plain := e.upload(t, e.create(t, "Báo cáo chung", ecabinet.ClassNone, 0), pdftest.Valid(2))
		secret := e.upload(t, e.create(t, "Đề án mật", ecabinet.ClassSecret, 0), pdftest.Valid(3))
		paper := e.create(t, "Tuyệt mật", ecabinet.ClassTopSecret, 4)
		e.create(t, "Chưa có tệp", ecabinet.ClassNone, 0)
		e.publish(t)

		unread := func() map[int64][]int64 {
			t.Helper()
			list, err := e.svc.Unread(e.as("sec"), e.meeting.ID)
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64][]int64{}
			for _, u := range list {
				out[u.MemberID] = u.Versions
			}
			if len(out) != len(e.meeting.Invitees) {
				t.Fatalf("unread lists %d invitees, want %d", len(out), len(e.meeting.Invitees))
			}
			return out
		}
		before := unread()
		both, onlyPlain := []int64{plain.Current.ID, secret.Current.ID}, []int64{plain.Current.ID}
		if !slices.Equal(before[e.people["secret"].ID], both) || !slices.Equal(before[e.people["conf"].ID], onlyPlain) {
			t.Fatalf("unread before any opening: %v", before)
		}

		c, err := e.svc.Open(e.as("secret"), secret.ID, secret.Current.ID)
		if err != nil {
			t.Fatal(err)
		}
		stamped, err := os.ReadFile(c.Path)
		if err != nil {
			t.Fatal(err)
		}
		pages, err := pdftest.Text(stamped)
		if err != nil || len(pages) != 3 || !strings.Contains(pages[2], "Nguyễn Văn secret — ") || !strings.Contains(pages[2], pdftest.PageText(3)) {
			t.Fatalf("stamped copy reads %q, %v", pages, err)
		}
		if c.Version.ID != secret.Current.ID || c.Version.SHA256 != secret.Current.SHA256 {
			t.Fatalf("content version %+v", c.Version)
		}
		// Opened again (a range request): the same copy, one receipt.
		again, err := e.svc.Open(e.as("secret"), secret.ID, secret.Current.ID)
		if err != nil || again.Path != c.Path {
			t.Fatalf("second opening: %+v %v", again, err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM read_receipts WHERE member_id = ?", e.people["secret"].ID); n != 1 {
			t.Fatalf("%d receipts after two openings", n)
		}
		after := unread()
		if !slices.Equal(after[e.people["secret"].ID], onlyPlain) || !slices.Equal(after[e.people["topsecret"].ID], both) {
			t.Fatalf("unread after an opening: %v", after)
		}
		// A secretary below secret neither sees the secret document in the report.
		list, err := e.svc.Unread(e.as("sec2"), e.meeting.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range list {
			if slices.Contains(u.Versions, secret.Current.ID) {
				t.Fatalf("secretary below secret sees the secret version in %+v", u)
			}
		}
		_, err = e.svc.Unread(e.as("chair"), e.meeting.ID)
		wantCode(t, err, ecabinet.EFORBIDDEN)

		// Another reader gets their own copy.
		other, err := e.svc.Open(e.as("chair"), secret.ID, secret.Current.ID)
		if err != nil || other.Path == c.Path {
			t.Fatalf("chair's copy: %+v %v", other, err)
		}
		_, err = e.svc.Open(e.as("conf"), secret.ID, secret.Current.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		_, err = e.svc.Open(e.as("secret"), secret.ID, plain.Current.ID)
		wantCode(t, err, ecabinet.ENOTFOUND) // a version of another document
		_, err = e.svc.Open(e.as("chair"), paper.ID, secret.Current.ID)
		wantKey(t, err, ecabinet.ECONFLICT, "document.paper_only")

		// Stored content that no longer matches its checksum is never served.
		q := "UPDATE document_chunks SET data = ? WHERE version_id = ?"
		if db.Dialect() == store.Postgres {
			q = pgParams(q)
		}
		if _, err := db.SQL().Exec(q, []byte("%PDF-1.7 tampered"), plain.Current.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Open(e.as("plain"), plain.ID, plain.Current.ID)
		wantCode(t, err, ecabinet.EINTERNAL)
	})
}

// Paper copies of a placeholder: numbered, handed to cleared members, one
// out per number and per holder until returned.
func TestPaperCopies(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newDocEnv(t, db)
		paper := e.create(t, "Tuyệt mật", ecabinet.ClassTopSecret, 20)
		electronic := e.create(t, "Thường", ecabinet.ClassNone, 0)
		sec := e.as("sec")
		chair, topsecret := e.people["chair"].ID, e.people["topsecret"].ID

		_, err := e.svc.HandOut(e.as("chair"), paper.ID, ecabinet.PaperCopyInput{HolderID: chair})
		wantCode(t, err, ecabinet.EFORBIDDEN)
		_, err = e.svc.HandOut(sec, electronic.ID, ecabinet.PaperCopyInput{HolderID: chair})
		wantKey(t, err, ecabinet.ECONFLICT, "copy.not_placeholder")
		_, err = e.svc.HandOut(sec, paper.ID, ecabinet.PaperCopyInput{HolderID: e.people["secret"].ID})
		wantKey(t, err, ecabinet.EINVALID, "copy.holder_not_cleared")
		other := newFixture(t, db).members[ecabinet.RoleMember].ID
		_, err = e.svc.HandOut(sec, paper.ID, ecabinet.PaperCopyInput{HolderID: other})
		wantKey(t, err, ecabinet.EINVALID, "not_found.member")
		_, err = e.svc.HandOut(e.as("sec2"), paper.ID, ecabinet.PaperCopyInput{HolderID: chair})
		wantCode(t, err, ecabinet.ENOTFOUND) // above that secretary's clearance

		c1, err := e.svc.HandOut(sec, paper.ID, ecabinet.PaperCopyInput{HolderID: chair})
		if err != nil || c1.CopyNo != 1 || c1.HolderID != chair || c1.HandedOutBy != e.people["sec"].ID || c1.ReturnedAt != nil {
			t.Fatalf("copy 1: %+v %v", c1, err)
		}
		_, err = e.svc.HandOut(sec, paper.ID, ecabinet.PaperCopyInput{HolderID: chair})
		wantKey(t, err, ecabinet.ECONFLICT, "copy.holder_has_copy")
		_, err = e.svc.HandOut(sec, paper.ID, ecabinet.PaperCopyInput{HolderID: topsecret, CopyNo: 1})
		wantKey(t, err, ecabinet.ECONFLICT, "copy.out")
		_, err = e.svc.HandOut(sec, paper.ID, ecabinet.PaperCopyInput{HolderID: topsecret, CopyNo: 7})
		wantKey(t, err, ecabinet.EINVALID, "copy.no_such_number")
		c2, err := e.svc.HandOut(sec, paper.ID, ecabinet.PaperCopyInput{HolderID: topsecret})
		if err != nil || c2.CopyNo != 2 {
			t.Fatalf("copy 2: %+v %v", c2, err)
		}

		back, err := e.svc.ReturnCopy(sec, paper.ID, c1.ID)
		if err != nil || back.ReturnedAt == nil || back.ReceivedBy == nil || *back.ReceivedBy != e.people["sec"].ID {
			t.Fatalf("return: %+v %v", back, err)
		}
		_, err = e.svc.ReturnCopy(sec, paper.ID, c1.ID)
		wantKey(t, err, ecabinet.ECONFLICT, "copy.returned")
		_, err = e.svc.ReturnCopy(sec, electronic.ID, c2.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		// The returned copy goes out again, to its former holder or another.
		again, err := e.svc.HandOut(sec, paper.ID, ecabinet.PaperCopyInput{HolderID: e.people["sec"].ID, CopyNo: 1})
		if err != nil || again.CopyNo != 1 || again.ID == c1.ID {
			t.Fatalf("copy 1 again: %+v %v", again, err)
		}
		// Two copies were made: the paper used is twice the original's pages.
		if got, err := e.svc.FindDocument(sec, paper.ID); err != nil || got.PaperCopies != 2 || got.PaperPages != 20 {
			t.Fatalf("paper copies made: %+v %v", got, err)
		}
		list, err := e.svc.Copies(sec, paper.ID)
		if err != nil || len(list) != 3 || list[0].CopyNo != 1 || list[0].ReturnedAt == nil || list[1].CopyNo != 1 || list[2].CopyNo != 2 {
			t.Fatalf("copies: %+v %v", list, err)
		}
		_, err = e.svc.Copies(e.as("chair"), paper.ID)
		wantCode(t, err, ecabinet.EFORBIDDEN)
		_, err = e.svc.Copies(e.as("sec2"), paper.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
	})
}

// Notes are private, per page, and follow the pages through versions.
func TestNotes(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newDocEnv(t, db)
		d := e.create(t, "Báo cáo", ecabinet.ClassConfidential, 0)
		e.publish(t)
		me, other := e.as("conf"), e.as("secret")
		_, err := e.svc.SetNote(me, d.ID, 1, "chưa có tệp")
		wantCode(t, err, ecabinet.EINVALID) // no pages yet
		e.upload(t, d, pdftest.Valid(4))

		for page, text := range map[int]string{1: "Đồng ý", 3: "  Cần làm rõ số liệu  ", 4: "Hỏi lại Bộ Tài chính"} {
			n, err := e.svc.SetNote(me, d.ID, page, text)
			if err != nil || n.Page != page || n.Text != strings.TrimSpace(text) {
				t.Fatalf("note on page %d: %+v %v", page, n, err)
			}
		}
		if _, err := e.svc.SetNote(me, d.ID, 1, "Đồng ý, có ý kiến"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SetNote(other, d.ID, 2, "Ghi chú của người khác"); err != nil {
			t.Fatal(err)
		}
		for _, page := range []int{0, 5, -1} {
			_, err := e.svc.SetNote(me, d.ID, page, "x")
			if ae := ecabinet.AsError(err); ae.Code != ecabinet.EINVALID || ae.Field != "page" {
				t.Fatalf("page %d: %v", page, err)
			}
		}
		_, err = e.svc.SetNote(me, d.ID, 2, strings.Repeat("ă", ecabinet.MaxNoteLength+1))
		wantCode(t, err, ecabinet.EINVALID)
		_, err = e.svc.SetNote(e.as("plain"), d.ID, 1, "x")
		wantCode(t, err, ecabinet.ENOTFOUND)

		pagesOf := func(notes []*ecabinet.Note) []int {
			var p []int
			for _, n := range notes {
				p = append(p, n.Page)
			}
			return p
		}
		notes, err := e.svc.Notes(me, d.ID)
		if err != nil || !slices.Equal(pagesOf(notes), []int{1, 3, 4}) || notes[0].Text != "Đồng ý, có ý kiến" {
			t.Fatalf("my notes: %+v %v", notes, err)
		}
		if theirs, _ := e.svc.Notes(other, d.ID); !slices.Equal(pagesOf(theirs), []int{2}) {
			t.Fatalf("the other reader's notes: %+v", theirs)
		}
		// Blank text deletes.
		if _, err := e.svc.SetNote(me, d.ID, 4, " "); err != nil {
			t.Fatal(err)
		}
		// A new version of 3 pages keeps the notes on pages 1 to 3.
		if _, err := e.svc.SetNote(me, d.ID, 4, "trang 4"); err != nil {
			t.Fatal(err)
		}
		e.upload(t, d, pdftest.Valid(3))
		if notes, _ = e.svc.Notes(me, d.ID); !slices.Equal(pagesOf(notes), []int{1, 3}) {
			t.Fatalf("notes after a shorter version: %+v", notes)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM document_notes WHERE document_id = ? AND page > 3", d.ID); n != 0 {
			t.Fatalf("%d notes left on pages the new version lacks", n)
		}
		// A placeholder's notes follow its paper pages.
		paper := e.create(t, "Tuyệt mật", ecabinet.ClassTopSecret, 2)
		if _, err := e.svc.SetNote(e.as("chair"), paper.ID, 2, "Bản giấy"); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.SetNote(e.as("chair"), paper.ID, 3, "x")
		wantCode(t, err, ecabinet.EINVALID)
	})
}
