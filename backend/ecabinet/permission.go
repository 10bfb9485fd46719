package ecabinet

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// Who may see and do what. Each rule is written once, here, as a function
// of the actor and of what the store read, and used where it applies:
//
//   - Gates (sets of roles) guard actions: the HTTP route table puts one on
//     every route (http/routes.go, http/access.go), and a service called
//     without the route (a command, the demo, a test) checks the same gate
//     with Gate.Require (store).
//   - Object rules (MaySeeMeeting, MaySeeBallot, …) decide what an actor may
//     see of what exists: the store's loaders apply them to the row they
//     read (loadMeeting, loadBallot, loadDocument, loadConclusion), the
//     ballot answer batcher to every request it writes, and the hub to
//     every subscription (through store.Scopes, which loads the meeting).
//     Whoever may not see an object is told it does not exist (not_found).
//   - Visibility.VisibleTo decides which events a subscriber receives; the
//     hub applies it to every event before sending it.
//
// The list queries of the store (listMeetings, listBallots, visibleTasks,
// listConclusions) select in SQL the same sets as these rules.

// A Gate is the set of roles allowed an action.
type Gate []Role

// The gates.
var (
	// SignedIn: every role.
	SignedIn = Gate(Roles)
	// Secretariat: who prepares sessions, ballots and reports, and sees
	// everything of their body (at or below their clearance).
	Secretariat = Gate{RoleAdmin, RoleSecretary}
	// Presiding: who runs a live meeting (the chair and the secretariat),
	// and reads the savings ledger.
	Presiding = Gate{RoleAdmin, RoleSecretary, RoleChair}
	// Admins: who manages the body's accounts, organisations and rules.
	Admins = Gate{RoleAdmin}
	// Participants: who takes part in a session or ballot in person (asks
	// for the floor, votes, answers); the secretariat runs them instead.
	Participants = Gate{RoleChair, RoleMember, RoleGuest}
	// BodyMembers: everyone but guests (task statistics).
	BodyMembers = Gate{RoleAdmin, RoleSecretary, RoleChair, RoleMember}
	// Signers: the roles that may hold a signing certificate.
	Signers = Gate{RoleChair, RoleSecretary}
)

// Allows reports whether the gate lets role through.
func (g Gate) Allows(role Role) bool { return slices.Contains(g, role) }

// Require returns the actor in ctx when the gate lets their role through.
// Errors: unauthenticated (no actor), forbidden.
func (g Gate) Require(ctx context.Context) (Actor, error) {
	a, err := MustActor(ctx)
	if err != nil {
		return a, err
	}
	if !g.Allows(a.Role) {
		return a, Errorf(EFORBIDDEN, "forbidden")
	}
	return a, nil
}

// IsSecretariat reports whether the actor prepares and runs sessions.
func (a Actor) IsSecretariat() bool { return Secretariat.Allows(a.Role) }

// Presides reports whether the actor may run a live session (chair or secretariat).
func (a Actor) Presides() bool { return Presiding.Allows(a.Role) }

// MaySeeMeeting reports whether a may see a session of body bodyID in
// status: the secretariat sees every session of its body, others the
// sessions past draft they are invited to. invited is asked only when the
// answer depends on it (it costs the store a query).
func MaySeeMeeting(a Actor, bodyID int64, status MeetingStatus, invited func() (bool, error)) (bool, error) {
	switch {
	case a.BodyID != bodyID:
		return false, nil
	case a.IsSecretariat():
		return true, nil
	case !status.Visible():
		return false, nil
	}
	return invited()
}

// MaySeeBallot reports whether a may see a ballot of body bodyID in
// status: the secretariat sees every ballot of its body, others the
// ballots sent to them (past draft). recipient is asked only when the
// answer depends on it.
func MaySeeBallot(a Actor, bodyID int64, status BallotStatus, recipient func() (bool, error)) (bool, error) {
	switch {
	case a.BodyID != bodyID:
		return false, nil
	case a.IsSecretariat():
		return true, nil
	case status == BallotDraft:
		return false, nil
	}
	return recipient()
}

// MaySeeBallotResult reports whether a may see the result of a ballot
// they may see, in status: the secretariat at any time, others once it is
// closed.
func MaySeeBallotResult(a Actor, status BallotStatus) bool {
	return a.IsSecretariat() || status == BallotClosed
}

// MaySeeConclusion reports whether a may see the conclusion notice, in
// status, of a session they may see: the secretariat drafts too, invitees
// the published notice.
func MaySeeConclusion(a Actor, status ConclusionStatus) bool {
	return a.IsSecretariat() || status == ConclusionPublished
}

// MaySeeDocument reports whether a may see a document classified at level,
// of a session or ballot they may see: nobody sees, or adds, one above
// their clearance.
func MaySeeDocument(a Actor, level Classification) bool { return a.Clearance.Covers(level) }

// MayActFor reports whether a may answer a ballot or cast a vote as member
// memberID: a member for themself, the secretariat for anyone (paper
// answers, a voting deputy's vote).
func MayActFor(a Actor, memberID int64) bool { return memberID == a.MemberID || a.IsSecretariat() }

// MayTransition reports whether a may take action on a session: the
// secretariat publishes, the chair or the secretariat runs it.
func MayTransition(a Actor, action MeetingAction) bool {
	if action == ActionPublish {
		return a.IsSecretariat()
	}
	return a.Presides()
}

// MayChangeAgenda reports whether a may change a session's agenda: the
// secretariat edits it (edit), the chair or the secretariat moves through
// it while running the session.
func MayChangeAgenda(a Actor, edit bool) bool {
	if edit {
		return a.IsSecretariat()
	}
	return a.Presides()
}

// MayRecordAttendance reports whether a may record status for member
// memberID: the secretariat anything, the chair a deputy (the chair
// consents to it), a member their own presence or absence.
func MayRecordAttendance(a Actor, memberID int64, status AttendanceStatus) bool {
	switch {
	case a.IsSecretariat():
		return true
	case a.Role == RoleChair && status == AttendanceDeputy:
		return true
	}
	return memberID == a.MemberID && (status == AttendancePresent || status == AttendanceAbsent)
}

// MayReportProgress reports whether a may report progress on a task they
// may see: its lead (one of the members leads returns), or the secretariat
// for it. leads is asked only when the answer depends on it.
func MayReportProgress(a Actor, leads func() ([]int64, error)) (bool, error) {
	if a.IsSecretariat() {
		return true, nil
	}
	ids, err := leads()
	return slices.Contains(ids, a.MemberID), err
}

// VisibleTo reports whether a may receive an event of this visibility.
func (v Visibility) VisibleTo(a Actor) bool {
	if v.MinClearance != "" && !a.Clearance.Covers(v.MinClearance) {
		return false
	}
	if len(v.Recipients) > 0 && !a.IsSecretariat() && !slices.Contains(v.Recipients, a.MemberID) {
		return false
	}
	switch v.Audience {
	case AudienceAll:
		return true
	case AudienceSecretariat:
		return a.IsSecretariat()
	case AudiencePresiding:
		return a.Presides()
	}
	if id, ok := strings.CutPrefix(v.Audience, "member:"); ok {
		return id == strconv.FormatInt(a.MemberID, 10)
	}
	return false
}
