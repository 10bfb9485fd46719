package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
)

// session is a published session of the demo Government, prepared by a
// secretary cleared for top secret, whose body distributes up to secret
// electronically. Everyone with a vote is invited, and a guest.
type session struct {
	e       *apptest.Env
	sec     *client.Client // the top-secret secretary
	meeting *ecabinet.Meeting
	item    int64
	members map[string]*ecabinet.Member // by username
}

func newSession(t *testing.T, e *apptest.Env) *session {
	t.Helper()
	ctx := context.Background()
	admin := e.Login(t, "admin")
	changeSettings(t, e, func(st *ecabinet.BodySettings) { st.ElectronicMaxClassification = ecabinet.ClassSecret })
	for _, m := range []ecabinet.MemberInput{
		{Username: "vanthu.mat", FullName: "Đỗ Thị Văn Thư", Role: ecabinet.RoleSecretary, Clearance: ecabinet.ClassTopSecret, Active: true},
		{Username: "khach01", FullName: "Khách Mời Một", Role: ecabinet.RoleGuest, Clearance: ecabinet.ClassNone, Active: true},
	} {
		addMember(t, admin, m, apptest.Password)
	}
	s := &session{e: e, sec: e.Login(t, "vanthu.mat"), members: map[string]*ecabinet.Member{}}
	var ms []*ecabinet.Member
	if err := admin.Do(ctx, "GET", "/api/v1/members", nil, &ms); err != nil {
		t.Fatal(err)
	}
	in := ecabinet.MeetingInput{Kind: ecabinet.KindRegular, Title: "Phiên họp Chính phủ thường kỳ tháng 11",
		ScheduledStart: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC), ScheduledEnd: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}
	for _, m := range ms {
		s.members[m.Username] = m
		if m.Voting || m.Role == ecabinet.RoleGuest {
			in.Invitees = append(in.Invitees, m.ID)
		}
	}
	if err := s.sec.Do(ctx, "POST", "/api/v1/meetings", in, &s.meeting); err != nil {
		t.Fatal(err)
	}
	var agenda []ecabinet.AgendaItem
	item := ecabinet.AgendaItemInput{Title: "Dự án Luật Thuế thu nhập cá nhân (sửa đổi)", PresenterOrg: "Bộ Tài chính", PlannedMinutes: 40}
	if err := s.sec.Do(ctx, "POST", s.path("/agenda"), item, &agenda); err != nil {
		t.Fatal(err)
	}
	s.item = agenda[0].ID
	return s
}

// changeSettings changes the body's settings as its admin.
func changeSettings(t *testing.T, e *apptest.Env, f func(*ecabinet.BodySettings)) {
	t.Helper()
	ctx := context.Background()
	admin := e.Login(t, "admin")
	me, err := admin.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	settings := me.Body.Settings
	f(&settings)
	if err := admin.Do(ctx, "PUT", "/api/v1/body/settings", settings, nil); err != nil {
		t.Fatal(err)
	}
}

// uploaded is a new document of the session's item with a two-page PDF.
func (s *session) uploaded(t *testing.T, title string, c ecabinet.Classification) *ecabinet.Document {
	t.Helper()
	d, err := s.upload(t, s.sec, s.create(t, title, c, 0), "tai-lieu.pdf", pdftest.Valid(2))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (s *session) path(suffix string) string {
	return "/api/v1/meetings/" + itoa(s.meeting.ID) + suffix
}

func docPath(id int64, suffix string) string { return "/api/v1/documents/" + itoa(id) + suffix }

func (s *session) publish(t *testing.T) {
	t.Helper()
	if err := s.sec.Do(context.Background(), "POST", s.path("/transitions"), map[string]string{"action": "publish"}, nil); err != nil {
		t.Fatal(err)
	}
}

func (s *session) create(t *testing.T, title string, c ecabinet.Classification, paperPages int) *ecabinet.Document {
	t.Helper()
	var d ecabinet.Document
	in := ecabinet.DocumentInput{Title: title, ItemID: &s.item, Classification: c, PaperPages: paperPages}
	if err := s.sec.Do(context.Background(), "POST", s.path("/documents"), in, &d); err != nil {
		t.Fatalf("create %s: %v", title, err)
	}
	return &d
}

func (s *session) upload(t *testing.T, c *client.Client, d *ecabinet.Document, name string, doc []byte) (*ecabinet.Document, error) {
	t.Helper()
	return c.UploadVersion(context.Background(), d.ID, name, bytes.NewReader(doc), int64(len(doc)))
}

// actor is how the service sees a signed-in member (for event visibility).
func (s *session) actor(username string) ecabinet.Actor {
	m := s.members[username]
	return ecabinet.Actor{MemberID: m.ID, BodyID: m.BodyID, Username: m.Username, FullName: m.FullName, Role: m.Role, Clearance: m.Clearance, Voting: m.Voting}
}

func status(t *testing.T, c *client.Client, path string) int {
	t.Helper()
	resp, err := c.Send(context.Background(), "GET", path, nil, "", nil)
	if err != nil {
		var ae *client.Error
		if errors.As(err, &ae) {
			return ae.Status
		}
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode
}

// The permission matrix: roles × clearances × levels, for list, get,
// content, notes and copies; and no event about a document reaches anyone
// below its level.
func TestDocumentPermissionMatrix(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		s := newSession(t, e)
		ctx := context.Background()
		docs := map[ecabinet.Classification]*ecabinet.Document{}
		for _, c := range ecabinet.Classifications {
			paper := 0
			if c == ecabinet.ClassTopSecret {
				paper = 8
			}
			docs[c] = s.create(t, "Tài liệu "+string(c), c, paper)
			if !docs[c].Placeholder {
				if _, err := s.upload(t, s.sec, docs[c], "tai-lieu.pdf", pdftest.Valid(2)); err != nil {
					t.Fatal(err)
				}
				if err := s.sec.Do(ctx, "GET", docPath(docs[c].ID, ""), nil, docs[c]); err != nil {
					t.Fatal(err)
				}
			}
		}
		if !docs[ecabinet.ClassTopSecret].Placeholder || docs[ecabinet.ClassSecret].Placeholder {
			t.Fatal("the body's electronic limit was not applied")
		}
		// A draft's documents are the secretariat's alone.
		chair := e.Login(t, "chair")
		if got := status(t, chair, s.path("/documents")); got != 404 {
			t.Fatalf("chair lists a draft's documents: %d", got)
		}
		s.publish(t)

		// admin: none; secretary2: confidential; secretary1: secret; vanthu.mat: top secret
		// (secretariat); chair: top secret; member01: secret; member07: confidential; khach01: none.
		for _, username := range []string{"admin", "secretary2", "secretary1", "vanthu.mat", "chair", "member01", "member07", "khach01"} {
			c := e.Login(t, username)
			a := s.actor(username)
			var list []ecabinet.Document
			if err := c.Do(ctx, "GET", s.path("/documents"), nil, &list); err != nil {
				t.Fatalf("%s lists: %v", username, err)
			}
			listed := map[int64]bool{}
			for _, d := range list {
				listed[d.ID] = true
			}
			var st ecabinet.MeetingState
			if err := c.Do(ctx, "GET", s.path("/state"), nil, &st); err != nil {
				t.Fatal(err)
			}
			inState := map[int64]bool{}
			for _, d := range st.Documents {
				inState[d.ID] = true
			}
			for _, level := range ecabinet.Classifications {
				d := docs[level]
				cleared := a.Clearance.Covers(level)
				want := map[string]int{"get": 404, "content": 404, "notes": 404, "copies": 404}
				if cleared {
					want = map[string]int{"get": 200, "content": 200, "notes": 200, "copies": 200}
					if d.Placeholder {
						want["content"] = 409
					}
				}
				if !a.IsSecretariat() {
					want["copies"] = 403
				}
				version := int64(999999)
				if d.Current != nil {
					version = d.Current.ID
				}
				got := map[string]int{
					"get":     status(t, c, docPath(d.ID, "")),
					"content": status(t, c, docPath(d.ID, fmt.Sprintf("/versions/%d/content", version))),
					"notes":   status(t, c, docPath(d.ID, "/notes")),
					"copies":  status(t, c, docPath(d.ID, "/copies")),
				}
				for op, w := range want {
					if got[op] != w {
						t.Errorf("%s (%s, %s) %s on %s: %d, want %d", username, a.Role, a.Clearance, op, level, got[op], w)
					}
				}
				if listed[d.ID] != cleared || inState[d.ID] != cleared {
					t.Errorf("%s (%s) sees %s in the list: %v, in the state: %v", username, a.Clearance, level, listed[d.ID], inState[d.ID])
				}
			}
		}

		// The event log: every document event reaches exactly those cleared for it.
		events, err := e.App.DB.Events().After(ctx, ecabinet.MeetingScope(s.meeting.ID), 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		perLevel := map[ecabinet.Classification]int{}
		for _, ev := range events {
			if ev.Type != ecabinet.EventDocumentUpdated {
				continue
			}
			var data struct{ Document ecabinet.Document }
			if err := json.Unmarshal(ev.Data, &data); err != nil {
				t.Fatal(err)
			}
			level := data.Document.Classification
			perLevel[level]++
			for username := range s.members {
				a := s.actor(username)
				if got := ev.VisibleTo(a); got != a.Clearance.Covers(level) {
					t.Errorf("event %d on a %s document visible to %s (%s): %v", ev.Seq, level, username, a.Clearance, got)
				}
			}
		}
		// Created and uploaded: two events for each electronic document, one for the placeholder.
		for level, want := range map[ecabinet.Classification]int{ecabinet.ClassNone: 2, ecabinet.ClassConfidential: 2, ecabinet.ClassSecret: 2, ecabinet.ClassTopSecret: 1} {
			if perLevel[level] != want {
				t.Errorf("%d events on %s documents, want %d", perLevel[level], level, want)
			}
		}
	})
}

// Custody and notes over HTTP: the secretariat hands out and takes back
// numbered copies; members keep private notes.
func TestCustodyAndNotesOverHTTP(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		s := newSession(t, e)
		ctx := context.Background()
		paper := s.create(t, "Phương án tuyệt mật", ecabinet.ClassTopSecret, 15)
		s.publish(t)
		var pc ecabinet.PaperCopy
		if err := s.sec.Do(ctx, "POST", docPath(paper.ID, "/copies"), ecabinet.PaperCopyInput{HolderID: s.members["chair"].ID}, &pc); err != nil || pc.CopyNo != 1 {
			t.Fatalf("hand out: %+v %v", pc, err)
		}
		err := s.sec.Do(ctx, "POST", docPath(paper.ID, "/copies"), ecabinet.PaperCopyInput{HolderID: s.members["member01"].ID}, nil)
		wantError(t, err, 400, "invalid") // member01 is cleared for secret only
		if err := s.sec.Do(ctx, "POST", docPath(paper.ID, "/copies/"+itoa(pc.ID)+"/return"), nil, &pc); err != nil || pc.ReturnedAt == nil {
			t.Fatalf("return: %+v %v", pc, err)
		}
		wantError(t, s.sec.Do(ctx, "POST", docPath(paper.ID, "/copies/"+itoa(pc.ID)+"/return"), nil, nil), 409, "conflict")
		chair := e.Login(t, "chair")
		wantError(t, chair.Do(ctx, "POST", docPath(paper.ID, "/copies"), ecabinet.PaperCopyInput{HolderID: s.members["chair"].ID}, nil), 403, "forbidden")

		var n ecabinet.Note
		if err := chair.Do(ctx, "PUT", docPath(paper.ID, "/notes/3"), map[string]string{"text": "Xin ý kiến Bộ Quốc phòng"}, &n); err != nil || n.Page != 3 {
			t.Fatalf("note: %+v %v", n, err)
		}
		wantError(t, chair.Do(ctx, "PUT", docPath(paper.ID, "/notes/16"), map[string]string{"text": "x"}, nil), 400, "invalid")
		wantError(t, chair.Do(ctx, "PUT", docPath(paper.ID, "/notes/abc"), map[string]string{"text": "x"}, nil), 400, "invalid")
		var notes []ecabinet.Note
		if err := chair.Do(ctx, "GET", docPath(paper.ID, "/notes"), nil, &notes); err != nil || len(notes) != 1 {
			t.Fatalf("notes: %+v %v", notes, err)
		}
		if err := s.sec.Do(ctx, "GET", docPath(paper.ID, "/notes"), nil, &notes); err != nil || len(notes) != 0 {
			t.Fatalf("another reader sees the chair's notes: %+v %v", notes, err)
		}
		wantError(t, e.Login(t, "member01").Do(ctx, "GET", docPath(paper.ID, "/notes"), nil, nil), 404, "not_found")
		if got := status(t, chair, docPath(paper.ID, "/versions")); got != 200 {
			t.Fatalf("versions of a placeholder: %d", got)
		}
		var u []ecabinet.Unread
		if err := s.sec.Do(ctx, "GET", s.path("/unread"), nil, &u); err != nil || len(u) != len(s.meeting.Invitees) {
			t.Fatalf("unread: %+v %v", u, err)
		}
		wantError(t, chair.Do(ctx, "GET", s.path("/unread"), nil, nil), 403, "forbidden")
	})
}
