package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
	"github.com/ecabinet/ecabinet/backend/store"
)

// ballotDocEvents returns the ballot document events of the body's stream.
func ballotDocEvents(t *testing.T, db *store.DB, bodyID int64) []*ecabinet.Event {
	t.Helper()
	events, err := db.Events().After(context.Background(), ecabinet.BodyScope(bodyID), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []*ecabinet.Event
	for _, ev := range events {
		if ev.Type == ecabinet.EventBallotDocument {
			out = append(out, ev)
		}
	}
	return out
}

// A written ballot carries its documents: the secretariat attaches them to
// the draft (with the session documents' content checks and classification
// rules), the recipients read them once it is open, each only up to their
// clearance; a replacement while open keeps the history and is announced
// to the recipients; the ballot's paper ledger counts every distributed
// version for its cleared recipients plus the reserve.
func TestBallotDocuments(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newDocEnv(t, db)
		ballots := store.NewBallotService(db, store.NewNotifier(db, false))
		sec := e.as("sec")
		recipients := []string{"topsecret", "secret", "conf", "plain"}
		in := ecabinet.BallotInput{Title: "Xin ý kiến về dự thảo Nghị định", Deadline: time.Now().Add(72 * time.Hour), Questions: []string{"Thông qua?"}}
		for _, name := range recipients {
			in.Recipients = append(in.Recipients, e.people[name].ID)
		}
		b, err := ballots.CreateBallot(sec, in)
		if err != nil {
			t.Fatal(err)
		}
		create := func(title string, c ecabinet.Classification, paper int) *ecabinet.Document {
			t.Helper()
			d, err := e.svc.CreateBallotDocument(sec, b.ID, ecabinet.DocumentInput{Title: title, Classification: c, PaperPages: paper})
			if err != nil {
				t.Fatalf("create %s: %v", title, err)
			}
			if d.BallotID != b.ID || d.MeetingID != 0 {
				t.Fatalf("created %+v", d)
			}
			return d
		}

		// The rules of session documents.
		_, err = e.svc.CreateBallotDocument(e.as("chair"), b.ID, ecabinet.DocumentInput{Title: "x", Classification: ecabinet.ClassNone})
		wantCode(t, err, ecabinet.EFORBIDDEN)
		_, err = e.svc.CreateBallotDocument(e.as("sec2"), b.ID, ecabinet.DocumentInput{Title: "Mật", Classification: ecabinet.ClassSecret})
		wantKey(t, err, ecabinet.EFORBIDDEN, "document.above_clearance")
		_, err = e.svc.CreateBallotDocument(sec, b.ID, ecabinet.DocumentInput{Title: "Tuyệt mật", Classification: ecabinet.ClassTopSecret})
		wantKey(t, err, ecabinet.EINVALID, "document.paper_pages_required")
		_, err = e.svc.CreateBallotDocument(sec, b.ID, ecabinet.DocumentInput{Title: "Mục", Classification: ecabinet.ClassNone, ItemID: &e.item})
		wantKey(t, err, ecabinet.EINVALID, "ballot.document_item")
		_, err = e.svc.CreateBallotDocument(sec, 999999, ecabinet.DocumentInput{Title: "x", Classification: ecabinet.ClassNone})
		wantCode(t, err, ecabinet.ENOTFOUND)

		decree := create("Dự thảo Nghị định", ecabinet.ClassNone, 0)
		report := create("Báo cáo thẩm định", ecabinet.ClassSecret, 0)
		annex := create("Phụ lục tuyệt mật", ecabinet.ClassTopSecret, 9)
		if !annex.Placeholder || report.Placeholder {
			t.Fatalf("placeholders: %+v %+v", annex, report)
		}
		// A broken file leaves nothing behind.
		for _, doc := range [][]byte{pdftest.PNG(), pdftest.Encrypted(), pdftest.Truncated()} {
			_, err := e.svc.UploadVersion(sec, decree.ID, upload(doc, "x.pdf"))
			wantCode(t, err, ecabinet.EUNPROCESSABLE)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM document_versions WHERE document_id = ?", decree.ID); n != 0 {
			t.Fatalf("%d versions after refused uploads", n)
		}
		_, err = e.svc.UploadVersion(sec, annex.ID, upload(pdftest.Valid(1), "x.pdf"))
		wantKey(t, err, ecabinet.ECONFLICT, "document.paper_only")
		decree = e.upload(t, decree, pdftest.Valid(3))
		// A document without its file keeps the ballot from being sent.
		_, err = ballots.OpenBallot(sec, b.ID)
		wantKey(t, err, ecabinet.ECONFLICT, "ballot.document_without_file")
		report = e.upload(t, report, pdftest.Valid(2))
		extra := create("Tờ trình", ecabinet.ClassNone, 0)
		e.upload(t, extra, pdftest.Valid(1))
		e.upload(t, extra, pdftest.Valid(1)) // replaced before the opening: never sent

		// A draft's documents are the secretariat's alone.
		if list, err := e.svc.BallotDocuments(sec, b.ID); err != nil || len(list) != 4 || list[0].ID != decree.ID || list[0].Current == nil {
			t.Fatalf("secretariat lists %+v %v", list, err)
		}
		_, err = e.svc.BallotDocuments(e.as("plain"), b.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		_, err = e.svc.FindDocument(e.as("topsecret"), decree.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		for _, ev := range ballotDocEvents(t, db, e.body.ID) {
			if ev.VisibleTo(e.actor("topsecret")) || !ev.VisibleTo(e.actor("sec")) {
				t.Fatalf("draft document event %s visible to the wrong people", ev)
			}
		}

		if _, err := ballots.OpenBallot(sec, b.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.CreateBallotDocument(sec, b.ID, ecabinet.DocumentInput{Title: "Muộn", Classification: ecabinet.ClassNone})
		wantKey(t, err, ecabinet.ECONFLICT, "ballot.document_not_draft")

		// Recipients see what they are cleared for; nobody else sees anything.
		for name, p := range e.people {
			list, err := e.svc.BallotDocuments(e.as(name), b.ID)
			_, ferr := e.svc.FindDocument(e.as(name), decree.ID)
			if name == "outsider" || name == "chair" || name == "guest" {
				wantCode(t, err, ecabinet.ENOTFOUND)
				wantCode(t, ferr, ecabinet.ENOTFOUND)
				continue
			}
			if err != nil || ferr != nil {
				t.Fatalf("%s: %v %v", name, err, ferr)
			}
			seen := map[int64]bool{}
			for _, d := range list {
				seen[d.ID] = true
			}
			for _, d := range []*ecabinet.Document{decree, report, annex, extra} {
				if seen[d.ID] != p.Clearance.Covers(d.Classification) {
					t.Errorf("%s (clearance %s) lists %s: %v", name, p.Clearance, d.Title, seen[d.ID])
				}
				_, err := e.svc.Versions(e.as(name), d.ID)
				if p.Clearance.Covers(d.Classification) != (err == nil) {
					t.Errorf("%s (clearance %s) reads %s: %v", name, p.Clearance, d.Title, err)
				}
			}
		}
		// A recipient opens the PDF (stamped, with a read receipt); one
		// without clearance cannot.
		c, err := e.svc.Open(e.as("plain"), decree.ID, decree.Current.ID)
		if err != nil || c.Path == "" || c.Version.Pages != 3 {
			t.Fatalf("open: %+v %v", c, err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM read_receipts WHERE version_id = ? AND member_id = ?", decree.Current.ID, e.people["plain"].ID); n != 1 {
			t.Fatalf("%d read receipts", n)
		}
		_, err = e.svc.Open(e.as("conf"), report.ID, report.Current.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)

		// A replacement while open keeps the history and tells the recipients.
		before := len(ballotDocEvents(t, db, e.body.ID))
		decree = e.upload(t, decree, pdftest.Valid(4))
		if vs, err := e.svc.Versions(e.as("plain"), decree.ID); err != nil || len(vs) != 2 || vs[0].Pages != 4 || vs[1].Pages != 3 {
			t.Fatalf("versions %+v %v", vs, err)
		}
		events := ballotDocEvents(t, db, e.body.ID)
		if len(events) != before+1 {
			t.Fatalf("%d ballot document events, want %d", len(events), before+1)
		}
		last := events[len(events)-1]
		var data struct{ Document ecabinet.Document }
		if err := json.Unmarshal(last.Data, &data); err != nil || data.Document.ID != decree.ID || data.Document.Current.Version != 2 {
			t.Fatalf("event %s: %+v %v", last.Data, data, err)
		}
		for name := range e.people {
			want := name == "sec" || name == "sec2" || name == "topsecret" || name == "secret" || name == "conf" || name == "plain"
			if got := last.VisibleTo(e.actor(name)); got != want {
				t.Errorf("replacement event visible to %s: %v", name, got)
			}
		}
		e.upload(t, report, pdftest.Valid(2)) // a secret replacement: not for the confidential
		last = ballotDocEvents(t, db, e.body.ID)[len(events)]
		if last.VisibleTo(e.actor("conf")) || last.VisibleTo(e.actor("plain")) || !last.VisibleTo(e.actor("secret")) {
			t.Fatal("a secret document's event reached a recipient below its level")
		}
		// A numbered paper copy of the annex is printed paper.
		if _, err := e.svc.HandOut(sec, annex.ID, ecabinet.PaperCopyInput{HolderID: e.people["topsecret"].ID}); err != nil {
			t.Fatal(err)
		}

		// The ledger, by hand: four recipients (one each of top secret,
		// secret, confidential, none), 5 reserve copies, a 2-page form.
		//   form: 2 pages × 4 × 2                                  =  16
		//   decree v1 (3 pages) current at the opening: × (4 + 5)  =  27
		//   decree v2 (4 pages) uploaded while open: × 9           =  36
		//   report v1 (2 pages), secret: × (2 cleared + 5)         =  14
		//   report v2 (2 pages), secret: × 7                       =  14
		//   extra v1 replaced before the opening                   =   0
		//   extra v2 (1 page): × 9                                 =   9
		//   annex (9 paper pages) × 1 copy handed out: printed     =   9
		led, err := store.NewLedgerService(db).BallotLedger(e.as("chair"), b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if led.Paper.PagesAvoided != 116 || led.Paper.PagesPrinted != 9 || len(led.Lines) != 8 {
			t.Fatalf("ledger %+v with %d lines", led.Paper, len(led.Lines))
		}
		reasons := map[string]int{}
		for _, l := range led.Lines {
			reasons[l.Reason]++
			if l.BallotID != b.ID {
				t.Errorf("line %+v", l)
			}
		}
		if reasons[ecabinet.ReasonDistributed] != 5 || reasons[ecabinet.ReasonReplacedBeforePub] != 1 || reasons[ecabinet.ReasonPaperCopies] != 1 {
			t.Fatalf("reasons %v", reasons)
		}
		// The upload while open told the dashboards the ballot's figures
		// changed: the upload of the secret report only those cleared for it.
		ev := ledgerEvents(t, db, e.body.ID)
		if last := ev[len(ev)-1]; last.Kind != ecabinet.LedgerBallot || last.ID != b.ID {
			t.Fatalf("ledger events %+v", ev)
		}
		// A reader cleared below the secret report gets no line about it
		// nor the annex, and this day counts them as they stood at its
		// start: before they were uploaded and handed out.
		if led, err = store.NewLedgerService(db).BallotLedger(e.as("sec2"), b.ID); err != nil || led.Paper.PagesAvoided != 116-28 || led.Paper.PagesPrinted != 0 {
			t.Fatalf("ledger for a confidential secretary: %+v %v", led, err)
		}
		for _, l := range led.Lines {
			if l.Classification == ecabinet.ClassSecret || l.Classification == ecabinet.ClassTopSecret {
				t.Errorf("a line above the reader: %+v", l)
			}
		}
		tomorrow := time.Now().Add(24 * time.Hour)
		db.Now = func() time.Time { return tomorrow }
		if led, err = store.NewLedgerService(db).BallotLedger(e.as("sec2"), b.ID); err != nil || led.Paper.PagesAvoided != 116 || led.Paper.PagesPrinted != 9 {
			t.Fatalf("the next day, ledger for a confidential secretary: %+v %v", led.Paper, err)
		}

		// Once closed, nothing changes.
		qid := b.Questions[0].ID
		for _, name := range recipients {
			if _, err := ballots.Answer(e.as(name), b.ID, e.people[name].ID, ecabinet.AnswerInput{Answers: []ecabinet.AnswerItem{{QuestionID: qid, Choice: ecabinet.OptionAgree}}}, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := ballots.CloseBallot(sec, b.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.UploadVersion(sec, decree.ID, upload(pdftest.Valid(1), "x.pdf"))
		wantKey(t, err, ecabinet.ECONFLICT, "ballot.closed")
		if list, err := e.svc.BallotDocuments(e.as("plain"), b.ID); err != nil || len(list) != 2 {
			t.Fatalf("closed ballot documents %d %v", len(list), err)
		}
	})
}
