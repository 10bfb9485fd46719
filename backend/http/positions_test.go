package http_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

func wantAPIError(t *testing.T, err error, status int, code, field string) {
	t.Helper()
	var ae *client.Error
	if !errors.As(err, &ae) || ae.Status != status || ae.Code != code || ae.Field != field {
		t.Fatalf("got %v, want %d %s (field %q)", err, status, code, field)
	}
	if strings.Contains(ae.Message, "ecabinet error") || strings.Contains(ae.Message, "sql") {
		t.Fatalf("internal text leaked: %q", ae.Message)
	}
}

// TestPositionsAPI: bad positions are refused with their stable codes and
// write nothing; the cut-off forms the consent block; pulling from a block
// already taken is refused; the minutes of the closed session are drafted,
// published and served as the same PDF bytes each time.
func TestPositionsAPI(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		sec, chair, m1, m2 := e.Login(t, "secretary1"), e.Login(t, "chair"), e.Login(t, "member01"), e.Login(t, "member02")
		// The demo data holds a session with members' positions and its consent block.
		var list []ecabinet.Meeting
		if err := sec.Do(ctx, "GET", "/api/v1/meetings", nil, &list); err != nil {
			t.Fatal(err)
		}
		var demo *ecabinet.Meeting
		for i := range list {
			if list[i].PositionsClosedAt != nil {
				demo = &list[i]
			}
		}
		if demo == nil || list[0].ID == demo.ID {
			t.Fatalf("no demo session with a consent block before the latest session: %d sessions", len(list))
		}
		var demoState ecabinet.MeetingState
		if err := m1.Do(ctx, "GET", fmt.Sprintf("/api/v1/meetings/%d/state", demo.ID), nil, &demoState); err != nil {
			t.Fatal(err)
		}
		if demoState.Positions == nil || len(demoState.Positions.Items) != 4 || demoState.Positions.Items[0].Mine == nil ||
			demoState.Agenda[0].Consent != ecabinet.ConsentBlock || demoState.Agenda[1].Consent != ecabinet.ConsentBlock || demoState.Agenda[2].Consent != ecabinet.ConsentNone {
			t.Fatalf("demo session as member01 sees it: %+v %+v", demoState.Positions, demoState.Agenda)
		}

		start := time.Now().Add(2 * time.Hour).UTC()
		var m ecabinet.Meeting
		if err := sec.Do(ctx, "POST", "/api/v1/meetings", ecabinet.MeetingInput{Kind: ecabinet.KindRegular, Title: "Phiên họp có ý kiến trước",
			ScheduledStart: start, ScheduledEnd: start.Add(3 * time.Hour)}, &m); err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/api/v1/meetings/%d", m.ID)
		var items []*ecabinet.AgendaItem
		for _, title := range []string{"Báo cáo tình hình", "Dự án Luật"} {
			if err := sec.Do(ctx, "POST", base+"/agenda", ecabinet.AgendaItemInput{Title: title, PlannedMinutes: 30}, &items); err != nil {
				t.Fatal(err)
			}
		}
		cutoff := time.Now().Add(time.Hour).UTC()
		if err := sec.Do(ctx, "PUT", base+"/positions", ecabinet.PositionsSettings{Items: []int64{items[0].ID, items[1].ID}, Cutoff: &cutoff}, nil); err != nil {
			t.Fatal(err)
		}
		if err := sec.Do(ctx, "POST", base+"/transitions", map[string]string{"action": "publish"}, nil); err != nil {
			t.Fatal(err)
		}
		pos := func(item int64) string { return fmt.Sprintf("%s/agenda/%d/position", base, item) }
		counts := func() ecabinet.StanceCounts {
			var v ecabinet.PositionsView
			if err := sec.Do(ctx, "GET", base+"/positions", nil, &v); err != nil {
				t.Fatal(err)
			}
			var c ecabinet.StanceCounts
			for _, it := range v.Items {
				c.NoObjection += it.Counts.NoObjection
				c.WishToSpeak += it.Counts.WishToSpeak
				c.Object += it.Counts.Object
			}
			return c
		}

		err := m1.Do(ctx, "PUT", pos(items[0].ID), ecabinet.PositionInput{Stance: ecabinet.StanceObject}, nil)
		wantAPIError(t, err, 400, ecabinet.EINVALID, "reason")
		err = m1.Do(ctx, "PUT", pos(items[0].ID), map[string]string{"stance": "maybe"}, nil)
		wantAPIError(t, err, 400, ecabinet.EINVALID, "stance")
		err = sec.Do(ctx, "PUT", pos(items[0].ID), ecabinet.PositionInput{Stance: ecabinet.StanceNoObjection}, nil)
		wantAPIError(t, err, 403, ecabinet.EFORBIDDEN, "") // the secretariat gives no position
		if c := counts(); c != (ecabinet.StanceCounts{}) {
			t.Fatalf("refused positions were written: %+v", c)
		}

		for _, c := range []*client.Client{m1, m2, chair} {
			for _, it := range items {
				if err := c.Do(ctx, "PUT", pos(it.ID), ecabinet.PositionInput{Stance: ecabinet.StanceNoObjection}, nil); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := m2.Do(ctx, "PUT", pos(items[1].ID), ecabinet.PositionInput{Stance: ecabinet.StanceSpeak}, nil); err != nil {
			t.Fatal(err)
		}
		var view ecabinet.PositionsView
		if err := sec.Do(ctx, "POST", base+"/positions/close", nil, &view); err != nil {
			t.Fatal(err)
		}
		err = m1.Do(ctx, "PUT", pos(items[1].ID), ecabinet.PositionInput{Stance: ecabinet.StanceObject, Reason: "Muộn"}, nil)
		wantAPIError(t, err, 409, ecabinet.EDEADLINE, "")
		if c := counts(); c != (ecabinet.StanceCounts{NoObjection: 5, WishToSpeak: 1}) {
			t.Fatalf("a position after the cut-off was written: %+v", c)
		}

		// In session: the chair takes the block (the first item) in one decision.
		if err := chair.Do(ctx, "POST", base+"/transitions", map[string]string{"action": "start", "reason": "Kiểm thử"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := chair.Do(ctx, "POST", base+"/consent", map[string]any{}, &items); err != nil {
			t.Fatal(err)
		}
		if items[0].Consent != ecabinet.ConsentDecided || items[1].Consent != ecabinet.ConsentNone {
			t.Fatalf("after taking the block: %+v %+v", items[0], items[1])
		}
		err = m1.Do(ctx, "POST", fmt.Sprintf("%s/agenda/%d/pull", base, items[0].ID), nil, nil)
		wantAPIError(t, err, 409, ecabinet.ECONFLICT, "")
		if err := chair.Do(ctx, "POST", base+"/transitions", map[string]string{"action": "close"}, nil); err != nil {
			t.Fatal(err)
		}

		// Minutes: drafted at close, published, then the same PDF bytes each time.
		err = m1.Do(ctx, "GET", base+"/minutes", nil, nil)
		wantAPIError(t, err, 404, ecabinet.ENOTFOUND, "")
		var min ecabinet.Minutes
		if err := sec.Do(ctx, "POST", base+"/minutes/publish", nil, &min); err != nil || min.Version != 1 {
			t.Fatalf("publish: %+v %v", min, err)
		}
		if err := m1.Do(ctx, "GET", base+"/minutes", nil, &min); err != nil || !strings.Contains(min.Text, "THÔNG QUA KHÔNG THẢO LUẬN") {
			t.Fatalf("member reads: %v", err)
		}
		pdf := func() []byte {
			resp, err := m1.Send(ctx, "GET", base+"/minutes.pdf", nil, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(b), "%PDF-") {
				t.Fatalf("minutes.pdf: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			return b
		}
		if a, b := pdf(), pdf(); string(a) != string(b) {
			t.Fatal("the same minutes gave different PDF bytes")
		}
	})
}
