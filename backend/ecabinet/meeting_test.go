package ecabinet_test

import (
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// The whole lifecycle table: every status × every action.
func TestMeetingTransitions(t *testing.T) {
	const x = "" // refused
	want := map[ecabinet.MeetingStatus]map[ecabinet.MeetingAction]ecabinet.MeetingStatus{
		ecabinet.MeetingDraft:     {ecabinet.ActionPublish: ecabinet.MeetingPublished, ecabinet.ActionStart: x, ecabinet.ActionAdjourn: x, ecabinet.ActionResume: x, ecabinet.ActionClose: x},
		ecabinet.MeetingPublished: {ecabinet.ActionPublish: x, ecabinet.ActionStart: ecabinet.MeetingLive, ecabinet.ActionAdjourn: x, ecabinet.ActionResume: x, ecabinet.ActionClose: ecabinet.MeetingClosed},
		ecabinet.MeetingLive:      {ecabinet.ActionPublish: x, ecabinet.ActionStart: x, ecabinet.ActionAdjourn: ecabinet.MeetingAdjourned, ecabinet.ActionResume: x, ecabinet.ActionClose: ecabinet.MeetingClosed},
		ecabinet.MeetingAdjourned: {ecabinet.ActionPublish: x, ecabinet.ActionStart: x, ecabinet.ActionAdjourn: x, ecabinet.ActionResume: ecabinet.MeetingLive, ecabinet.ActionClose: ecabinet.MeetingClosed},
		ecabinet.MeetingClosed:    {ecabinet.ActionPublish: x, ecabinet.ActionStart: x, ecabinet.ActionAdjourn: x, ecabinet.ActionResume: x, ecabinet.ActionClose: x},
	}
	for _, st := range ecabinet.MeetingStatuses {
		for _, a := range ecabinet.MeetingActions {
			got, err := st.Transition(a)
			exp := want[st][a]
			if exp == x {
				if ecabinet.ErrorCode(err) != ecabinet.ECONFLICT {
					t.Errorf("%s --%s--> accepted (%s), want conflict", st, a, got)
				}
				continue
			}
			if err != nil || got != exp {
				t.Errorf("%s --%s--> %s, %v; want %s", st, a, got, err, exp)
			}
		}
	}
}

func TestQuorum(t *testing.T) {
	gov := ecabinet.DefaultBodySettings()
	half := gov
	half.QuorumNumerator, half.QuorumDenominator = 1, 2
	cases := []struct {
		present, total int
		s              ecabinet.BodySettings
		required       int
		reached        bool
	}{
		{18, 27, gov, 18, true},  // exactly two thirds of 27
		{17, 27, gov, 18, false}, // one short
		{20, 28, gov, 19, true},  // 2/3 of 28 = 18.67 → 19
		{18, 28, gov, 19, false}, //
		{14, 27, half, 14, true}, // a body with a simple-majority quorum
		{0, 0, gov, 0, false},    // no voting members: never a quorum
		{27, 27, gov, 18, true},  //
	}
	for _, c := range cases {
		q := ecabinet.ComputeQuorum(c.present, c.total, c.s)
		if q.Required != c.required || q.Reached != c.reached {
			t.Errorf("%d of %d (%d/%d): required %d reached %v; want %d %v", c.present, c.total,
				c.s.QuorumNumerator, c.s.QuorumDenominator, q.Required, q.Reached, c.required, c.reached)
		}
	}
	deputies := gov
	if ecabinet.CountsForQuorum(ecabinet.AttendanceDeputy, gov) {
		t.Error("a deputy counts for quorum although deputies may not vote")
	}
	deputies.DeputyMayVote = true
	if !ecabinet.CountsForQuorum(ecabinet.AttendanceDeputy, deputies) || ecabinet.CountsForQuorum(ecabinet.AttendanceAbsent, deputies) {
		t.Error("deputy counting is wrong when deputies vote")
	}
}

func TestVisibility(t *testing.T) {
	member := ecabinet.Actor{MemberID: 7, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassConfidential}
	secretary := ecabinet.Actor{MemberID: 2, Role: ecabinet.RoleSecretary, Clearance: ecabinet.ClassNone}
	cases := []struct {
		v                 ecabinet.Visibility
		member, secretary bool
	}{
		{ecabinet.Public, true, true},
		{ecabinet.Visibility{MinClearance: ecabinet.ClassConfidential}, true, false},
		{ecabinet.Visibility{MinClearance: ecabinet.ClassSecret}, false, false},
		{ecabinet.Visibility{Audience: ecabinet.AudienceSecretariat}, false, true},
		{ecabinet.Visibility{Audience: ecabinet.AudiencePresiding}, false, true},
		{ecabinet.Visibility{Audience: ecabinet.AudienceMember(7)}, true, false},
		{ecabinet.Visibility{Audience: ecabinet.AudienceMember(70)}, false, false},
		{ecabinet.Visibility{Recipients: []int64{1, 7}}, true, true},
		{ecabinet.Visibility{Recipients: []int64{1, 8}}, false, true},
		{ecabinet.Visibility{Audience: "bogus"}, false, false},
	}
	for i, c := range cases {
		if got := c.v.VisibleTo(member); got != c.member {
			t.Errorf("case %d: member sees = %v", i, got)
		}
		if got := c.v.VisibleTo(secretary); got != c.secretary {
			t.Errorf("case %d: secretary sees = %v", i, got)
		}
	}
}

func TestScopeParse(t *testing.T) {
	for s, ok := range map[ecabinet.Scope]bool{"meeting:12": true, "body:1": true, "meeting:0": false, "meeting:-1": false,
		"meeting:012": false, "ballot:3": false, "meeting": false, "body:x": false, "": false} {
		_, _, err := s.Parse()
		if (err == nil) != ok {
			t.Errorf("%q: err %v", s, err)
		}
	}
}
