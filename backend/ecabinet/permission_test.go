package ecabinet_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// The permission rules, one table: each row is an actor, a rule applied to
// what the store read, and the answer.
func TestPermissions(t *testing.T) {
	const body, other = 1, 2
	actor := func(role ecabinet.Role) ecabinet.Actor {
		return ecabinet.Actor{MemberID: 10, BodyID: body, Role: role, Clearance: ecabinet.ClassConfidential}
	}
	admin, sec, chair, member, guest := actor(ecabinet.RoleAdmin), actor(ecabinet.RoleSecretary), actor(ecabinet.RoleChair),
		actor(ecabinet.RoleMember), actor(ecabinet.RoleGuest)
	yes := func() (bool, error) { return true, nil }
	no := func() (bool, error) { return false, nil }
	// asked fails the test: the answer must not depend on it (it costs a query).
	asked := func() (bool, error) { t.Error("asked a question the answer does not depend on"); return true, nil }
	broken := errors.New("database down")
	failing := func() (bool, error) { return false, broken }
	leads := func(ids ...int64) func() ([]int64, error) { return func() ([]int64, error) { return ids, nil } }
	notAsked := func() ([]int64, error) { t.Error("asked for the leads of the secretariat"); return nil, nil }

	for _, c := range []struct {
		name string
		got  func() (bool, error)
		want bool
	}{
		// Gates (the route table's and the services').
		{"secretariat: admin", gate(ecabinet.Secretariat, admin), true},
		{"secretariat: secretary", gate(ecabinet.Secretariat, sec), true},
		{"secretariat: chair", gate(ecabinet.Secretariat, chair), false},
		{"secretariat: member", gate(ecabinet.Secretariat, member), false},
		{"presiding: chair", gate(ecabinet.Presiding, chair), true},
		{"presiding: member", gate(ecabinet.Presiding, member), false},
		{"admins: admin", gate(ecabinet.Admins, admin), true},
		{"admins: secretary", gate(ecabinet.Admins, sec), false},
		{"participants: guest", gate(ecabinet.Participants, guest), true},
		{"participants: secretary", gate(ecabinet.Participants, sec), false},
		{"body members: member", gate(ecabinet.BodyMembers, member), true},
		{"body members: guest", gate(ecabinet.BodyMembers, guest), false},
		{"signed in: guest", gate(ecabinet.SignedIn, guest), true},

		// Sessions: the secretariat sees every one of its body; others the
		// published ones they are invited to.
		{"meeting: secretary, draft", func() (bool, error) { return ecabinet.MaySeeMeeting(sec, body, ecabinet.MeetingDraft, asked) }, true},
		{"meeting: secretary of another body", func() (bool, error) { return ecabinet.MaySeeMeeting(sec, other, ecabinet.MeetingLive, asked) }, false},
		{"meeting: invited member, draft", func() (bool, error) { return ecabinet.MaySeeMeeting(member, body, ecabinet.MeetingDraft, asked) }, false},
		{"meeting: invited member, published", func() (bool, error) { return ecabinet.MaySeeMeeting(member, body, ecabinet.MeetingPublished, yes) }, true},
		{"meeting: member not invited, live", func() (bool, error) { return ecabinet.MaySeeMeeting(member, body, ecabinet.MeetingLive, no) }, false},
		{"meeting: chair not invited, closed", func() (bool, error) { return ecabinet.MaySeeMeeting(chair, body, ecabinet.MeetingClosed, no) }, false},

		// Ballots: the secretariat sees every one of its body; others those
		// sent to them, once sent.
		{"ballot: admin, draft", func() (bool, error) { return ecabinet.MaySeeBallot(admin, body, ecabinet.BallotDraft, asked) }, true},
		{"ballot: admin of another body", func() (bool, error) { return ecabinet.MaySeeBallot(admin, other, ecabinet.BallotOpen, asked) }, false},
		{"ballot: recipient, draft", func() (bool, error) { return ecabinet.MaySeeBallot(member, body, ecabinet.BallotDraft, asked) }, false},
		{"ballot: recipient, open", func() (bool, error) { return ecabinet.MaySeeBallot(member, body, ecabinet.BallotOpen, yes) }, true},
		{"ballot: not a recipient, closed", func() (bool, error) { return ecabinet.MaySeeBallot(chair, body, ecabinet.BallotClosed, no) }, false},
		{"ballot result: member, open", fixed(ecabinet.MaySeeBallotResult(member, ecabinet.BallotOpen)), false},
		{"ballot result: member, closed", fixed(ecabinet.MaySeeBallotResult(member, ecabinet.BallotClosed)), true},
		{"ballot result: secretary, open", fixed(ecabinet.MaySeeBallotResult(sec, ecabinet.BallotOpen)), true},

		// Conclusions and documents.
		{"conclusion: member, draft", fixed(ecabinet.MaySeeConclusion(member, ecabinet.ConclusionDraft)), false},
		{"conclusion: member, published", fixed(ecabinet.MaySeeConclusion(member, ecabinet.ConclusionPublished)), true},
		{"conclusion: secretary, draft", fixed(ecabinet.MaySeeConclusion(sec, ecabinet.ConclusionDraft)), true},
		{"document: at clearance", fixed(ecabinet.MaySeeDocument(member, ecabinet.ClassConfidential)), true},
		{"document: above clearance, even the secretariat", fixed(ecabinet.MaySeeDocument(admin, ecabinet.ClassSecret)), false},

		// Acting on others' behalf, running a session.
		{"act for oneself", fixed(ecabinet.MayActFor(member, member.MemberID)), true},
		{"act for another member", fixed(ecabinet.MayActFor(chair, 11)), false},
		{"act for another: secretariat (paper answer, deputy's vote)", fixed(ecabinet.MayActFor(sec, 11)), true},
		{"publish: chair", fixed(ecabinet.MayTransition(chair, ecabinet.ActionPublish)), false},
		{"publish: secretary", fixed(ecabinet.MayTransition(sec, ecabinet.ActionPublish)), true},
		{"start: chair", fixed(ecabinet.MayTransition(chair, ecabinet.ActionStart)), true},
		{"start: member", fixed(ecabinet.MayTransition(member, ecabinet.ActionStart)), false},
		{"edit the agenda: chair", fixed(ecabinet.MayChangeAgenda(chair, true)), false},
		{"edit the agenda: admin", fixed(ecabinet.MayChangeAgenda(admin, true)), true},
		{"move through the agenda: chair", fixed(ecabinet.MayChangeAgenda(chair, false)), true},
		{"move through the agenda: member", fixed(ecabinet.MayChangeAgenda(member, false)), false},

		// Attendance.
		{"attendance: own presence", fixed(ecabinet.MayRecordAttendance(member, member.MemberID, ecabinet.AttendancePresent)), true},
		{"attendance: own absence", fixed(ecabinet.MayRecordAttendance(guest, guest.MemberID, ecabinet.AttendanceAbsent)), true},
		{"attendance: own deputy", fixed(ecabinet.MayRecordAttendance(member, member.MemberID, ecabinet.AttendanceDeputy)), false},
		{"attendance: another's presence", fixed(ecabinet.MayRecordAttendance(member, 11, ecabinet.AttendancePresent)), false},
		{"attendance: chair consents to a deputy", fixed(ecabinet.MayRecordAttendance(chair, 11, ecabinet.AttendanceDeputy)), true},
		{"attendance: chair records another's presence", fixed(ecabinet.MayRecordAttendance(chair, 11, ecabinet.AttendancePresent)), false},
		{"attendance: secretariat, anyone", fixed(ecabinet.MayRecordAttendance(sec, 11, ecabinet.AttendanceAbsent)), true},

		// Task progress.
		{"progress: the lead", func() (bool, error) { return ecabinet.MayReportProgress(member, leads(3, member.MemberID)) }, true},
		{"progress: not the lead", func() (bool, error) { return ecabinet.MayReportProgress(chair, leads(3)) }, false},
		{"progress: the secretariat", func() (bool, error) { return ecabinet.MayReportProgress(sec, notAsked) }, true},

		// Events.
		{"event: public", fixed(ecabinet.Public.VisibleTo(guest)), true},
		{"event: above clearance", fixed(ecabinet.Visibility{MinClearance: ecabinet.ClassSecret}.VisibleTo(admin)), false},
		{"event: at clearance", fixed(ecabinet.Visibility{MinClearance: ecabinet.ClassConfidential}.VisibleTo(member)), true},
		{"event: to the secretariat, member", fixed(ecabinet.Visibility{Audience: ecabinet.AudienceSecretariat}.VisibleTo(member)), false},
		{"event: to the secretariat, admin", fixed(ecabinet.Visibility{Audience: ecabinet.AudienceSecretariat}.VisibleTo(admin)), true},
		{"event: to the presiding, chair", fixed(ecabinet.Visibility{Audience: ecabinet.AudiencePresiding}.VisibleTo(chair)), true},
		{"event: to the presiding, guest", fixed(ecabinet.Visibility{Audience: ecabinet.AudiencePresiding}.VisibleTo(guest)), false},
		{"event: to the member", fixed(ecabinet.Visibility{Audience: ecabinet.AudienceMember(10)}.VisibleTo(member)), true},
		{"event: to another member", fixed(ecabinet.Visibility{Audience: ecabinet.AudienceMember(11)}.VisibleTo(member)), false},
		{"event: to recipients, one of them", fixed(ecabinet.Visibility{Recipients: []int64{10}}.VisibleTo(member)), true},
		{"event: to recipients, not one of them", fixed(ecabinet.Visibility{Recipients: []int64{11}}.VisibleTo(chair)), false},
		{"event: to recipients, the secretariat", fixed(ecabinet.Visibility{Recipients: []int64{11}}.VisibleTo(sec)), true},
		{"event: unknown audience", fixed(ecabinet.Visibility{Audience: "everyone"}.VisibleTo(admin)), false},
	} {
		got, err := c.got()
		if err != nil || got != c.want {
			t.Errorf("%s: %v, %v; want %v", c.name, got, err, c.want)
		}
	}

	// A failed lookup is an error, not a no.
	if _, err := ecabinet.MaySeeMeeting(member, body, ecabinet.MeetingLive, failing); !errors.Is(err, broken) {
		t.Errorf("meeting, failed invitation lookup: %v", err)
	}
	if _, err := ecabinet.MaySeeBallot(member, body, ecabinet.BallotOpen, failing); !errors.Is(err, broken) {
		t.Errorf("ballot, failed recipient lookup: %v", err)
	}
	// A service called without an actor refuses as unauthenticated; with
	// one its gate does not let through, as forbidden.
	if _, err := ecabinet.Secretariat.Require(context.Background()); ecabinet.ErrorCode(err) != ecabinet.EUNAUTHENTICATED {
		t.Errorf("no actor: %v", err)
	}
	if _, err := ecabinet.Secretariat.Require(ecabinet.NewContextWithActor(context.Background(), chair)); ecabinet.ErrorCode(err) != ecabinet.EFORBIDDEN {
		t.Errorf("chair through the secretariat's gate: %v", err)
	}
	if a, err := ecabinet.Secretariat.Require(ecabinet.NewContextWithActor(context.Background(), sec)); err != nil || a != sec {
		t.Errorf("secretary through the secretariat's gate: %+v, %v", a, err)
	}
}

func gate(g ecabinet.Gate, a ecabinet.Actor) func() (bool, error) {
	return func() (bool, error) { return g.Allows(a.Role), nil }
}

func fixed(ok bool) func() (bool, error) { return func() (bool, error) { return ok, nil } }
