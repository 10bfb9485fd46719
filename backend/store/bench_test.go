package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// BenchmarkSetAttendance measures one member-visible change: the update,
// the quorum and its event, in one transaction.
func BenchmarkSetAttendance(b *testing.B) {
	forEachStoreB(b, func(b *testing.B, db *store.DB) {
		f := newFixture(b, db)
		svc := store.NewMeetingService(db)
		sec := f.as(ecabinet.RoleSecretary)
		m, err := svc.CreateMeeting(sec, meetingInput())
		if err != nil {
			b.Fatal(err)
		}
		member := f.members[ecabinet.RoleMember].ID
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			st := ecabinet.AttendancePresent
			if i%2 == 1 {
				st = ecabinet.AttendanceExpected
			}
			if _, _, err := svc.SetAttendance(sec, m.ID, member, ecabinet.AttendanceInput{Status: st}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCheckInBurst measures a session's opening: every invitee of a
// 50-member session checks in at once, so every check-in waits for the
// session's row, held by the one before until its commit. alone: a
// transaction and a commit each; grouped: group commit, as the server
// runs. Reported per check-in.
func BenchmarkCheckInBurst(b *testing.B) {
	for _, name := range []string{store.SQLite, store.Postgres} {
		for _, grouped := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/grouped=%v", name, grouped), func(b *testing.B) {
				db := openStore(b, name)
				if grouped {
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					db.EnableGroupCommit(ctx, 4)
				}
				c := newCouncil(b, db, 49, 50)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					var wg sync.WaitGroup
					for _, m := range c.members {
						wg.Add(1)
						go func() {
							defer wg.Done()
							if _, _, err := c.svc.CheckIn(act(m), c.meeting.ID); err != nil {
								b.Error(err)
							}
						}()
					}
					wg.Wait()
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(c.members)), "µs/check-in")
			})
		}
	}
}
