package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// The audit log is a hash chain: concurrent appenders produce one unbroken
// chain, the database refuses changes, and a change made behind its back
// (trigger removed, as a database administrator could) is caught at the
// first broken entry.
func TestAuditChain(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		svc := store.NewMeetingService(db)
		sec := f.as(ecabinet.RoleSecretary)
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				if err := db.Audit(ctx, ecabinet.AuditRecord{BodyID: f.body.ID, Action: ecabinet.AuditLoginFailed, Subject: "khach" + string(rune('a'+i))}); err != nil {
					t.Error(err)
				}
			}(i)
		}
		wg.Wait()
		m, _ := svc.CreateMeeting(sec, meetingInput())
		if _, err := svc.Transition(sec, m.ID, ecabinet.ActionPublish, nil); err != nil {
			t.Fatal(err)
		}
		// A change of role is recorded with what changed.
		admin := f.as(ecabinet.RoleAdmin)
		mem := f.members[ecabinet.RoleMember]
		in := ecabinet.MemberInput{Username: mem.Username, FullName: mem.FullName, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassSecret, Voting: true, Active: true}
		if _, err := store.NewMemberService(db).UpdateMember(admin, mem.ID, in); err != nil {
			t.Fatal(err)
		}
		n, brk, err := db.VerifyAudit(ctx)
		if err != nil || brk != nil || n != 22 {
			t.Fatalf("verify: %d entries, %+v, %v", n, brk, err)
		}
		entries, err := store.NewAuditService(db).AuditLog(admin, 0, 100)
		if err != nil || len(entries) != 22 {
			t.Fatalf("%d entries: %v", len(entries), err)
		}
		last := entries[len(entries)-1]
		if last.Action != ecabinet.AuditMemberChanged || !strings.Contains(string(last.Detail), `"clearance":["none","secret"]`) || last.ActorID != f.members[ecabinet.RoleAdmin].ID {
			t.Fatalf("last entry %+v %s", last, last.Detail)
		}
		if entries[20].Action != ecabinet.AuditMeeting || !strings.Contains(string(entries[20].Detail), `"to":"published"`) {
			t.Fatalf("transition entry %s", entries[20].Detail)
		}
		_, err = store.NewAuditService(db).AuditLog(sec, 0, 10)
		wantCode(t, err, ecabinet.EFORBIDDEN)

		// The database refuses updates and deletes.
		if err := db.Exec(ctx, "UPDATE audit_log SET subject = 'x' WHERE id = 5"); err == nil {
			t.Fatal("the audit log accepted an update")
		}
		if err := db.Exec(ctx, "DELETE FROM audit_log WHERE id = 22"); err == nil {
			t.Fatal("the audit log accepted a delete")
		}
		// Someone with the database's keys changes entry 7.
		disable := map[string][]string{
			store.Postgres: {"ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"},
			store.SQLite:   {"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"},
		}
		for _, q := range disable[db.Dialect()] {
			if err := db.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Exec(ctx, "UPDATE audit_log SET subject = 'someone else' WHERE id = 7"); err != nil {
			t.Fatal(err)
		}
		_, brk, _ = db.VerifyAudit(ctx)
		if brk == nil || brk.ID != 7 {
			t.Fatalf("tampering not caught at entry 7: %+v", brk)
		}
	})
}

// Removing entries from the end is caught by the head.
func TestAuditTruncationIsCaught(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i := 0; i < 3; i++ {
			if err := db.Audit(ctx, ecabinet.AuditRecord{Action: ecabinet.AuditLoginFailed, Subject: "x"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range map[string][]string{
			store.Postgres: {"ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update", "DELETE FROM audit_log WHERE id = 3"},
			store.SQLite:   {"DROP TRIGGER audit_log_no_delete", "DELETE FROM audit_log WHERE id = 3"},
		}[db.Dialect()] {
			if err := db.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if _, brk, _ := db.VerifyAudit(ctx); brk == nil || brk.ID != 3 {
			t.Fatalf("truncation not caught: %+v", brk)
		}
	})
}
