package store_test

import (
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
