package http_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
)

// bombs are the two hostile PDFs of the security review, made once: a page
// whose content stream inflates to 300 MB, and 20,000 pages in 2 MB.
var bombs = sync.OnceValues(func() (inflation, pages []byte) {
	var a, b bytes.Buffer
	if _, err := pdftest.WriteInflationBomb(&a, 300_000_000); err != nil {
		panic(err)
	}
	if _, err := pdftest.WritePageBomb(&b, 20_000); err != nil {
		panic(err)
	}
	return a.Bytes(), b.Bytes()
})

// A decompression bomb and a page bomb are refused at upload with 422 and
// a message naming the body's limit, and leave nothing behind. (The stream
// limit is lowered to 16 MiB: inflating the default 128 MiB before the
// refusal takes a minute under the race detector.)
func TestUploadRefusesBombs(t *testing.T) {
	inflation, pages := bombs()
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		s := newSession(t, e)
		s.sec.Lang = "en"
		changeSettings(t, e, func(st *ecabinet.BodySettings) { st.DocumentMaxStreamMiB = 16 })
		d := s.create(t, "Hồ sơ dự án Luật", ecabinet.ClassNone, 0)
		stored := rows(t, e, "SELECT COUNT(*) FROM document_versions")
		for _, tc := range []struct {
			name string
			doc  []byte
			want string
		}{
			{"inflation.pdf", inflation, ecabinet.Translate("en", "document.stream_too_large", "16 MiB")},
			{"pages.pdf", pages, ecabinet.Translate("en", "document.too_many_pages", 20000, 10000)},
		} {
			_, err := s.upload(t, s.sec, d, tc.name, tc.doc)
			if ae := wantError(t, err, 422, "unprocessable"); ae.Message != tc.want || ae.Field != "file" {
				t.Errorf("%s: %q (field %q), want %q", tc.name, ae.Message, ae.Field, tc.want)
			}
			if n := rows(t, e, "SELECT COUNT(*) FROM document_versions"); n != stored {
				t.Fatalf("%s stored a version", tc.name)
			}
			wantNoFiles(t, uploadDir(e))
		}
		// The same request in Vietnamese names the limit in Vietnamese.
		s.sec.Lang = "vi"
		_, err := s.upload(t, s.sec, d, "pages.pdf", pages)
		if ae := wantError(t, err, 422, "unprocessable"); ae.Message != ecabinet.Translate("vi", "document.too_many_pages", 20000, 10000) {
			t.Errorf("Vietnamese message %q", ae.Message)
		}
		if _, err := s.upload(t, s.sec, d, "ok.pdf", pdftest.Valid(2)); err != nil {
			t.Fatalf("a valid document after the bombs: %v", err)
		}
	})
}

// The limits are the body's: an admin lowers the page limit and a
// document over it is refused, one at it accepted; raised again, the page
// bomb goes through (the limit, not the file, decides).
func TestUploadLimitsAreBodySettings(t *testing.T) {
	_, pages := bombs()
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		s := newSession(t, e)
		s.sec.Lang = "en"
		admin := e.Login(t, "admin")
		ctx := context.Background()
		set := func(f func(*ecabinet.BodySettings)) { t.Helper(); changeSettings(t, e, f) }
		d := s.create(t, "Báo cáo", ecabinet.ClassNone, 0)
		set(func(st *ecabinet.BodySettings) { st.DocumentMaxPages = 3 })
		_, err := s.upload(t, s.sec, d, "four.pdf", pdftest.Valid(4))
		if ae := wantError(t, err, 422, "unprocessable"); ae.Message != ecabinet.Translate("en", "document.too_many_pages", 4, 3) {
			t.Errorf("four pages over a limit of three: %q", ae.Message)
		}
		if _, err := s.upload(t, s.sec, d, "three.pdf", pdftest.Valid(3)); err != nil {
			t.Fatalf("three pages at a limit of three: %v", err)
		}
		set(func(st *ecabinet.BodySettings) { st.DocumentMaxPages = 20_000 })
		if _, err := s.upload(t, s.sec, d, "pages.pdf", pages); err != nil {
			t.Fatalf("20,000 pages at a limit of 20,000: %v", err)
		}
		err = admin.Do(ctx, "PUT", "/api/v1/body/settings", func() ecabinet.BodySettings {
			me, _ := admin.Me(ctx)
			st := me.Body.Settings
			st.DocumentMaxDecodedMiB = st.DocumentMaxStreamMiB - 1
			return st
		}(), nil)
		if ae := wantError(t, err, 400, "invalid"); ae.Field != "document_max_decoded_mib" {
			t.Fatalf("a document limit below the stream limit: %+v", ae)
		}
	})
}

// TestUploadRefusesHostileSignatureForms: a PDF whose form names more
// signatures than a real document has is refused with 422 naming the
// limit, nothing stored; one whose field tree names one field a thousand
// times at each of six levels (no cycle: pdfcpu accepts it; a tree of
// 1000^6 fields to the old signature reader, which never returned) is
// read once and kept as evidence.
func TestUploadRefusesHostileSignatureForms(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		s := newSession(t, e)
		s.sec.Lang = "en"
		d := s.create(t, "Hồ sơ có chữ ký", ecabinet.ClassNone, 0)
		stored := rows(t, e, "SELECT COUNT(*) FROM document_versions")
		_, err := s.upload(t, s.sec, d, "many.pdf", pdftest.ManySignaturesForm(pdf.MaxSignatures+1))
		want := ecabinet.Translate("en", "document.too_many_signatures", pdf.MaxSignatures)
		if ae := wantError(t, err, 422, "unprocessable"); ae.Message != want || ae.Field != "file" {
			t.Errorf("%q (field %q), want %q", ae.Message, ae.Field, want)
		}
		if n := rows(t, e, "SELECT COUNT(*) FROM document_versions"); n != stored {
			t.Fatal("a refused upload stored a version")
		}
		done := make(chan error, 1)
		go func() { _, err := s.upload(t, s.sec, d, "layered.pdf", pdftest.LayeredForm(6, 1000)); done <- err }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("layered form: %v", err)
			}
		case <-time.After(60 * time.Second):
			t.Fatal("the upload of a layered form still runs after a minute")
		}
	})
}
