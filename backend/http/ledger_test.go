package http_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
)

// getCSV fetches a CSV export and checks that it is UTF-8 with a byte
// order mark, as a spreadsheet needs for Vietnamese.
func getCSV(t *testing.T, c *client.Client, path string) [][]string {
	t.Helper()
	resp, err := c.Send(context.Background(), "GET", path, nil, "", nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" || !bytes.HasPrefix(raw, []byte("\ufeff")) {
		t.Fatalf("GET %s: %s without a byte order mark", path, ct)
	}
	rows, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return rows
}

// nextEvent returns the next event frame of s.
func nextEvent(t *testing.T, s *client.Stream) *client.Frame {
	t.Helper()
	return waitFrame(t, s, "event", "")
}

// The ledger, a conclusion notice and a task through the API: figures
// explained, CSV exports, access rules, and live events that reach only
// who may see them.
func TestLedgerConclusionAndTasksOverHTTP(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		sec, chair, member := e.Login(t, "secretary1"), e.Login(t, "chair"), e.Login(t, "member01")
		chairStream, err := chair.Connect(ctx, client.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer chairStream.Close()
		memberStream, err := member.Connect(ctx, client.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer memberStream.Close()
		var me client.Me
		if err := sec.Do(ctx, "GET", "/api/v1/me", nil, &me); err != nil {
			t.Fatal(err)
		}
		body := ecabinet.BodyScope(me.Body.ID)
		for _, s := range []*client.Stream{chairStream, memberStream} {
			if err := s.Subscribe(body); err != nil {
				t.Fatal(err)
			}
			waitFrame(t, s, "snapshot", "")
		}

		start := time.Now().Add(24 * time.Hour).UTC()
		var m ecabinet.Meeting
		if err := sec.Do(ctx, "POST", "/api/v1/meetings", ecabinet.MeetingInput{Kind: ecabinet.KindThematic, Title: "Phiên họp chuyên đề xây dựng pháp luật",
			ScheduledStart: start, ScheduledEnd: start.Add(3 * time.Hour)}, &m); err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/api/v1/meetings/%d", m.ID)
		var items []ecabinet.AgendaItem
		if err := sec.Do(ctx, "POST", base+"/agenda", ecabinet.AgendaItemInput{Title: "Dự án Luật Thuế", PlannedMinutes: 60}, &items); err != nil {
			t.Fatal(err)
		}
		var doc ecabinet.Document
		if err := sec.Do(ctx, "POST", base+"/documents", ecabinet.DocumentInput{Title: "Tờ trình", Classification: ecabinet.ClassNone}, &doc); err != nil {
			t.Fatal(err)
		}
		if err := sec.Do(ctx, "POST", base+"/transitions", map[string]string{"action": "publish"}, nil); err != nil {
			t.Fatal(err)
		}
		pdf := pdftest.Valid(3)
		if _, err := sec.UploadVersion(ctx, doc.ID, "to-trinh.pdf", bytes.NewReader(pdf), int64(len(pdf))); err != nil {
			t.Fatal(err)
		}
		// 3 pages × (27 invitees + 5 reserve copies) = 96 pages on 64 sheets (duplex).
		// The chair's dashboard hears of publication (nothing distributed yet), then of the upload.
		for range 2 {
			f := waitFrame(t, chairStream, "event", ecabinet.EventLedgerUpdated)
			var ev struct{ Ledger ecabinet.LedgerChange }
			if err := json.Unmarshal(f.Data, &ev); err != nil || ev.Ledger.Kind != ecabinet.LedgerMeeting || ev.Ledger.ID != m.ID {
				t.Fatalf("ledger event %s", f.Data)
			}
		}
		var led ecabinet.MeetingLedger
		if err := chair.Do(ctx, "GET", "/api/v1/ledger/meetings/"+itoa(m.ID), nil, &led); err != nil {
			t.Fatal(err)
		}
		if led.Paper.PagesAvoided != 96 || led.Paper.SheetsAvoided != 64 || led.Paper.CostAvoidedVND != 144_000 || len(led.Lines) != 1 ||
			led.Lines[0].Recipients != 27 || led.Lines[0].Reserve != 5 || led.Settings.CostPerPageVND != 1500 {
			t.Fatalf("meeting ledger %+v", led)
		}
		wantError(t, member.Do(ctx, "GET", "/api/v1/ledger/meetings/"+itoa(m.ID), nil, nil), 403, "forbidden")
		wantError(t, sec.Do(ctx, "GET", "/api/v1/ledger?group=week", nil, nil), 400, "invalid")
		var rep ecabinet.LedgerReport
		if err := chair.Do(ctx, "GET", "/api/v1/ledger?group=year&explain=true", nil, &rep); err != nil {
			t.Fatal(err)
		}
		// The demo body has its own session and ballot: find this session's figures among them.
		var mine *ecabinet.LedgerSource
		var sum int64
		for i, src := range rep.Sources {
			sum += src.Paper.PagesAvoided
			if src.Kind == "meeting" && src.ID == m.ID {
				mine = &rep.Sources[i]
			}
		}
		if mine == nil || mine.Paper.PagesAvoided != 96 || rep.Total.Paper.PagesAvoided != sum || rep.Group != "year" {
			t.Fatalf("report %+v", rep)
		}
		rows := getCSV(t, sec, "/api/v1/ledger/report.csv")
		found := false
		for _, r := range rows[1:] {
			found = found || (r[7] == "Tờ trình" && r[20] == "96")
		}
		if rows[0][20] != "Tổng số trang" || !found {
			t.Fatalf("ledger csv %v", rows)
		}
		found = false
		for _, r := range getCSV(t, chair, "/api/v1/ledger/time.csv")[1:] {
			found = found || (r[6] == "Dự án Luật Thuế" && r[8] == "không")
		}
		if !found {
			t.Fatal("time csv lacks the session's item")
		}

		// The notice after the session, then a task for the Ministry of Finance.
		if err := sec.Do(ctx, "POST", base+"/transitions", map[string]string{"action": "close"}, nil); err != nil {
			t.Fatal(err)
		}
		var c ecabinet.Conclusion
		in := ecabinet.ConclusionInput{Number: "12/TB-VPCP", Title: "Kết luận phiên họp chuyên đề",
			Items: []ecabinet.ConclusionItem{{ItemID: items[0].ID, Text: "Giao Bộ Tài chính tiếp thu, chỉnh lý."}}}
		if err := sec.Do(ctx, "PUT", base+"/conclusion", in, &c); err != nil || c.Status != ecabinet.ConclusionDraft {
			t.Fatalf("draft %+v %v", c, err)
		}
		wantError(t, member.Do(ctx, "GET", base+"/conclusion", nil, nil), 404, "not_found")
		wantError(t, member.Do(ctx, "PUT", base+"/conclusion", in, nil), 403, "forbidden")
		if err := sec.Do(ctx, "POST", base+"/conclusion/publish", nil, &c); err != nil || c.Status != ecabinet.ConclusionPublished {
			t.Fatalf("publish %+v %v", c, err)
		}
		waitFrame(t, memberStream, "event", ecabinet.EventConclusionPublished)
		if err := member.Do(ctx, "GET", base+"/conclusion", nil, &c); err != nil || c.Number != "12/TB-VPCP" {
			t.Fatalf("the member reads %+v %v", c, err)
		}
		// The notices as CSV: a row per concluded item, with the titles.
		rows = getCSV(t, member, "/api/v1/conclusions.csv")
		if len(rows) != 2 || rows[1][0] != "12/TB-VPCP" || rows[1][2] != "Đã ban hành" || rows[1][5] != m.Title ||
			rows[1][8] != "1" || rows[1][9] != items[0].Title || rows[1][10] != "Giao Bộ Tài chính tiếp thu, chỉnh lý." {
			t.Fatalf("conclusions csv %q", rows)
		}

		var task ecabinet.Task
		due := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
		if err := sec.Do(ctx, "POST", "/api/v1/tasks", ecabinet.TaskInput{ConclusionID: &c.ID, ItemID: &items[0].ID, Title: "Hoàn thiện dự án Luật Thuế",
			LeadOrg: "Bộ Tài chính", CoUnits: []string{"Bộ Tư pháp"}, DueDate: due}, &task); err != nil {
			t.Fatal(err)
		}
		// The member sees the task, and no ledger event was sent before it.
		f := nextEvent(t, memberStream)
		for f.Event != ecabinet.EventTaskUpdated {
			if f.Event == ecabinet.EventLedgerUpdated {
				t.Fatal("a member received a ledger event")
			}
			f = nextEvent(t, memberStream)
		}
		if !strings.Contains(string(f.Data), "Hoàn thiện dự án Luật Thuế") {
			t.Fatalf("task event %s", f.Data)
		}
		report := func(c *client.Client) error {
			return c.Do(ctx, "POST", "/api/v1/tasks/"+itoa(task.ID)+"/reports", ecabinet.ProgressInput{Note: "Đã trình Chính phủ", Done: true}, &task)
		}
		wantError(t, report(member), 403, "forbidden") // member01 is of the Government, not of the Ministry
		if err := report(e.Login(t, "member11")); err != nil || task.Status != ecabinet.TaskDoneOnTime || len(task.Reports) != 1 {
			t.Fatalf("the Minister of Finance reports: %+v %v", task, err)
		}
		wantError(t, member.Do(ctx, "GET", "/api/v1/tasks?status=late", nil, nil), 400, "invalid")
		var list []ecabinet.Task
		if err := member.Do(ctx, "GET", "/api/v1/tasks?meeting="+itoa(m.ID), nil, &list); err != nil || len(list) != 1 {
			t.Fatalf("tasks of the session %+v %v", list, err)
		}
		var stats ecabinet.TaskStatsReport
		if err := member.Do(ctx, "GET", "/api/v1/tasks/stats?group=organization", nil, &stats); err != nil ||
			stats.Total.DoneOnTime != 1 || stats.Groups[0].Key != "Bộ Tài chính" || stats.Total.DoneOnTimePc != 100 {
			t.Fatalf("stats %+v %v", stats, err)
		}
		if rows := getCSV(t, member, "/api/v1/tasks/stats.csv?group=organization"); len(rows) != 3 || rows[2][0] != "Tổng cộng" || rows[2][5] != "100.0" {
			t.Fatalf("stats csv %v", rows)
		}
		rows = getCSV(t, sec, "/api/v1/tasks/report.csv")
		if len(rows) != 2 || rows[1][6] != "Bộ Tài chính" || rows[1][8] != "Bộ Tư pháp" || rows[1][12] != "Hoàn thành đúng hạn" {
			t.Fatalf("tasks csv %v", rows)
		}
		wantError(t, member.Do(ctx, "GET", "/api/v1/tasks/report.csv", nil, nil), 403, "forbidden")

		// Every export is in the audit log: who, which, with what query. The
		// refused one is not.
		var entries []ecabinet.AuditEntry
		if err := e.Login(t, "admin").Do(ctx, "GET", "/api/v1/audit?limit=1000", nil, &entries); err != nil {
			t.Fatal(err)
		}
		var exports []string
		for _, en := range entries {
			if en.Action != ecabinet.AuditExport {
				continue
			}
			var d struct{ Export, Query string }
			if err := json.Unmarshal(en.Detail, &d); err != nil || en.Subject != fmt.Sprintf("body:%d", me.Body.ID) {
				t.Fatalf("export entry %+v: %v", en, err)
			}
			exports = append(exports, fmt.Sprintf("%d %s?%s", en.ActorID, d.Export, d.Query))
		}
		id := func(c *client.Client) int64 {
			m, err := c.Me(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return m.Member.ID
		}
		want := []string{fmt.Sprintf("%d ledger?", me.Member.ID), fmt.Sprintf("%d ledger_time?", id(chair)),
			fmt.Sprintf("%d conclusions?", id(member)), fmt.Sprintf("%d task_stats?group=organization", id(member)), fmt.Sprintf("%d tasks?", me.Member.ID)}
		if fmt.Sprint(exports) != fmt.Sprint(want) {
			t.Fatalf("exports audited: %q, want %q", exports, want)
		}
	})
}

// A reader below a document's clearance is not told when it changes: no
// ledger.updated for its new version reaches them, and what they read of
// the ledger does not move with it that day. A cleared reader hears of it
// at once.
func TestLedgerTellsNothingOfDocumentsAboveTheReader(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		s := newSession(t, e)
		secret := s.uploaded(t, "Phương án bảo đảm an ninh", ecabinet.ClassSecret)
		plain := s.uploaded(t, "Báo cáo tình hình kinh tế", ecabinet.ClassNone)
		s.publish(t)
		admin := e.Login(t, "admin") // cleared for nothing
		me, err := admin.Me(ctx)
		if err != nil {
			t.Fatal(err)
		}
		streams := map[string]*client.Stream{}
		for name, c := range map[string]*client.Client{"admin": admin, "cleared": s.sec} {
			st, err := c.Connect(ctx, client.StreamOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.Subscribe(ecabinet.BodyScope(me.Body.ID)); err != nil {
				t.Fatal(err)
			}
			waitFrame(t, st, "snapshot", "")
			streams[name] = st
		}
		figures := func() ecabinet.PaperFigures {
			t.Helper()
			var led ecabinet.MeetingLedger
			if err := admin.Do(ctx, "GET", "/api/v1/ledger/meetings/"+itoa(s.meeting.ID), nil, &led); err != nil {
				t.Fatal(err)
			}
			for _, l := range led.Lines {
				if l.DocumentID == secret.ID {
					t.Fatalf("the admin reads a line about the secret document: %+v", l)
				}
				// Not even an anonymous one: a redacted line's recipients
				// and pages, beside the members list, give the level away.
				if l.DocumentID != plain.ID {
					t.Fatalf("the admin reads a line that is not about the one document they may read (recipients %d, pages %d): %+v", l.Recipients, l.TotalPages, l)
				}
			}
			return led.Paper
		}
		before := figures()

		// A new version of the secret document: 30 pages instead of 2.
		if _, err := s.upload(t, s.sec, secret, "v2.pdf", pdftest.Valid(30)); err != nil {
			t.Fatal(err)
		}
		waitFrame(t, streams["cleared"], "event", ecabinet.EventLedgerUpdated)
		if after := figures(); after != before {
			t.Fatalf("the admin's figures moved with the secret document: %+v, then %+v", before, after)
		}
		// Then a change everyone sees: the admin's next ledger event is it.
		if _, err := s.upload(t, s.sec, plain, "v2.pdf", pdftest.Valid(3)); err != nil {
			t.Fatal(err)
		}
		settings := me.Body.Settings
		settings.ReserveCopies = 6
		if err := admin.Do(ctx, "PUT", "/api/v1/body/settings", settings, nil); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{ecabinet.LedgerMeeting, ecabinet.LedgerBody} {
			f := waitFrame(t, streams["admin"], "event", ecabinet.EventLedgerUpdated)
			var ev struct{ Ledger map[string]any }
			if err := json.Unmarshal(f.Data, &ev); err != nil || ev.Ledger["kind"] != want {
				t.Fatalf("the admin's ledger event %s, want one about %s (the secret upload's reached them?)", f.Data, want)
			}
			for k := range ev.Ledger {
				if k != "kind" && k != "id" && k != "period" {
					t.Fatalf("a ledger event carries %q: %s", k, f.Data)
				}
			}
		}
	})
}
