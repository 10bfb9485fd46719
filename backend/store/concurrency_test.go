package store_test

import (
	"sync"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// atOnce runs n calls of do at once and returns their errors.
func atOnce(n int, do func() error) []error {
	errs := make([]error, n)
	var start, wg sync.WaitGroup
	start.Add(1)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start.Wait()
			errs[i] = do()
		}()
	}
	start.Done()
	wg.Wait()
	return errs
}

// acknowledged counts the calls that succeeded and checks that every other
// one was refused as a conflict (not lost, not an internal error).
func acknowledged(t *testing.T, errs []error) int {
	t.Helper()
	ok := 0
	for _, err := range errs {
		switch ecabinet.ErrorCode(err) {
		case "":
			ok++
		case ecabinet.ECONFLICT:
		default:
			t.Errorf("neither acknowledged nor refused as a conflict: %v", err)
		}
	}
	return ok
}

// A member's tablet that sends "I ask for the floor" several times at once
// (a double tap, a retry on another instance) is queued once: one request
// acknowledged, the others refused, one entry in the queue.
func TestRequestsForTheFloorAtOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc := store.NewMeetingService(db)
		sec, chair, member := f.as(ecabinet.RoleSecretary), f.as(ecabinet.RoleChair), f.as(ecabinet.RoleMember)
		m, _ := svc.CreateMeeting(sec, meetingInput())
		ag, _ := svc.AddItem(sec, m.ID, item("A", 10))
		_, _ = svc.Transition(sec, m.ID, ecabinet.ActionPublish, nil)
		if _, err := svc.Transition(chair, m.ID, ecabinet.ActionStart, &ecabinet.OverrideInput{Reason: "thử"}); err != nil {
			t.Fatal(err)
		}
		errs := atOnce(8, func() error { _, err := svc.RequestFloor(member, m.ID, ag[0].ID); return err })
		if n := acknowledged(t, errs); n != 1 {
			t.Fatalf("%d of 8 requests for the floor acknowledged: %v", n, errs)
		}
		queue, err := svc.Speakers(sec, m.ID, ag[0].ID)
		if err != nil || len(queue) != 1 || queue[0].Status != ecabinet.SpeakerWaiting {
			t.Fatalf("queue %+v, %v", queue, err)
		}
	})
}

// Two reports that the same task is done, sent at once, complete it once:
// one is acknowledged, the other refused (task.done), one completing
// report is kept and the completion time is the acknowledged one's.
func TestCompletingReportsAtOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newTaskEnv(t, db)
		lead := e.people["moh"].ID
		task := e.assign(t, ecabinet.TaskInput{Title: "Báo cáo tình hình dịch bệnh", LeadMemberID: &lead, DueDate: "2026-03-15"})
		errs := atOnce(8, func() error {
			_, err := e.tasks.ReportProgress(e.as("moh"), task.ID, ecabinet.ProgressInput{Note: "Đã báo cáo Thủ tướng", Done: true})
			return err
		})
		if n := acknowledged(t, errs); n != 1 {
			t.Fatalf("%d of 8 completing reports acknowledged: %v", n, errs)
		}
		got, err := e.tasks.FindTask(e.as("sec"), task.ID)
		if err != nil || got.CompletedAt == nil {
			t.Fatalf("task %+v, %v", got, err)
		}
		done := 0
		for _, r := range got.Reports {
			if r.Done {
				done++
			}
		}
		if done != 1 {
			t.Fatalf("%d completing reports kept", done)
		}
	})
}
