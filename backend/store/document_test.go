package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
	"github.com/ecabinet/ecabinet/backend/store"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// docEnv is a body that distributes up to secret electronically, with
// people of every clearance, and a published session they are invited to
// (all but the outsider).
type docEnv struct {
	db       *store.DB
	svc      *store.DocumentService
	meetings *store.MeetingService
	body     *ecabinet.Body
	meeting  *ecabinet.Meeting
	item     int64
	people   map[string]*ecabinet.Member
}

func newDocEnv(t *testing.T, db *store.DB) *docEnv {
	t.Helper()
	ctx := context.Background()
	settings := ecabinet.DefaultBodySettings()
	settings.ElectronicMaxClassification = ecabinet.ClassSecret
	body, err := db.CreateBody(ctx, testenv.RandomName("body"), "Chính phủ", settings)
	if err != nil {
		t.Fatal(err)
	}
	cache, err := pdf.NewCache(t.TempDir(), 2)
	if err != nil {
		t.Fatal(err)
	}
	e := &docEnv{db: db, svc: store.NewDocumentService(db, cache), meetings: store.NewMeetingService(db), body: body, people: map[string]*ecabinet.Member{}}
	for _, p := range []struct {
		name      string
		role      ecabinet.Role
		clearance ecabinet.Classification
	}{
		{"sec", ecabinet.RoleSecretary, ecabinet.ClassTopSecret},
		{"sec2", ecabinet.RoleSecretary, ecabinet.ClassConfidential},
		{"chair", ecabinet.RoleChair, ecabinet.ClassTopSecret},
		{"topsecret", ecabinet.RoleMember, ecabinet.ClassTopSecret},
		{"secret", ecabinet.RoleMember, ecabinet.ClassSecret},
		{"conf", ecabinet.RoleMember, ecabinet.ClassConfidential},
		{"plain", ecabinet.RoleMember, ecabinet.ClassNone},
		{"guest", ecabinet.RoleGuest, ecabinet.ClassNone},
		{"outsider", ecabinet.RoleMember, ecabinet.ClassTopSecret},
	} {
		m, err := db.CreateMember(ctx, hasher, body.ID, ecabinet.MemberInput{Username: testenv.RandomName(p.name), Password: "correct horse battery",
			FullName: "Nguyễn Văn " + p.name, Role: p.role, Clearance: p.clearance, Voting: p.role == ecabinet.RoleMember || p.role == ecabinet.RoleChair, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		e.people[p.name] = m
	}
	in := meetingInput()
	for _, name := range []string{"chair", "topsecret", "secret", "conf", "plain", "guest"} {
		in.Invitees = append(in.Invitees, e.people[name].ID)
	}
	if e.meeting, err = e.meetings.CreateMeeting(e.as("sec"), in); err != nil {
		t.Fatal(err)
	}
	ag, err := e.meetings.AddItem(e.as("sec"), e.meeting.ID, item("Dự án Luật Thuế", 30))
	if err != nil {
		t.Fatal(err)
	}
	e.item = ag[0].ID
	return e
}

func (e *docEnv) as(name string) context.Context {
	m := e.people[name]
	return ecabinet.NewContextWithActor(context.Background(), ecabinet.Actor{MemberID: m.ID, BodyID: m.BodyID, Username: m.Username,
		FullName: m.FullName, Role: m.Role, Clearance: m.Clearance, Voting: m.Voting})
}

func (e *docEnv) actor(name string) ecabinet.Actor {
	a, _ := ecabinet.ActorFromContext(e.as(name))
	return a
}

func (e *docEnv) publish(t *testing.T) {
	t.Helper()
	if _, err := e.meetings.Transition(e.as("sec"), e.meeting.ID, ecabinet.ActionPublish, nil); err != nil {
		t.Fatal(err)
	}
}

func (e *docEnv) create(t *testing.T, title string, c ecabinet.Classification, paperPages int) *ecabinet.Document {
	t.Helper()
	d, err := e.svc.CreateDocument(e.as("sec"), e.meeting.ID, ecabinet.DocumentInput{Title: title, Classification: c, PaperPages: paperPages})
	if err != nil {
		t.Fatalf("create %s: %v", title, err)
	}
	return d
}

func upload(doc []byte, name string) ecabinet.Upload {
	return ecabinet.Upload{Filename: name, Content: bytes.NewReader(doc), Size: int64(len(doc))}
}

func (e *docEnv) upload(t *testing.T, d *ecabinet.Document, doc []byte) *ecabinet.Document {
	t.Helper()
	got, err := e.svc.UploadVersion(e.as("sec"), d.ID, upload(doc, "Tờ trình.pdf"))
	if err != nil {
		t.Fatalf("upload to %s: %v", d.Title, err)
	}
	return got
}

// count runs a COUNT query on the raw database.
func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	if db.Dialect() == store.Postgres {
		query = pgParams(query)
	}
	var n int
	if err := db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func pgParams(q string) string {
	var b bytes.Buffer
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func wantKey(t *testing.T, err error, code, key string) {
	t.Helper()
	if e := ecabinet.AsError(err); e.Code != code || e.Key != key {
		t.Fatalf("error %v (key %q), want %s %s", err, e.Key, code, key)
	}
}

// A document above a member's clearance does not exist for them: not in
// lists, not found directly, not in the state, not in the events they may
// receive. Drafts are the secretariat's alone.
func TestDocumentVisibility(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newDocEnv(t, db)
		levels := ecabinet.Classifications
		docs := map[ecabinet.Classification]*ecabinet.Document{}
		for _, c := range levels {
			paper := 0
			if c == ecabinet.ClassTopSecret {
				paper = 12
			}
			docs[c] = e.create(t, "Tài liệu "+string(c), c, paper)
		}
		if !docs[ecabinet.ClassTopSecret].Placeholder || docs[ecabinet.ClassSecret].Placeholder || docs[ecabinet.ClassTopSecret].PaperPages != 12 {
			t.Fatalf("placeholders: %+v %+v", docs[ecabinet.ClassTopSecret], docs[ecabinet.ClassSecret])
		}
		// The session is a draft: members see nothing of it.
		_, err := e.svc.Documents(e.as("topsecret"), e.meeting.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		_, err = e.svc.FindDocument(e.as("topsecret"), docs[ecabinet.ClassNone].ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		e.publish(t)

		for name, p := range e.people {
			ctx := e.as(name)
			list, err := e.svc.Documents(ctx, e.meeting.ID)
			if name == "outsider" {
				wantCode(t, err, ecabinet.ENOTFOUND) // not invited
				continue
			}
			if err != nil {
				t.Fatalf("%s lists: %v", name, err)
			}
			seen := map[ecabinet.Classification]bool{}
			for _, d := range list {
				seen[d.Classification] = true
			}
			st, err := e.meetings.MeetingState(ctx, e.meeting.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range levels {
				cleared := p.Clearance.Covers(c)
				if seen[c] != cleared {
					t.Errorf("%s (clearance %s) lists %s: %v", name, p.Clearance, c, seen[c])
				}
				_, err := e.svc.FindDocument(ctx, docs[c].ID)
				_, verr := e.svc.Versions(ctx, docs[c].ID)
				_, nerr := e.svc.Notes(ctx, docs[c].ID)
				for _, err := range []error{err, verr, nerr} {
					if cleared && err != nil || !cleared && ecabinet.ErrorCode(err) != ecabinet.ENOTFOUND {
						t.Errorf("%s (clearance %s) reads %s: %v", name, p.Clearance, c, err)
					}
				}
			}
			if len(st.Documents) != len(list) {
				t.Errorf("%s: state has %d documents, list %d", name, len(st.Documents), len(list))
			}
		}

		// Every document event is visible exactly to those cleared for it.
		events, err := db.Events().After(context.Background(), ecabinet.MeetingScope(e.meeting.ID), 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, ev := range events {
			if ev.Type != ecabinet.EventDocumentUpdated {
				continue
			}
			found++
			var data struct{ Document ecabinet.Document }
			if err := json.Unmarshal(ev.Data, &data); err != nil {
				t.Fatal(err)
			}
			for name, p := range e.people {
				if got, want := ev.VisibleTo(e.actor(name)), p.Clearance.Covers(data.Document.Classification); got != want {
					t.Errorf("event on %s visible to %s: %v", data.Document.Classification, name, got)
				}
			}
		}
		if found != len(levels) {
			t.Fatalf("%d document events, want %d", found, len(levels))
		}
	})
}

func TestCreateDocumentRules(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newDocEnv(t, db)
		in := ecabinet.DocumentInput{Title: "Tờ trình", Classification: ecabinet.ClassNone}
		_, err := e.svc.CreateDocument(e.as("chair"), e.meeting.ID, in)
		wantCode(t, err, ecabinet.EFORBIDDEN)
		// A secretary cannot make what they could not see.
		_, err = e.svc.CreateDocument(e.as("sec2"), e.meeting.ID, ecabinet.DocumentInput{Title: "Mật", Classification: ecabinet.ClassSecret})
		wantKey(t, err, ecabinet.EFORBIDDEN, "document.above_clearance")
		_, err = e.svc.CreateDocument(e.as("sec"), e.meeting.ID, ecabinet.DocumentInput{Title: "Tuyệt mật", Classification: ecabinet.ClassTopSecret})
		wantKey(t, err, ecabinet.EINVALID, "document.paper_pages_required")
		_, err = e.svc.CreateDocument(e.as("sec"), e.meeting.ID, ecabinet.DocumentInput{Title: " ", Classification: ecabinet.ClassNone})
		wantCode(t, err, ecabinet.EINVALID)
		_, err = e.svc.CreateDocument(e.as("sec"), e.meeting.ID, ecabinet.DocumentInput{Title: "x", Classification: "cosmic"})
		wantCode(t, err, ecabinet.EINVALID)
		// An agenda item of another session is refused.
		other, _ := e.meetings.CreateMeeting(e.as("sec"), meetingInput())
		ag, _ := e.meetings.AddItem(e.as("sec"), other.ID, item("Khác", 10))
		in.ItemID = &ag[0].ID
		_, err = e.svc.CreateDocument(e.as("sec"), e.meeting.ID, in)
		if ae := ecabinet.AsError(err); ae.Code != ecabinet.EINVALID || ae.Field != "item_id" {
			t.Fatalf("item of another session: %v", err)
		}
		in.ItemID = &e.item
		d, err := e.svc.CreateDocument(e.as("sec"), e.meeting.ID, in)
		if err != nil || d.ItemID == nil || *d.ItemID != e.item || d.Placeholder || d.PaperPages != 0 || d.Current != nil {
			t.Fatalf("create: %+v %v", d, err)
		}
		// Paper pages mean nothing for an electronic document.
		in.PaperPages = 30
		if d, _ = e.svc.CreateDocument(e.as("sec"), e.meeting.ID, in); d.PaperPages != 0 {
			t.Fatalf("electronic document with paper pages %d", d.PaperPages)
		}
		_, err = e.svc.CreateDocument(e.as("sec"), 999999, in)
		wantCode(t, err, ecabinet.ENOTFOUND)
		e.publish(t)
		if _, err := e.meetings.Transition(e.as("sec"), e.meeting.ID, ecabinet.ActionClose, nil); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.CreateDocument(e.as("sec"), e.meeting.ID, in)
		wantKey(t, err, ecabinet.ECONFLICT, "meeting.closed")
		_, err = e.svc.UploadVersion(e.as("sec"), d.ID, upload(pdftest.Valid(1), "a.pdf"))
		wantKey(t, err, ecabinet.ECONFLICT, "meeting.closed")
	})
}

// Uploads: each broken file gets its own error and leaves nothing; a valid
// one is stored in chunks whose content matches byte for byte; a new
// version keeps the history.
func TestUploadVersions(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newDocEnv(t, db)
		d := e.create(t, "Báo cáo", ecabinet.ClassConfidential, 0)
		for name, tc := range map[string]struct {
			doc []byte
			key string
		}{
			"empty":     {nil, "document.empty"},
			"png":       {pdftest.PNG(), "document.not_pdf"},
			"encrypted": {pdftest.Encrypted(), "document.encrypted"},
			"truncated": {pdftest.Truncated(), "document.corrupt"},
		} {
			_, err := e.svc.UploadVersion(e.as("sec"), d.ID, upload(tc.doc, name+".pdf"))
			if ae := ecabinet.AsError(err); ae.Code != ecabinet.EUNPROCESSABLE || ae.Key != tc.key || ae.Field != "file" {
				t.Errorf("%s: %v (key %s)", name, err, ae.Key)
			}
		}
		if n := count(t, db, "SELECT COUNT(*) FROM document_versions") + count(t, db, "SELECT COUNT(*) FROM document_chunks"); n != 0 {
			t.Fatalf("refused uploads left %d rows", n)
		}
		_, err := e.svc.UploadVersion(e.as("chair"), d.ID, upload(pdftest.Valid(1), "a.pdf"))
		wantCode(t, err, ecabinet.EFORBIDDEN)
		placeholder := e.create(t, "Tuyệt mật", ecabinet.ClassTopSecret, 5)
		_, err = e.svc.UploadVersion(e.as("sec"), placeholder.ID, upload(pdftest.Valid(1), "a.pdf"))
		wantKey(t, err, ecabinet.ECONFLICT, "document.paper_only")
		_, err = e.svc.UploadVersion(e.as("sec2"), e.create(t, "Mật", ecabinet.ClassSecret, 0).ID, upload(pdftest.Valid(1), "a.pdf"))
		wantCode(t, err, ecabinet.ENOTFOUND) // above the secretary's clearance

		// A document of several chunks.
		var large bytes.Buffer
		if _, err := pdftest.WriteLarge(&large, 3, 3*store.ChunkSize+store.ChunkSize/2); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(large.Bytes())
		got, err := e.svc.UploadVersion(e.as("sec"), d.ID, upload(large.Bytes(), `C:\Tài liệu\Báo cáo "quý".PDF`))
		if err != nil {
			t.Fatal(err)
		}
		v1 := got.Current
		if v1 == nil || v1.Version != 1 || v1.Pages != 3 || v1.Size != int64(large.Len()) || v1.SHA256 != hex.EncodeToString(sum[:]) ||
			v1.Filename != "Báo cáo quý.pdf" || v1.UploadedBy != e.people["sec"].ID {
			t.Fatalf("version 1: %+v", v1)
		}
		chunks := count(t, db, "SELECT COUNT(*) FROM document_chunks WHERE version_id = ?", v1.ID)
		if want := (large.Len() + store.ChunkSize - 1) / store.ChunkSize; chunks != want {
			t.Fatalf("%d chunks, want %d", chunks, want)
		}

		got = e.upload(t, d, pdftest.Valid(2))
		if got.Current.Version != 2 || got.Current.Pages != 2 || got.Current.ID == v1.ID {
			t.Fatalf("version 2: %+v", got.Current)
		}
		versions, err := e.svc.Versions(e.as("sec"), d.ID)
		if err != nil || len(versions) != 2 || versions[0].Version != 2 || versions[1].ID != v1.ID {
			t.Fatalf("versions: %+v %v", versions, err)
		}
		// Members were told of both versions.
		events, _ := db.Events().After(context.Background(), ecabinet.MeetingScope(e.meeting.ID), 0, 1000)
		var last ecabinet.Document
		for _, ev := range events {
			if ev.Type == ecabinet.EventDocumentUpdated {
				var data struct{ Document ecabinet.Document }
				_ = json.Unmarshal(ev.Data, &data)
				if data.Document.ID == d.ID {
					last = data.Document
				}
			}
		}
		if last.Current == nil || last.Current.Version != 2 {
			t.Fatalf("last event of the document: %+v", last)
		}
	})
}
