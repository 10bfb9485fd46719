package http_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
)

func ballotPath(id int64, suffix string) string { return "/api/v1/ballots/" + itoa(id) + suffix }

// A written ballot's documents over HTTP: the secretariat attaches PDFs to
// the draft (broken or oversized files refused with their codes, leaving
// nothing), recipients read them once it is sent, each up to their
// clearance; nothing is attached once sent, a replacement is, and a closed
// ballot takes nothing; the ledger counts the distributed versions.
func TestBallotDocumentsOverHTTP(t *testing.T) {
	const limit = 1 << 20
	apptest.ForEach(t, map[string]string{"ECABINET_UPLOAD_LIMIT": "1MiB"}, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		s := newSession(t, e) // a top-secret secretary; the body distributes up to secret
		// member01 is cleared for secret, member10 for confidential.
		recipients := []string{"member01", "member10"}
		in := ecabinet.BallotInput{Title: "Phiếu lấy ý kiến về dự thảo Nghị định", Deadline: time.Now().Add(72 * time.Hour),
			Questions: []string{"Đồng ý thông qua dự thảo Nghị định?"}}
		for _, name := range recipients {
			in.Recipients = append(in.Recipients, s.members[name].ID)
		}
		var b ecabinet.Ballot
		if err := s.sec.Do(ctx, "POST", "/api/v1/ballots", in, &b); err != nil {
			t.Fatal(err)
		}
		attach := func(title string, c ecabinet.Classification) (*ecabinet.Document, error) {
			var d ecabinet.Document
			err := s.sec.Do(ctx, "POST", ballotPath(b.ID, "/documents"), ecabinet.DocumentInput{Title: title, Classification: c}, &d)
			return &d, err
		}
		decree, err := attach("Dự thảo Nghị định", ecabinet.ClassNone)
		if err != nil || decree.BallotID != b.ID || decree.MeetingID != 0 {
			t.Fatalf("attach: %+v %v", decree, err)
		}
		report, err := attach("Báo cáo thẩm định", ecabinet.ClassSecret)
		if err != nil {
			t.Fatal(err)
		}
		member01, member10, member20 := e.Login(t, "member01"), e.Login(t, "member10"), e.Login(t, "member20")
		err = member01.Do(ctx, "POST", ballotPath(b.ID, "/documents"), ecabinet.DocumentInput{Title: "x", Classification: ecabinet.ClassNone}, nil)
		wantError(t, err, 403, "forbidden")
		err = s.sec.Do(ctx, "POST", ballotPath(999999, "/documents"), ecabinet.DocumentInput{Title: "x", Classification: ecabinet.ClassNone}, nil)
		wantError(t, err, 404, "not_found")

		// Broken and oversized files: their own codes, nothing left behind.
		stored := rows(t, e, "SELECT COUNT(*) FROM document_versions") + rows(t, e, "SELECT COUNT(*) FROM document_chunks")
		var over bytes.Buffer
		if _, err := pdftest.WriteLarge(&over, 2, limit+300<<10); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			doc    []byte
			status int
			code   string
		}{
			{pdftest.PNG(), 422, "unprocessable"},
			{pdftest.Encrypted(), 422, "unprocessable"},
			{pdftest.Truncated(), 422, "unprocessable"},
			{over.Bytes(), 413, "too_large"},
		} {
			_, err := s.upload(t, s.sec, decree, "x.pdf", tc.doc)
			wantError(t, err, tc.status, tc.code)
			if n := rows(t, e, "SELECT COUNT(*) FROM document_versions") + rows(t, e, "SELECT COUNT(*) FROM document_chunks"); n != stored {
				t.Fatalf("a refused upload left %d rows", n-stored)
			}
			wantNoFiles(t, uploadDir(e))
		}
		// Sending needs every document's file.
		err = s.sec.Do(ctx, "POST", ballotPath(b.ID, "/open"), nil, nil)
		if ae := wantError(t, err, 409, "conflict"); ae.Message != ecabinet.Translate("vi", "ballot.document_without_file", decree.Title) {
			t.Fatalf("message %q", ae.Message)
		}
		if decree, err = s.upload(t, s.sec, decree, "Dự thảo Nghị định.pdf", pdftest.Valid(3)); err != nil || decree.Current.Pages != 3 {
			t.Fatalf("upload: %+v %v", decree, err)
		}
		if report, err = s.upload(t, s.sec, report, "Báo cáo.pdf", pdftest.Valid(2)); err != nil {
			t.Fatal(err)
		}

		// A draft's documents are the secretariat's only.
		if st := status(t, member01, ballotPath(b.ID, "/documents")); st != 404 {
			t.Fatalf("a recipient lists a draft's documents: %d", st)
		}
		if st := status(t, member01, docPath(decree.ID, "")); st != 404 {
			t.Fatalf("a recipient reads a draft's document: %d", st)
		}
		if err := s.sec.Do(ctx, "POST", ballotPath(b.ID, "/open"), nil, nil); err != nil {
			t.Fatal(err)
		}
		_, err = attach("Muộn", ecabinet.ClassNone)
		if ae := wantError(t, err, 409, "conflict"); ae.Message != ecabinet.Translate("vi", "ballot.document_not_draft") {
			t.Fatalf("message %q", ae.Message)
		}

		// Recipients list and read what they are cleared for.
		var list []ecabinet.Document
		if err := member01.Do(ctx, "GET", ballotPath(b.ID, "/documents"), nil, &list); err != nil || len(list) != 2 {
			t.Fatalf("member01 lists %d: %v", len(list), err)
		}
		if err := member10.Do(ctx, "GET", ballotPath(b.ID, "/documents"), nil, &list); err != nil || len(list) != 1 || list[0].ID != decree.ID {
			t.Fatalf("member10 lists %+v: %v", list, err)
		}
		for _, tc := range []struct {
			who  string
			path string
			want int
		}{
			{"member10", docPath(report.ID, ""), 404},
			{"member10", docPath(report.ID, "/versions/"+itoa(report.Current.ID)+"/content"), 404},
			{"member10", docPath(decree.ID, "/versions/"+itoa(decree.Current.ID)+"/content"), 200},
			{"member01", docPath(report.ID, "/versions/"+itoa(report.Current.ID)+"/content"), 200},
			{"member20", ballotPath(b.ID, "/documents"), 404},
			{"member20", docPath(decree.ID, ""), 404},
		} {
			c := member10
			switch tc.who {
			case "member01":
				c = member01
			case "member20":
				c = member20
			}
			if got := status(t, c, tc.path); got != tc.want {
				t.Errorf("%s GET %s: %d, want %d", tc.who, tc.path, got, tc.want)
			}
		}

		// A replacement while open keeps the history.
		decree, err = s.upload(t, s.sec, decree, "Dự thảo Nghị định (sửa).pdf", pdftest.Valid(4))
		if err != nil || decree.Current.Version != 2 {
			t.Fatalf("replace: %+v %v", decree, err)
		}
		var versions []ecabinet.DocumentVersion
		if err := member10.Do(ctx, "GET", docPath(decree.ID, "/versions"), nil, &versions); err != nil || len(versions) != 2 {
			t.Fatalf("versions %+v %v", versions, err)
		}

		// The ledger: a 2-page form × 2 recipients × 2 = 8; the decree v1 (3
		// pages) and v2 (4 pages) × (2 recipients + 5 reserve) = 21 + 28; the
		// secret report (2 pages) × (1 cleared + 5) = 12. 69 pages in all.
		var led ecabinet.BallotLedger
		if err := e.Login(t, "chair").Do(ctx, "GET", "/api/v1/ledger/ballots/"+itoa(b.ID), nil, &led); err != nil {
			t.Fatal(err)
		}
		if led.Paper.PagesAvoided != 69 || len(led.Lines) != 4 {
			t.Fatalf("ballot ledger %+v, %d lines", led.Paper, len(led.Lines))
		}

		// Closed: nothing changes any more.
		for _, name := range recipients {
			c := member01
			if name == "member10" {
				c = member10
			}
			answer := ecabinet.AnswerInput{Answers: []ecabinet.AnswerItem{{QuestionID: b.Questions[0].ID, Choice: ecabinet.OptionAgree}}}
			if err := c.Do(ctx, "POST", ballotPath(b.ID, "/answers"), answer, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.sec.Do(ctx, "POST", ballotPath(b.ID, "/close"), nil, nil); err != nil {
			t.Fatal(err)
		}
		_, err = s.upload(t, s.sec, decree, "x.pdf", pdftest.Valid(1))
		wantError(t, err, 409, "conflict")
		s.sec.Lang = "en"
		_, err = attach("Muộn", ecabinet.ClassNone)
		if ae := wantError(t, err, 409, "conflict"); ae.Message != ecabinet.Translate("en", "ballot.document_not_draft") {
			t.Fatalf("message %q", ae.Message)
		}
	})
}
