package store_test

import (
	"context"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// A conclusion notice is drafted after the session by the secretariat,
// unseen by members until published, then final; publication reaches the
// session's stream and its invitees on the body's stream.
func TestConclusionLifecycle(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newTaskEnv(t, db)
		sec, svc := e.as("sec"), e.conclusions
		in := meetingInput()
		in.Invitees = []int64{e.people["chair"].ID, e.people["moh"].ID}
		m, err := e.meetings.CreateMeeting(sec, in)
		if err != nil {
			t.Fatal(err)
		}
		ag, err := e.meetings.AddItem(sec, m.ID, item("Đề án chuyển đổi số", 30))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []ecabinet.MeetingAction{ecabinet.ActionPublish, ecabinet.ActionClose} {
			if _, err := e.meetings.Transition(sec, m.ID, a, nil); err != nil {
				t.Fatal(err)
			}
		}
		draft := ecabinet.ConclusionInput{Title: "Kết luận phiên họp chuyên đề", Text: "Thủ tướng kết luận:",
			Items: []ecabinet.ConclusionItem{{ItemID: ag[0].ID, Text: " Giao Bộ Y tế chủ trì. "}}}
		_, err = svc.SaveConclusion(e.as("moh"), m.ID, draft)
		wantCode(t, err, ecabinet.EFORBIDDEN)
		bad := draft
		bad.Items = []ecabinet.ConclusionItem{{ItemID: e.items[0].ID}} // an item of another session
		_, err = svc.SaveConclusion(sec, m.ID, bad)
		if e := ecabinet.AsError(err); e.Code != ecabinet.EINVALID || e.Field != "items" {
			t.Fatalf("foreign item: %v", e)
		}
		c, err := svc.SaveConclusion(sec, m.ID, draft)
		if err != nil || c.Status != ecabinet.ConclusionDraft || c.Items[0].Text != "Giao Bộ Y tế chủ trì." {
			t.Fatalf("draft %+v %v", c, err)
		}
		_, err = svc.Conclusion(e.as("moh"), m.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		if st, err := e.meetings.MeetingState(e.as("moh"), m.ID); err != nil || st.Conclusion != nil {
			t.Fatalf("the draft in an invitee's state: %+v %v", st.Conclusion, err)
		}
		draft.Number = "46/TB-VPCP"
		if c, err = svc.SaveConclusion(sec, m.ID, draft); err != nil || c.Number != "46/TB-VPCP" {
			t.Fatalf("redraft %+v %v", c, err)
		}
		if err := svc.DeleteConclusion(sec, m.ID); err != nil {
			t.Fatal(err)
		}
		_, err = svc.Conclusion(sec, m.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		if _, err = svc.SaveConclusion(sec, m.ID, draft); err != nil {
			t.Fatal(err)
		}

		pub, err := svc.PublishConclusion(sec, m.ID)
		if err != nil || pub.Status != ecabinet.ConclusionPublished || pub.PublishedAt == nil || *pub.PublishedBy != e.people["sec"].ID {
			t.Fatalf("published %+v %v", pub, err)
		}
		got, err := svc.Conclusion(e.as("moh"), m.ID)
		if err != nil || got.Number != "46/TB-VPCP" {
			t.Fatalf("an invitee reads %+v %v", got, err)
		}
		_, err = svc.Conclusion(e.as("mof"), m.ID) // not invited to this session
		wantCode(t, err, ecabinet.ENOTFOUND)
		if st, _ := e.meetings.MeetingState(e.as("moh"), m.ID); st.Conclusion == nil || st.Conclusion.ID != pub.ID {
			t.Fatalf("the state lacks the published notice: %+v", st.Conclusion)
		}
		_, err = svc.SaveConclusion(sec, m.ID, draft)
		wantCode(t, err, ecabinet.ECONFLICT)
		_, err = svc.PublishConclusion(sec, m.ID)
		wantCode(t, err, ecabinet.ECONFLICT)
		wantCode(t, svc.DeleteConclusion(sec, m.ID), ecabinet.ECONFLICT)

		if n := count(t, db, "SELECT COUNT(*) FROM events WHERE scope = ? AND type = ?", string(ecabinet.MeetingScope(m.ID)), ecabinet.EventConclusionPublished); n != 1 {
			t.Fatalf("%d conclusion events on the session's stream", n)
		}
		var body []struct{ Recipients string }
		if err := db.Raw(context.Background(), "SELECT recipients FROM events WHERE scope = ? AND type = ? ORDER BY seq", &body,
			string(ecabinet.BodyScope(e.body.ID)), ecabinet.EventConclusionPublished); err != nil || len(body) != 2 || body[1].Recipients == "" {
			t.Fatalf("body stream: %+v %v", body, err)
		}

		for name, want := range map[string]int{"sec": 2, "moh": 2, "mof": 1, "outsider": 0} {
			list, err := svc.ListConclusions(e.as(name))
			if err != nil || len(list) != want {
				t.Errorf("%s lists %d notices (%v), want %d", name, len(list), err, want)
			}
		}
	})
}
