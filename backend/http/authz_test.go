package http_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/demo"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	ehttp "github.com/ecabinet/ecabinet/backend/http"
	"github.com/ecabinet/ecabinet/backend/report"
	"github.com/ecabinet/ecabinet/backend/store"
)

// marker is in the titles of body A's objects; no caller of body B may ever see it.
const marker = "MA-7731"

// authzFixture holds one object of each kind in body A, for path parameters.
type authzFixture struct {
	params map[string]string // "<resource>:<param>" or ":<param>" → id
}

func newAuthzFixture(t *testing.T, e *apptest.Env) *authzFixture {
	t.Helper()
	db := e.App.DB
	meetings := store.NewMeetingService(db)
	sec, chair := e.As(t, "secretary1"), e.As(t, "chair")
	id := func(u string) int64 {
		a, _ := ecabinet.ActorFromContext(e.As(t, u))
		return a.MemberID
	}
	start := time.Now().Add(time.Hour)
	m, err := meetings.CreateMeeting(sec, ecabinet.MeetingInput{Kind: ecabinet.KindRegular, Title: "Phiên họp " + marker, ScheduledStart: start, ScheduledEnd: start.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	items, _ := meetings.AddItem(sec, m.ID, ecabinet.AgendaItemInput{Title: "Nội dung " + marker, PlannedMinutes: 10})
	if _, err := meetings.Transition(sec, m.ID, ecabinet.ActionPublish, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := meetings.CheckIn(e.As(t, "member01"), m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := meetings.Transition(chair, m.ID, ecabinet.ActionStart, &ecabinet.OverrideInput{Reason: "kiểm thử phân quyền"}); err != nil {
		t.Fatal(err)
	}
	sp, err := meetings.RequestFloor(e.As(t, "member01"), m.ID, items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	votes := store.NewVoteService(db)
	v, err := votes.OpenVote(chair, m.ID, ecabinet.VoteInput{ItemID: items[0].ID, Question: "Biểu quyết " + marker})
	if err != nil {
		t.Fatal(err)
	}
	ballots := store.NewBallotService(db, store.NewNotifier(db, false))
	b, err := ballots.CreateBallot(sec, ecabinet.BallotInput{Title: "Phiếu " + marker, Deadline: time.Now().Add(time.Hour), Questions: []string{"Câu hỏi " + marker}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ballots.OpenBallot(sec, b.ID); err != nil {
		t.Fatal(err)
	}
	docs := store.NewDocumentService(db, nil)
	d, err := docs.CreateDocument(sec, m.ID, ecabinet.DocumentInput{Title: "Tờ trình " + marker, Classification: ecabinet.ClassNone})
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	if err := report.WriteDocument(&pdf, "Tờ trình "+marker, []string{"Nội dung."}, 2, time.Now()); err != nil {
		t.Fatal(err)
	}
	if d, err = docs.UploadVersion(sec, d.ID, ecabinet.Upload{Filename: "to-trinh.pdf", Content: bytes.NewReader(pdf.Bytes()), Size: int64(pdf.Len())}); err != nil {
		t.Fatal(err)
	}
	p, err := docs.CreateDocument(sec, m.ID, ecabinet.DocumentInput{Title: "Báo cáo mật " + marker, Classification: ecabinet.ClassConfidential, PaperPages: 3})
	if err != nil {
		t.Fatal(err)
	}
	cp, err := docs.HandOut(sec, p.ID, ecabinet.PaperCopyInput{HolderID: id("member01")})
	if err != nil {
		t.Fatal(err)
	}
	// A closed session with a published notice and a task from it.
	closed, err := meetings.CreateMeeting(sec, ecabinet.MeetingInput{Kind: ecabinet.KindThematic, Title: "Phiên đã họp " + marker, ScheduledStart: start, ScheduledEnd: start.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = meetings.AddItem(sec, closed.ID, ecabinet.AgendaItemInput{Title: "Nội dung", PlannedMinutes: 10})
	if _, err := meetings.Transition(sec, closed.ID, ecabinet.ActionPublish, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := meetings.Transition(chair, closed.ID, ecabinet.ActionStart, &ecabinet.OverrideInput{Reason: "kiểm thử"}); err != nil {
		t.Fatal(err)
	}
	if _, err := meetings.Transition(chair, closed.ID, ecabinet.ActionClose, nil); err != nil {
		t.Fatal(err)
	}
	conclusions := store.NewConclusionService(db)
	if _, err := conclusions.SaveConclusion(sec, closed.ID, ecabinet.ConclusionInput{Title: "Thông báo kết luận " + marker, Text: "Kết luận."}); err != nil {
		t.Fatal(err)
	}
	notice, err := conclusions.PublishConclusion(sec, closed.ID)
	if err != nil {
		t.Fatal(err)
	}
	task, err := store.NewTaskService(db, store.NewNotifier(db, false)).CreateTask(sec, ecabinet.TaskInput{ConclusionID: &notice.ID,
		Title: "Nhiệm vụ " + marker, LeadOrg: "Bộ Tư pháp", DueDate: start.AddDate(0, 1, 0).Format("2006-01-02")})
	if err != nil {
		t.Fatal(err)
	}

	org, err := store.NewOrganizationService(db).CreateOrganization(e.As(t, "admin"), ecabinet.OrganizationInput{Name: "Ban " + marker})
	if err != nil {
		t.Fatal(err)
	}

	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(pub)
	dev, err := store.NewDeviceService(db).RegisterDevice(e.As(t, "member01"), ecabinet.DeviceInput{Name: "iPad", Algorithm: "Ed25519", PublicKey: base64.StdEncoding.EncodeToString(der)})
	if err != nil {
		t.Fatal(err)
	}
	s := func(n int64) string { return fmt.Sprint(n) }
	// Keyed by the path segment before the parameter.
	return &authzFixture{params: map[string]string{
		"meetings/:id": s(m.ID), "agenda/:item": s(items[0].ID), "speakers/:speaker": s(sp[0].ID), "attendance/:member": s(id("member01")),
		"votes/:id": s(v.ID), "cast/:member": s(id("member02")),
		"ballots/:id": s(b.ID), "answers/:member": s(id("member03")),
		"documents/:id": s(d.ID), "versions/:version": s(d.Current.ID), "copies/:copy": s(cp.ID), "notes/:page": "1",
		"members/:id": s(id("member20")), "devices/:id": s(dev.ID), "tasks/:id": s(task.ID), "organizations/:id": s(org.ID),
		"issued/:kind": "conclusion", "certificates/:id": "1", "cas/:id": "1",
	}}
}

var pathParam = regexp.MustCompile(`([a-z_.-]+)/(:[a-z]+)`)

// fill replaces a route's parameters with the fixture's ids.
func (f *authzFixture) fill(t *testing.T, path string) string {
	path = strings.Replace(path, "*", "index.html", 1)
	return pathParam.ReplaceAllStringFunc(path, func(p string) string {
		v, ok := f.params[p]
		if !ok {
			t.Fatalf("no fixture for %s in %s: add one to the authorization matrix", p, path)
		}
		return p[:strings.Index(p, "/")+1] + v
	})
}

// caller is one kind of caller of the matrix.
type caller struct {
	name      string
	role      ecabinet.Role // empty: anonymous
	otherBody bool
	c         *client.Client
}

func callers(t *testing.T, e *apptest.Env) []*caller {
	ctx := context.Background()
	db := e.App.DB
	body, err := db.FindBodyBySlug(ctx, demo.BodySlug)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.CreateMember(ctx, hasher, body.ID, ecabinet.MemberInput{Username: "khach.moi", Password: apptest.Password,
		FullName: "Khách mời", Role: ecabinet.RoleGuest, Clearance: ecabinet.ClassNone, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.CreateBody(ctx, "tinh-b", "Ủy ban nhân dân tỉnh B", ecabinet.DefaultBodySettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateMember(ctx, hasher, other.ID, ecabinet.MemberInput{Username: "admin.b", Password: apptest.Password,
		FullName: "Quản trị tỉnh B", Role: ecabinet.RoleAdmin, Clearance: ecabinet.ClassTopSecret, Active: true}); err != nil {
		t.Fatal(err)
	}
	return []*caller{
		{name: "admin", role: ecabinet.RoleAdmin, c: e.Login(t, "admin")},
		{name: "secretary", role: ecabinet.RoleSecretary, c: e.Login(t, "secretary1")},
		{name: "chair", role: ecabinet.RoleChair, c: e.Login(t, "chair")},
		{name: "member", role: ecabinet.RoleMember, c: e.Login(t, "member01")},
		{name: "guest", role: ecabinet.RoleGuest, c: e.Login(t, "khach.moi")},
		{name: "another body's admin", role: ecabinet.RoleAdmin, otherBody: true, c: e.Login(t, "admin.b")},
		{name: "anonymous", c: e.Client()},
	}
}

// TestAuthorizationMatrix calls every route of the route table as every
// kind of caller and checks the status against the route's rule: anonymous
// callers get 401, roles outside the rule 403, everyone else is let through
// (never 401, 403 or 5xx), and a caller of another body never gets a 2xx on
// body A's objects nor sees them in a list.
func TestAuthorizationMatrix(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		routes := e.App.Server.Routes()
		for _, r := range routes {
			if !r.Public && len(r.Roles) == 0 {
				t.Errorf("%s %s declares no access rule", r.Method, r.Path)
			}
		}
		fix := newAuthzFixture(t, e)
		// Signing out ends the caller's sign-in: those routes go last.
		sort.SliceStable(routes, func(i, j int) bool {
			return !strings.Contains(routes[i].Path, "logout") && strings.Contains(routes[j].Path, "logout")
		})
		checked := 0
		for _, who := range callers(t, e) {
			for _, r := range routes {
				status, body := call(t, who.c, r.Method, fix.fill(t, r.Path))
				checked++
				if msg := judge(r, who, status, body); msg != "" {
					t.Errorf("%s %s as %s: %d %s", r.Method, r.Path, who.name, status, msg)
				}
			}
		}
		if checked < 7*60 {
			t.Fatalf("only %d calls made", checked)
		}
	})
}

func judge(r ehttp.RouteInfo, who *caller, status int, body string) string {
	allowed := r.Public
	for _, role := range r.Roles {
		allowed = allowed || role == who.role
	}
	switch {
	case status >= 500:
		return "server error: " + body
	case who.role == "" && !r.Public && status != 401:
		return "want 401 for an anonymous caller"
	case who.role == "":
	case !allowed && status != 403:
		return "want 403: the role is not allowed"
	case allowed && (status == 401 || status == 403):
		return "the role is allowed but was refused"
	case who.otherBody && allowed && strings.Contains(r.Path, ":") && status < 300:
		return "another body's caller reached body A's object"
	case who.otherBody && strings.Contains(body, marker):
		return "another body's caller saw body A's data"
	}
	return ""
}

// call sends a request with an empty JSON object for writes.
func call(t *testing.T, c *client.Client, method, path string) (int, string) {
	t.Helper()
	var in io.Reader
	if method == "POST" || method == "PUT" {
		in = strings.NewReader("{}")
	}
	resp, err := c.Send(context.Background(), method, path, in, "application/json", nil)
	if err != nil {
		var ae *client.Error
		if errors.As(err, &ae) {
			return ae.Status, ae.Code + " " + ae.Message
		}
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b)
}
