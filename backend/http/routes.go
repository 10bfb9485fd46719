package http

import (
	"strings"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
)

// route is one entry of the route table: what it answers, who may call it,
// and what it takes and returns (for the OpenAPI document).
type route struct {
	method  string
	path    string // Fiber syntax: /api/v1/members/:id
	access  access
	tag     string
	summary string
	in      any     // request body type; nil when none
	out     any     // success response type; nil for 204
	status  int     // success status; 0 means 200
	query   []param // query parameters
	raw     string  // non-JSON success content type, such as text/csv
	rawIn   string  // non-JSON request body content type, such as text/csv
	form    string  // the file field of a multipart/form-data request body
	// enrol: allowed to a sign-in that must first enrol a second factor.
	enrol   bool
	handler fiber.Handler
}

// param is a documented query parameter.
type param struct {
	name, typ, description string
}

// routeTable is every route of the server, in the order of the OpenAPI document.
func (s *Server) routeTable() []route {
	return []route{
		// Operations.
		{method: "GET", path: "/healthz", access: anyone, tag: "ops", summary: "The process is alive", out: statusBody{}, handler: s.healthz},
		{method: "GET", path: "/readyz", access: anyone, tag: "ops", summary: "The database and the bus answer (503 otherwise, and while draining)", out: readyBody{}, handler: s.readyz},
		{method: "GET", path: "/api/openapi.json", access: anyone, tag: "ops", summary: "This OpenAPI document", out: map[string]any{}, handler: s.openapi},

		// Sign-in.
		{method: "POST", path: "/api/v1/auth/login", access: anyone, tag: "auth", summary: "Sign in (with totp or recovery_code when a second factor is on); sets the session cookie", in: ecabinet.LoginInput{}, out: meResponse{}, handler: s.login},
		{method: "POST", path: "/api/v1/auth/logout", access: signedIn, enrol: true, tag: "auth", summary: "Sign out; clears the session cookie", handler: s.logout},
		{method: "GET", path: "/api/v1/me", access: signedIn, enrol: true, tag: "auth", summary: "The signed-in member, their body and the CSRF token", out: meResponse{}, handler: s.me},
		{method: "POST", path: "/api/v1/me/mfa", access: signedIn, enrol: true, tag: "auth", summary: "Start enrolling an authenticator app (TOTP): its secret", out: ecabinet.MFASetup{}, handler: s.setupMFA},
		{method: "POST", path: "/api/v1/me/mfa/enable", access: signedIn, enrol: true, tag: "auth", summary: "Turn the second factor on with a first code; returns recovery codes once", in: codeRequest{}, out: recoveryCodes{}, handler: s.enableMFA},
		{method: "POST", path: "/api/v1/me/mfa/disable", access: signedIn, tag: "auth", summary: "Turn the second factor off with a current code", in: codeRequest{}, handler: s.disableMFA},

		// Real time (backend/hub/PROTOCOL.md).
		{method: "GET", path: "/api/v1/ws", access: socket, tag: "realtime", summary: "WebSocket upgrade: live events with resume (by cookie, or ?ticket=)",
			query: []param{{"ticket", "string", "single-use ticket from POST /api/v1/ws/ticket"}}, raw: "application/json", handler: s.wsUpgrade()},
		{method: "POST", path: "/api/v1/ws/ticket", access: signedIn, tag: "realtime", summary: "A single-use WebSocket ticket valid for 30 seconds", out: ticketResponse{}, status: 201, handler: s.issueTicket},

		// The body and its members.
		{method: "GET", path: "/api/v1/body", access: signedIn, tag: "body", summary: "The caller's body with its rules", out: ecabinet.Body{}, handler: s.getBody},
		{method: "PUT", path: "/api/v1/body/settings", access: adminOnly, tag: "body", summary: "Replace the body's rules", in: ecabinet.BodySettings{}, out: ecabinet.Body{}, handler: s.putBodySettings},
		{method: "GET", path: "/api/v1/members", access: signedIn, tag: "members", summary: "Members of the caller's body", out: []*ecabinet.Member{}, handler: s.listMembers},
		{method: "POST", path: "/api/v1/members", access: adminOnly, tag: "members", summary: "Add a member, without a password (make them a one-time link)", in: ecabinet.MemberInput{}, out: ecabinet.Member{}, status: 201, handler: s.createMember},
		// Before /members/:id, which would take export.csv for an id.
		{method: "POST", path: "/api/v1/members/import", access: adminOnly, tag: "members",
			summary: "Import members from CSV (" + strings.Join(ecabinet.MembersCSVHeader, ",") + "): a dry run by default; dry_run=false writes, only when every line is valid",
			query:   []param{{"dry_run", "boolean", "true (default): report per line what would be done, write nothing"}, {"create_organizations", "boolean", "add organisations not in the list instead of refusing the line"}},
			rawIn:   "text/csv", out: ecabinet.ImportReport{}, handler: s.importMembers},
		{method: "GET", path: "/api/v1/members/export.csv", access: adminOnly, tag: "members", summary: "Every member as CSV, in the import's format", raw: "text/csv", handler: s.exportMembers},
		{method: "GET", path: "/api/v1/members/:id", access: signedIn, tag: "members", summary: "One member", out: ecabinet.Member{}, handler: s.getMember},
		{method: "PUT", path: "/api/v1/members/:id", access: adminOnly, tag: "members", summary: "Change a member (role, clearance, voting right, active; not the password)", in: ecabinet.MemberInput{}, out: ecabinet.Member{}, handler: s.updateMember},
		{method: "GET", path: "/api/v1/audit", access: adminOnly, tag: "members", summary: "The body's audit log, oldest first, after an entry id",
			query: []param{{"after", "integer", "return entries after this id"}, {"limit", "integer", "at most this many (1 to 1000, default 200)"}}, out: []*ecabinet.AuditEntry{}, handler: s.auditLog},
		{method: "DELETE", path: "/api/v1/members/:id/sessions", access: adminOnly, tag: "members", summary: "End every sign-in of a member", out: endedBody{}, handler: s.endMemberSessions},
		{method: "POST", path: "/api/v1/members/:id/password-link", access: adminOnly, tag: "members",
			summary: "A one-time link for the member to set their own password (earlier links stop working)", out: ecabinet.PasswordLink{}, status: 201, handler: withID(s.issuePasswordLink)},
		{method: "GET", path: "/api/v1/members/:id/login-limit", access: adminOnly, tag: "members", summary: "The member's failed logins against the limit", out: ecabinet.LoginLimit{}, handler: withID(s.loginLimit)},
		{method: "DELETE", path: "/api/v1/members/:id/login-limit", access: adminOnly, tag: "members", summary: "Forget the member's failed logins (unlock)", handler: withID(s.unlockMember)},
		{method: "POST", path: "/api/v1/password-links/inspect", access: anyone, tag: "auth", summary: "Whose password a one-time link sets (404 unknown, 410 used or expired)",
			in: linkRequest{}, out: ecabinet.PasswordLinkInfo{}, handler: s.inspectPasswordLink},
		{method: "POST", path: "/api/v1/password-links/use", access: anyone, tag: "auth", summary: "Set the password with a one-time link, which is then spent",
			in: setPasswordRequest{}, out: passwordSetResponse{}, handler: s.usePasswordLink},

		// Organisations (ministries, provinces) the body keeps as a list.
		{method: "GET", path: "/api/v1/organizations", access: signedIn, tag: "organizations", summary: "The body's organisations, with the members and tasks naming each",
			out: []*ecabinet.Organization{}, handler: s.listOrganizations},
		{method: "POST", path: "/api/v1/organizations", access: adminOnly, tag: "organizations", summary: "Add an organisation (409 when a spelling of it is listed)",
			in: ecabinet.OrganizationInput{}, out: ecabinet.Organization{}, status: 201, handler: s.createOrganization},
		{method: "PUT", path: "/api/v1/organizations/:id", access: adminOnly, tag: "organizations", summary: "Rename an organisation everywhere it is named",
			in: ecabinet.OrganizationInput{}, out: ecabinet.Organization{}, handler: withID(s.renameOrganization)},
		{method: "DELETE", path: "/api/v1/organizations/:id", access: adminOnly, tag: "organizations", summary: "Delete an organisation nobody names", handler: withID(s.deleteOrganization)},

		// Sessions (phiên họp).
		{method: "GET", path: "/api/v1/meetings", access: signedIn, tag: "meetings", summary: "Sessions the caller may see, latest first",
			query: []param{{"status", "string", "draft, published, live, adjourned or closed"}, {"from", "string", "scheduled start at or after (RFC 3339)"}, {"to", "string", "scheduled start before (RFC 3339)"}},
			out:   []*ecabinet.Meeting{}, handler: s.listMeetings},
		{method: "POST", path: "/api/v1/meetings", access: secretariat, tag: "meetings", summary: "Draft a session", in: ecabinet.MeetingInput{}, out: ecabinet.Meeting{}, status: 201, handler: s.createMeeting},
		{method: "GET", path: "/api/v1/meetings/:id", access: signedIn, tag: "meetings", summary: "One session", out: ecabinet.Meeting{}, handler: s.getMeeting},
		{method: "PUT", path: "/api/v1/meetings/:id", access: secretariat, tag: "meetings", summary: "Change a session's details and invitees", in: ecabinet.MeetingInput{}, out: ecabinet.Meeting{}, handler: s.updateMeeting},
		{method: "POST", path: "/api/v1/meetings/:id/transitions", access: presiding, tag: "meetings", summary: "Publish, start, adjourn, resume or close a session", in: transitionRequest{}, out: ecabinet.Meeting{}, handler: s.transitionMeeting},
		{method: "GET", path: "/api/v1/meetings/:id/state", access: signedIn, tag: "meetings", summary: "Everything the caller's tablet shows of a session, with its event position", out: ecabinet.MeetingState{}, handler: s.meetingState},

		// Agenda.
		{method: "GET", path: "/api/v1/meetings/:id/agenda", access: signedIn, tag: "agenda", summary: "The ordered agenda", out: []*ecabinet.AgendaItem{}, handler: withID(s.getAgenda)},
		{method: "POST", path: "/api/v1/meetings/:id/agenda", access: secretariat, tag: "agenda", summary: "Insert an agenda item", in: ecabinet.AgendaItemInput{}, out: []*ecabinet.AgendaItem{}, status: 201, handler: withID(s.addAgendaItem)},
		{method: "PUT", path: "/api/v1/meetings/:id/agenda", access: secretariat, tag: "agenda", summary: "Reorder the agenda", in: reorderRequest{}, out: []*ecabinet.AgendaItem{}, handler: withID(s.reorderAgenda)},
		{method: "POST", path: "/api/v1/meetings/:id/agenda/next", access: presiding, tag: "agenda", summary: "Move to the next pending item", out: []*ecabinet.AgendaItem{}, handler: withID(s.nextAgendaItem)},
		{method: "PUT", path: "/api/v1/meetings/:id/agenda/:item", access: secretariat, tag: "agenda", summary: "Edit an agenda item", in: ecabinet.AgendaItemInput{}, out: []*ecabinet.AgendaItem{}, handler: withItem(s.updateAgendaItem)},
		{method: "POST", path: "/api/v1/meetings/:id/agenda/:item/defer", access: presiding, tag: "agenda", summary: "Defer a pending item", out: []*ecabinet.AgendaItem{}, handler: withItem(s.deferAgendaItem)},
		{method: "POST", path: "/api/v1/meetings/:id/agenda/:item/activate", access: presiding, tag: "agenda", summary: "Make an item the active one", out: []*ecabinet.AgendaItem{}, handler: withItem(s.activateAgendaItem)},

		// Attendance and quorum.
		{method: "GET", path: "/api/v1/meetings/:id/attendance", access: signedIn, tag: "attendance", summary: "Attendance of every invitee and the live quorum", out: attendanceResponse{}, handler: withID(s.getAttendance)},
		{method: "POST", path: "/api/v1/meetings/:id/attendance/check-in", access: signedIn, tag: "attendance", summary: "Check in (the caller is present)", out: attendanceOne{}, handler: withID(s.checkIn)},
		{method: "POST", path: "/api/v1/meetings/:id/attendance/batch", access: secretariat, tag: "attendance", summary: "Record several invitees present, or absent with one reason, at once (all or nothing, one event)", in: ecabinet.AttendanceBatchInput{}, out: attendanceResponse{}, handler: withID(s.setAttendanceBatch)},
		{method: "PUT", path: "/api/v1/meetings/:id/attendance/:member", access: signedIn, tag: "attendance", summary: "Record presence, absence (with reason) or a deputy", in: ecabinet.AttendanceInput{}, out: attendanceOne{}, handler: withID(s.setAttendance)},

		// Speaking queue.
		{method: "GET", path: "/api/v1/meetings/:id/agenda/:item/speakers", access: signedIn, tag: "speakers", summary: "The speaking queue of an item", out: []*ecabinet.Speaker{}, handler: withItem(s.getSpeakers)},
		{method: "POST", path: "/api/v1/meetings/:id/agenda/:item/speakers", access: participants, tag: "speakers", summary: "Ask for the floor", out: []*ecabinet.Speaker{}, status: 201, handler: withItem(s.requestFloor)},
		{method: "DELETE", path: "/api/v1/meetings/:id/agenda/:item/speakers/me", access: participants, tag: "speakers", summary: "Withdraw the caller's request", out: []*ecabinet.Speaker{}, handler: withItem(s.withdrawFloor)},
		{method: "POST", path: "/api/v1/meetings/:id/agenda/:item/speakers/:speaker/give", access: presiding, tag: "speakers", summary: "Give the floor", out: []*ecabinet.Speaker{}, handler: withItem(s.speakerAction(true))},
		{method: "POST", path: "/api/v1/meetings/:id/agenda/:item/speakers/:speaker/end", access: presiding, tag: "speakers", summary: "End a turn", out: []*ecabinet.Speaker{}, handler: withItem(s.speakerAction(false))},

		// Votes in session (biểu quyết). Casting accepts an Idempotency-Key header.
		{method: "GET", path: "/api/v1/meetings/:id/votes", access: signedIn, tag: "votes", summary: "A session's votes (results once closed)", out: []*ecabinet.Vote{}, handler: withID(s.listVotes)},
		{method: "POST", path: "/api/v1/meetings/:id/votes", access: presiding, tag: "votes", summary: "Open a vote on an agenda item", in: ecabinet.VoteInput{}, out: ecabinet.Vote{}, status: 201, handler: withID(s.openVote)},
		{method: "GET", path: "/api/v1/votes/:id", access: signedIn, tag: "votes", summary: "One vote", out: ecabinet.Vote{}, handler: withID(s.getVote)},
		{method: "GET", path: "/api/v1/votes/:id/turnout", access: presiding, tag: "votes", summary: "Who may vote, who has voted and who has not, by member (never a choice; the chair and the secretariat)", out: ecabinet.VoteTurnout{}, handler: withID(s.voteTurnout)},
		{method: "POST", path: "/api/v1/votes/:id/cast", access: participants, tag: "votes", summary: "Cast the caller's vote (Idempotency-Key)", in: castRequest{}, out: ecabinet.Vote{}, handler: withID(s.castVote)},
		{method: "POST", path: "/api/v1/votes/:id/cast/:member", access: secretariat, tag: "votes", summary: "Record a voting deputy's vote for the absent member", in: castRequest{}, out: ecabinet.Vote{}, handler: withID(s.castForDeputy)},
		{method: "POST", path: "/api/v1/votes/:id/close", access: presiding, tag: "votes", summary: "Close a vote and compute its result", out: ecabinet.Vote{}, handler: withID(s.closeVote)},

		// Written ballots (phiếu lấy ý kiến). Answers accept an Idempotency-Key header.
		{method: "GET", path: "/api/v1/ballots", access: signedIn, tag: "ballots", summary: "Ballots the caller may see, newest first", out: []*ecabinet.Ballot{}, handler: s.listBallots},
		{method: "POST", path: "/api/v1/ballots", access: secretariat, tag: "ballots", summary: "Draft a ballot", in: ecabinet.BallotInput{}, out: ecabinet.Ballot{}, status: 201, handler: s.createBallot},
		{method: "GET", path: "/api/v1/ballots/:id", access: signedIn, tag: "ballots", summary: "One ballot with the caller's answers", out: ecabinet.Ballot{}, handler: withID(s.getBallot)},
		{method: "PUT", path: "/api/v1/ballots/:id", access: secretariat, tag: "ballots", summary: "Edit a draft ballot", in: ecabinet.BallotInput{}, out: ecabinet.Ballot{}, handler: withID(s.updateBallot)},
		{method: "POST", path: "/api/v1/ballots/:id/open", access: secretariat, tag: "ballots", summary: "Send a ballot to its recipients", out: ecabinet.Ballot{}, handler: withID(s.openBallot)},
		{method: "POST", path: "/api/v1/ballots/:id/close", access: secretariat, tag: "ballots", summary: "Close a ballot early once everyone has answered", out: ecabinet.Ballot{}, handler: withID(s.closeBallot)},
		{method: "POST", path: "/api/v1/ballots/:id/answers", access: participants, tag: "ballots", summary: "Answer (Idempotency-Key; optionally signed with a device key)", in: ecabinet.AnswerInput{}, out: ecabinet.AnswerReceipt{}, handler: withID(s.answerBallot)},
		{method: "POST", path: "/api/v1/ballots/:id/answers/:member", access: secretariat, tag: "ballots", summary: "Record a member's paper answer, with the reason", in: ecabinet.AnswerInput{}, out: ecabinet.AnswerReceipt{}, handler: withID(s.paperAnswer)},
		{method: "GET", path: "/api/v1/ballots/:id/result", access: signedIn, tag: "ballots", summary: "Result per question, computed from the stored answers", out: ecabinet.BallotResult{}, handler: withID(s.ballotResult)},
		{method: "GET", path: "/api/v1/ballots/:id/report", access: secretariat, tag: "ballots", summary: "Every recipient's answer to every question (the data of the reports)", out: ecabinet.BallotReport{}, handler: withID(s.ballotReport)},
		{method: "GET", path: "/api/v1/ballots/:id/report.csv", access: secretariat, tag: "ballots", summary: "Every answer as CSV (UTF-8)", raw: "text/csv", handler: withID(s.ballotCSV)},
		{method: "GET", path: "/api/v1/ballots/:id/report.pdf", access: secretariat, tag: "ballots", summary: "The report (Báo cáo tổng hợp ý kiến) as PDF, reproducible from the stored data", raw: "application/pdf", handler: withID(s.ballotPDF)},
		{method: "GET", path: "/api/v1/ballots/:id/documents", access: signedIn, tag: "ballots", summary: "Documents of a ballot the caller is cleared for (recipients once it is open)",
			out: []*ecabinet.Document{}, handler: withID(s.listBallotDocuments)},
		{method: "POST", path: "/api/v1/ballots/:id/documents", access: secretariat, tag: "ballots",
			summary: "Attach a document to a draft ballot (409 conflict once sent); upload its PDF with POST /api/v1/documents/{id}/versions",
			in:      ecabinet.DocumentInput{}, out: ecabinet.Document{}, status: 201, handler: withID(s.createBallotDocument)},
		{method: "POST", path: "/api/v1/ballots/:id/remind", access: secretariat, tag: "ballots", summary: "Remind the recipients who have not answered", out: remindedBody{}, handler: withID(s.remindBallot)},

		// Signing devices and notifications.
		{method: "GET", path: "/api/v1/devices", access: signedIn, tag: "devices", summary: "The caller's signing devices", out: []*ecabinet.Device{}, handler: s.listDevices},
		{method: "POST", path: "/api/v1/devices", access: signedIn, tag: "devices", summary: "Register a device's public key (Ed25519 or ECDSA P-256, SPKI base64)", in: ecabinet.DeviceInput{}, out: ecabinet.Device{}, status: 201, handler: s.registerDevice},
		{method: "DELETE", path: "/api/v1/devices/:id", access: signedIn, tag: "devices", summary: "Revoke a device key", handler: withID(s.revokeDevice)},
		{method: "GET", path: "/api/v1/notifications", access: signedIn, tag: "notifications", summary: "The caller's latest notifications", out: []*ecabinet.Notification{}, handler: s.listNotifications},
		// Documents (tài liệu) of a session.
		{method: "GET", path: "/api/v1/meetings/:id/documents", access: signedIn, tag: "documents", summary: "Documents of a session the caller is cleared for",
			out: []*ecabinet.Document{}, handler: withID(s.listDocuments)},
		{method: "POST", path: "/api/v1/meetings/:id/documents", access: secretariat, tag: "documents",
			summary: "Add a document; above the body's electronic limit it is a paper-only placeholder (paper_pages required)",
			in:      ecabinet.DocumentInput{}, out: ecabinet.Document{}, status: 201, handler: withID(s.createDocument)},
		{method: "GET", path: "/api/v1/meetings/:id/unread", access: secretariat, tag: "documents", summary: "Per invitee, the current versions not yet opened",
			out: []ecabinet.Unread{}, handler: withID(s.unread)},
		{method: "GET", path: "/api/v1/documents/:id", access: signedIn, tag: "documents", summary: "One document with its current version",
			out: ecabinet.Document{}, handler: withID(s.getDocument)},
		{method: "POST", path: "/api/v1/documents/:id/versions", access: secretariat, tag: "documents",
			summary: "Upload a new version (a PDF, multipart field file, within ECABINET_UPLOAD_LIMIT); 413 too_large, 422 unprocessable, 409 conflict (closed session or ballot; an open ballot takes replacements only)",
			form:    uploadField, out: ecabinet.Document{}, status: 201, handler: withID(s.uploadVersion)},
		{method: "GET", path: "/api/v1/documents/:id/versions", access: signedIn, tag: "documents", summary: "Every version, newest first",
			out: []*ecabinet.DocumentVersion{}, handler: withID(s.listVersions)},
		{method: "GET", path: "/api/v1/documents/:id/versions/:version/content", access: signedIn, tag: "documents",
			summary: "The version's PDF stamped with the caller's name and time (range requests; never cached); records the first opening",
			raw:     "application/pdf", handler: withID(s.documentContent)},
		{method: "GET", path: "/api/v1/documents/:id/copies", access: secretariat, tag: "documents", summary: "Numbered paper copies of a placeholder, out and returned",
			out: []*ecabinet.PaperCopy{}, handler: withID(s.listCopies)},
		{method: "POST", path: "/api/v1/documents/:id/copies", access: secretariat, tag: "documents", summary: "Hand a numbered paper copy to a cleared member",
			in: ecabinet.PaperCopyInput{}, out: ecabinet.PaperCopy{}, status: 201, handler: withID(s.handOutCopy)},
		{method: "POST", path: "/api/v1/documents/:id/copies/:copy/return", access: secretariat, tag: "documents", summary: "Record a paper copy handed back",
			out: ecabinet.PaperCopy{}, handler: withID(s.returnCopy)},
		{method: "GET", path: "/api/v1/documents/:id/notes", access: signedIn, tag: "documents", summary: "The caller's private notes on the current pages",
			out: []*ecabinet.Note{}, handler: withID(s.listNotes)},
		{method: "PUT", path: "/api/v1/documents/:id/notes/:page", access: signedIn, tag: "documents", summary: "Write the caller's note on a page (blank text deletes it)",
			in: noteRequest{}, out: ecabinet.Note{}, handler: withID(s.putNote)},

		{method: "GET", path: "/api/v1/documents/:id/versions/:version/original", access: signedIn, tag: "signing",
			summary: "The version's PDF exactly as stored (the signed original, not the stamped reading copy), as a download; audited",
			raw:     "application/pdf", handler: withID(s.documentOriginal)},

		// Digital signatures (ký số): certificates and trusted CAs (admin), issued documents and their signing.
		{method: "GET", path: "/api/v1/signing/certificates", access: adminOnly, tag: "signing", summary: "The body's signing certificates (never their keys)",
			out: []*ecabinet.SigningCertificate{}, handler: s.listCertificates},
		{method: "POST", path: "/api/v1/signing/certificates", access: adminOnly, tag: "signing",
			summary: "Import a signer's PKCS#12 file (base64) with its password for a member with a signing role, replacing theirs; 422 with the reason when it cannot sign",
			in:      certificateRequest{}, out: ecabinet.SigningCertificate{}, status: 201, handler: s.importCertificate},
		{method: "DELETE", path: "/api/v1/signing/certificates/:id", access: adminOnly, tag: "signing", summary: "Remove a signing certificate and its key", handler: withID(s.deleteCertificate)},
		{method: "GET", path: "/api/v1/signing/cas", access: adminOnly, tag: "signing", summary: "The CAs the body trusts", out: []*ecabinet.TrustedCA{}, handler: s.listTrustedCAs},
		{method: "POST", path: "/api/v1/signing/cas", access: adminOnly, tag: "signing", summary: "Trust CA certificates (a PEM or DER file, base64); every stored signature is checked again",
			in: caRequest{}, out: []*ecabinet.TrustedCA{}, status: 201, handler: s.addTrustedCAs},
		{method: "DELETE", path: "/api/v1/signing/cas/:id", access: adminOnly, tag: "signing", summary: "Stop trusting a CA; every stored signature is checked again", handler: withID(s.deleteTrustedCA)},
		{method: "GET", path: "/api/v1/meetings/:id/issued/:kind", access: signedIn, tag: "signing",
			summary: "A session's issued document (kind conclusion or minutes): its signed document, who signs it and who has",
			out:     ecabinet.IssuedDocument{}, handler: withID(s.getIssued(meetingKinds))},
		{method: "POST", path: "/api/v1/meetings/:id/issued/:kind", access: signers, tag: "signing", summary: signSummary,
			in: ecabinet.Confirmation{}, out: ecabinet.IssuedDocument{}, handler: withID(s.signIssued(meetingKinds))},
		{method: "GET", path: "/api/v1/ballots/:id/issued/:kind", access: signedIn, tag: "signing",
			summary: "A ballot's issued document (kind ballot_report): its signed document, who signs it and who has",
			out:     ecabinet.IssuedDocument{}, handler: withID(s.getIssued(ballotKinds))},
		{method: "POST", path: "/api/v1/ballots/:id/issued/:kind", access: signers, tag: "signing", summary: signSummary,
			in: ecabinet.Confirmation{}, out: ecabinet.IssuedDocument{}, handler: withID(s.signIssued(ballotKinds))},

		// Savings ledger: paper and time, computed from stored facts, every figure explained (the secretariat and the chair).
		{method: "GET", path: "/api/v1/ledger", access: presiding, tag: "ledger", summary: "The body's paper and time ledger, per month or year",
			query: append([]param{{"group", "string", "month (default) or year"}, {"explain", "boolean", "true adds every session and ballot with its lines"}}, periodQuery...),
			out:   ecabinet.LedgerReport{}, handler: s.getLedger},
		{method: "GET", path: "/api/v1/ledger/report.csv", access: presiding, tag: "ledger", summary: "Every line of the paper ledger as CSV (UTF-8)",
			query: append([]param{{"group", "string", "month (default) or year"}}, periodQuery...), raw: "text/csv", handler: s.ledgerLinesCSV()},
		{method: "GET", path: "/api/v1/ledger/time.csv", access: presiding, tag: "ledger", summary: "Planned and actual minutes of every agenda item as CSV (UTF-8)",
			query: append([]param{{"group", "string", "month (default) or year"}}, periodQuery...), raw: "text/csv", handler: s.ledgerTimeCSV()},
		{method: "GET", path: "/api/v1/ledger/meetings/:id", access: presiding, tag: "ledger", summary: "A session's paper and time ledger with every line",
			out: ecabinet.MeetingLedger{}, handler: withID(s.getMeetingLedger)},
		{method: "GET", path: "/api/v1/ledger/ballots/:id", access: presiding, tag: "ledger", summary: "A ballot's paper ledger",
			out: ecabinet.BallotLedger{}, handler: withID(s.getBallotLedger)},

		// Conclusion notices (thông báo kết luận).
		{method: "GET", path: "/api/v1/conclusions", access: signedIn, tag: "conclusions", summary: "Conclusion notices the caller may see, newest session first",
			out: []*ecabinet.Conclusion{}, handler: s.listConclusions},
		{method: "GET", path: "/api/v1/conclusions.csv", access: signedIn, tag: "conclusions", summary: "The same notices as CSV (UTF-8), a row per concluded agenda item",
			raw: "text/csv", handler: s.conclusionsCSV},
		{method: "GET", path: "/api/v1/meetings/:id/conclusion", access: signedIn, tag: "conclusions", summary: "A session's conclusion notice (invitees once published)",
			out: ecabinet.Conclusion{}, handler: withID(s.getConclusion)},
		{method: "PUT", path: "/api/v1/meetings/:id/conclusion", access: secretariat, tag: "conclusions", summary: "Draft or redraft the notice of a closed session",
			in: ecabinet.ConclusionInput{}, out: ecabinet.Conclusion{}, handler: withID(s.putConclusion)},
		{method: "DELETE", path: "/api/v1/meetings/:id/conclusion", access: secretariat, tag: "conclusions", summary: "Delete a draft notice",
			handler: withID(s.deleteConclusion)},
		{method: "POST", path: "/api/v1/meetings/:id/conclusion/publish", access: secretariat, tag: "conclusions", summary: "Publish the notice to the session's invitees",
			out: ecabinet.Conclusion{}, handler: withID(s.publishConclusion)},

		// Positions before a session and the consent block.
		{method: "GET", path: "/api/v1/meetings/:id/positions", access: signedIn, tag: "positions",
			summary: "Positions on the items open for them: counts; names to the chair and the secretariat (and members where the body shows them); who has not given one",
			out:     ecabinet.PositionsView{}, handler: withID(s.getPositions)},
		{method: "PUT", path: "/api/v1/meetings/:id/positions", access: secretariat, tag: "positions",
			summary: "Open items for positions and set the cut-off (default the evening before); tells the voting invitees of a published session",
			in:      ecabinet.PositionsSettings{}, out: ecabinet.PositionsView{}, handler: withID(s.askPositions)},
		{method: "PUT", path: "/api/v1/meetings/:id/agenda/:item/position", access: participants, tag: "positions",
			summary: "Give or change the caller's position (no_objection, wish_to_speak, object with a reason); 409 deadline_passed after the cut-off, 403 not a voting invitee",
			in:      ecabinet.PositionInput{}, out: ecabinet.MemberPosition{}, handler: withItem(s.givePosition)},
		{method: "POST", path: "/api/v1/meetings/:id/positions/remind", access: secretariat, tag: "positions",
			summary: "Remind the voting invitees who have not given a position on every open item", out: remindedBody{}, handler: withID(s.remindPositions)},
		{method: "POST", path: "/api/v1/meetings/:id/positions/close", access: secretariat, tag: "positions",
			summary: "Apply the cut-off now: form the consent block and queue those who asked to speak", out: ecabinet.PositionsView{}, handler: withID(s.closePositions)},
		{method: "POST", path: "/api/v1/meetings/:id/agenda/:item/pull", access: signedIn, tag: "positions",
			summary: "Pull an item out of the consent block to discussion (409 once the block is taken)", out: []*ecabinet.AgendaItem{}, handler: withItem(s.pullItem)},
		{method: "POST", path: "/api/v1/meetings/:id/consent", access: presiding, tag: "positions",
			summary: "Take the consent block with one decision (vote_id of the adopted vote where the body decides it by vote)",
			in:      ecabinet.TakeConsentInput{}, out: []*ecabinet.AgendaItem{}, handler: withID(s.takeConsent)},

		// Minutes (biên bản) of a closed session.
		{method: "GET", path: "/api/v1/meetings/:id/minutes", access: signedIn, tag: "minutes", summary: "The latest version of the minutes the caller may read (invitees once published)",
			out: ecabinet.Minutes{}, handler: withID(s.getMinutes)},
		{method: "PUT", path: "/api/v1/meetings/:id/minutes", access: secretariat, tag: "minutes", summary: "Edit the draft; on published minutes, start a correction (a new version)",
			in: ecabinet.MinutesInput{}, out: ecabinet.Minutes{}, handler: withID(s.putMinutes)},
		{method: "POST", path: "/api/v1/meetings/:id/minutes/publish", access: secretariat, tag: "minutes", summary: "Publish the draft to the invitees; it is final",
			out: ecabinet.Minutes{}, handler: withID(s.publishMinutes)},
		{method: "GET", path: "/api/v1/meetings/:id/minutes/versions", access: signedIn, tag: "minutes", summary: "Every version the caller may read, newest first",
			out: []*ecabinet.Minutes{}, handler: withID(s.minutesVersions)},
		{method: "GET", path: "/api/v1/meetings/:id/minutes.pdf", access: signedIn, tag: "minutes", summary: "The minutes as PDF in the official layout, the same bytes from the same data",
			query: []param{{"version", "integer", "a version (default: the latest the caller may read)"}}, raw: "application/pdf", handler: withID(s.minutesPDF)},

		// Web Push to tablets.
		{method: "GET", path: "/api/v1/push/key", access: signedIn, tag: "push", summary: "The server's VAPID application server key", out: vapidKeyBody{}, handler: s.vapidKey},
		{method: "POST", path: "/api/v1/push/subscriptions", access: signedIn, tag: "push", summary: "Subscribe this tablet to push notices, in a language (vi or en)",
			in: ecabinet.PushSubscriptionInput{}, handler: s.pushSubscribe},
		{method: "POST", path: "/api/v1/push/subscriptions/delete", access: signedIn, tag: "push", summary: "Unsubscribe this tablet",
			in: unsubscribeRequest{}, handler: s.pushUnsubscribe},

		// Assigned tasks (nhiệm vụ giao) and their follow-up.
		{method: "GET", path: "/api/v1/tasks", access: signedIn, tag: "tasks", summary: "Tasks the caller may see, by deadline",
			query: taskQuery, out: []*ecabinet.Task{}, handler: s.listTasks},
		{method: "POST", path: "/api/v1/tasks", access: secretariat, tag: "tasks", summary: "Assign a task from a published conclusion or a closed ballot",
			in: ecabinet.TaskInput{}, out: ecabinet.Task{}, status: 201, handler: s.createTask},
		{method: "GET", path: "/api/v1/tasks/stats", access: bodyMembers, tag: "tasks", summary: "Assigned, done (on time, late), in progress, overdue: counts and shares",
			query: statsQuery, out: ecabinet.TaskStatsReport{}, handler: s.taskStats},
		{method: "GET", path: "/api/v1/tasks/stats.csv", access: bodyMembers, tag: "tasks", summary: "The statistics as CSV (UTF-8)",
			query: statsQuery, raw: "text/csv", handler: s.taskStatsCSV},
		{method: "GET", path: "/api/v1/tasks/report.csv", access: secretariat, tag: "tasks", summary: "Every matching task with its status as CSV (UTF-8)",
			query: taskQuery, raw: "text/csv", handler: s.tasksCSV},
		{method: "GET", path: "/api/v1/tasks/:id", access: signedIn, tag: "tasks", summary: "One task with its progress reports",
			out: ecabinet.Task{}, handler: withID(s.getTask)},
		{method: "PUT", path: "/api/v1/tasks/:id", access: secretariat, tag: "tasks", summary: "Edit a task not done (text, lead, co-operating units, due date)",
			in: ecabinet.TaskInput{}, out: ecabinet.Task{}, handler: withID(s.updateTask)},
		{method: "POST", path: "/api/v1/tasks/:id/reports", access: signedIn, tag: "tasks", summary: "Report progress (the lead, or the secretariat for it); done completes the task",
			in: ecabinet.ProgressInput{}, out: ecabinet.Task{}, status: 201, handler: withID(s.reportTask)},

		// The tablet app: static files, index.html for the app's own paths. Last, as it matches everything.
		{method: "GET", path: "/*", access: anyone, tag: "app", summary: "The tablet web app", raw: "text/html", handler: s.webApp()},
	}
}

// RouteInfo describes a route and who may call it (the authorization matrix
// test walks them).
type RouteInfo struct {
	Method, Path string
	Public       bool
	Roles        []ecabinet.Role
}

// Routes lists every route of the table.
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, r := range s.routes {
		out[i] = RouteInfo{Method: r.method, Path: r.path, Public: r.access.public, Roles: r.access.roles}
	}
	return out
}
