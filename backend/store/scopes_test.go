package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// A session's scope is open to whoever may see the session, decided the
// same way as the session's routes: its secretariat always, its invitees
// once published, nobody of another body. Hundreds of subscriptions
// arriving at once (a connect storm) each get their own right answer.
func TestAuthorizeMeetingScope(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		other := newFixture(t, db)
		meetings := store.NewMeetingService(db)
		scopes := store.NewScopes(db, meetings)
		m, err := meetings.CreateMeeting(f.as(ecabinet.RoleSecretary), meetingInput())
		if err != nil {
			t.Fatal(err)
		}
		outsider, err := db.CreateMember(ctx, hasher, f.body.ID, ecabinet.MemberInput{Username: testenv.RandomName("outsider"), Password: "correct horse battery",
			FullName: "Người không được mời", Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		outsiderCtx := ecabinet.NewContextWithActor(ctx, ecabinet.Actor{MemberID: outsider.ID, BodyID: f.body.ID, Role: ecabinet.RoleMember})
		scope := ecabinet.MeetingScope(m.ID)
		cases := []struct {
			name    string
			ctx     context.Context
			draft   bool // allowed while a draft
			allowed bool // allowed once published
		}{
			{"secretary", f.as(ecabinet.RoleSecretary), true, true},
			{"admin", f.as(ecabinet.RoleAdmin), true, true},
			{"invited chair", f.as(ecabinet.RoleChair), false, true},
			{"invited member", f.as(ecabinet.RoleMember), false, true},
			{"member not invited", outsiderCtx, false, false},
			{"another body's secretary", other.as(ecabinet.RoleSecretary), false, false},
			{"another body's member", other.as(ecabinet.RoleMember), false, false},
		}
		check := func(published bool) {
			var wg sync.WaitGroup
			for round := 0; round < 40; round++ {
				for _, c := range cases {
					wg.Add(1)
					go func() {
						defer wg.Done()
						want := c.draft
						if published {
							want = c.allowed
						}
						err := scopes.Authorize(c.ctx, scope)
						if want && err != nil {
							t.Errorf("%s (published %v): refused: %v", c.name, published, err)
						}
						if !want && ecabinet.ErrorCode(err) != ecabinet.ENOTFOUND {
							t.Errorf("%s (published %v): %v, want not_found", c.name, published, err)
						}
					}()
				}
			}
			wg.Wait()
		}
		check(false)
		if _, err := meetings.Transition(f.as(ecabinet.RoleSecretary), m.ID, ecabinet.ActionPublish, nil); err != nil {
			t.Fatal(err)
		}
		check(true)
		wantCode(t, scopes.Authorize(f.as(ecabinet.RoleMember), ecabinet.MeetingScope(m.ID+1000)), ecabinet.ENOTFOUND)
	})
}
