package ecabinet

import (
	"fmt"
	"strings"
)

// messages is the catalog of human messages, Vietnamese first, then English.
// Keys are referenced by Errorf, FieldError and NotFound; a test checks that
// every key used in the code is present here in both languages.
var messages = map[string][2]string{
	"internal":        {"Đã xảy ra lỗi hệ thống. Vui lòng thử lại sau.", "Something went wrong on our side. Please try again later."},
	"unavailable":     {"Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau ít phút.", "The service is temporarily unavailable. Please try again in a moment."},
	"unauthenticated": {"Vui lòng đăng nhập.", "Please sign in."},
	"forbidden":       {"Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."},
	"route_not_found": {"Không tìm thấy địa chỉ yêu cầu.", "No such address."},
	"method_not_allowed": {"Phương thức không được hỗ trợ cho địa chỉ này.",
		"This method is not allowed for this address."},
	"csrf":             {"Yêu cầu thiếu mã chống giả mạo (CSRF) hợp lệ.", "The request lacks a valid anti-forgery (CSRF) token."},
	"origin":           {"Nguồn gửi yêu cầu không được phép.", "Requests from this origin are not allowed."},
	"bad_credentials":  {"Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password."},
	"login_rate_limit": {"Quá nhiều lần đăng nhập sai. Vui lòng thử lại sau %d giây.", "Too many failed sign-ins. Try again in %d seconds."},
	"session_expired":  {"Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.", "Your sign-in has expired. Please sign in again."},
	"mfa_required":     {"Vui lòng nhập mã xác thực hai lớp.", "Please enter your two-factor code."},
	"mfa_invalid":      {"Mã xác thực hai lớp không đúng.", "The two-factor code is wrong."},

	"json.malformed": {"Dữ liệu gửi lên không phải JSON hợp lệ.", "The request body is not valid JSON."},
	"json.unknown_field": {"Trường %q không được hỗ trợ.",
		"Field %q is not supported."},
	"json.wrong_type":  {"Trường %q sai kiểu dữ liệu.", "Field %q has the wrong type."},
	"json.too_large":   {"Dữ liệu gửi lên quá lớn (tối đa %d byte).", "The request body is too large (at most %d bytes)."},
	"json.empty":       {"Thiếu dữ liệu gửi lên.", "The request body is empty."},
	"json.trailing":    {"Dữ liệu gửi lên có phần thừa sau đối tượng JSON.", "The request body has data after the JSON object."},
	"param.id":         {"Mã định danh %q không hợp lệ.", "The identifier %q is not valid."},
	"query.invalid":    {"Tham số truy vấn %q không hợp lệ.", "The query parameter %q is not valid."},
	"field.required":   {"Trường %q là bắt buộc.", "Field %q is required."},
	"field.too_long":   {"Trường %q dài quá %d ký tự.", "Field %q is longer than %d characters."},
	"field.enum":       {"Giá trị của trường %q không hợp lệ.", "Field %q has a value that is not allowed."},
	"field.range":      {"Giá trị của trường %q nằm ngoài khoảng cho phép.", "Field %q is out of range."},
	"field.time_order": {"Thời gian kết thúc phải sau thời gian bắt đầu.", "The end must be after the start."},
	"field.duplicate":  {"Trường %q có giá trị trùng lặp.", "Field %q has a duplicate value."},
	"password.weak":    {"Mật khẩu phải có ít nhất %d ký tự.", "The password must be at least %d characters long."},

	"not_found.generic":   {"Không tìm thấy dữ liệu yêu cầu.", "Not found."},
	"ws.text_only":        {"Chỉ nhận khung văn bản JSON.", "Only JSON text frames are accepted."},
	"ws.upgrade_required": {"Địa chỉ này chỉ nhận kết nối WebSocket.", "This address only accepts WebSocket connections."},
	"not_found.body":      {"Không tìm thấy cơ quan.", "Body not found."},
	"not_found.member":    {"Không tìm thấy thành viên.", "Member not found."},
	"username.taken":      {"Tên đăng nhập đã được sử dụng.", "This username is already taken."},
	"member.self_demote": {"Không thể tự hạ quyền hoặc tự khóa tài khoản quản trị của chính mình.",
		"You cannot lower your own role or deactivate your own admin account."},
	"not_found.meeting":     {"Không tìm thấy phiên họp.", "Session not found."},
	"not_found.agenda_item": {"Không tìm thấy nội dung họp.", "Agenda item not found."},
	"not_found.speaker":     {"Không tìm thấy lượt đăng ký phát biểu.", "Request to speak not found."},
	"meeting.transition": {"Không thể thực hiện thao tác %q khi phiên họp đang ở trạng thái %q.",
		"Cannot %q a session that is %q."},
	"meeting.closed":           {"Phiên họp đã kết thúc, không thể thay đổi.", "The session is closed and cannot change."},
	"meeting.not_live":         {"Phiên họp không đang diễn ra.", "The session is not in progress."},
	"meeting.invitee_unknown":  {"Có người được mời không phải thành viên đang hoạt động của cơ quan.", "An invitee is not an active member of this body."},
	"meeting.invitee_attended": {"Không thể bỏ mời người đã được ghi nhận tham dự hoặc vắng mặt.", "Cannot uninvite someone whose attendance is recorded."},
	"meeting.override_chair_only": {"Chỉ chủ tọa mới được quyết định họp khi chưa đủ số thành viên.",
		"Only the chair may open a session without quorum."},
	"meeting.no_quorum": {"Chưa đủ số thành viên tham dự theo quy định (có mặt %d, cần %d).",
		"No quorum: %d present, %d required."},
	"agenda.empty":              {"Chương trình họp chưa có nội dung nào chờ xử lý.", "The agenda has no pending item."},
	"agenda.no_next":            {"Không còn nội dung nào tiếp theo.", "There is no next agenda item."},
	"agenda.not_pending":        {"Nội dung này không ở trạng thái chờ.", "This agenda item is not pending."},
	"agenda.reorder_mismatch":   {"Danh sách sắp xếp phải gồm đủ và chỉ các nội dung của phiên họp.", "The new order must list every agenda item exactly once."},
	"attendance.not_invited":    {"Thành viên này không được mời dự phiên họp.", "This member is not invited to the session."},
	"speaker.already_queued":    {"Bạn đã đăng ký phát biểu ở nội dung này.", "You have already asked for the floor on this item."},
	"speaker.not_waiting":       {"Lượt phát biểu này không ở trạng thái chờ.", "This request is not waiting."},
	"speaker.not_speaking":      {"Người này không đang phát biểu.", "This person does not have the floor."},
	"not_found.vote":            {"Không tìm thấy cuộc biểu quyết.", "Vote not found."},
	"not_found.ballot":          {"Không tìm thấy phiếu lấy ý kiến.", "Ballot not found."},
	"not_found.question":        {"Không tìm thấy câu hỏi trong phiếu.", "Question not found on this ballot."},
	"not_found.device":          {"Không tìm thấy thiết bị.", "Device not found."},
	"vote.already_open":         {"Đang có một cuộc biểu quyết chưa kết thúc trong phiên họp.", "Another vote of this session is still open."},
	"vote.closed":               {"Cuộc biểu quyết đã kết thúc.", "This vote is closed."},
	"vote.double":               {"Đồng chí đã biểu quyết.", "You have already voted."},
	"vote.not_entitled":         {"Đồng chí không thuộc danh sách được biểu quyết (phải có mặt và có quyền biểu quyết khi mở biểu quyết).", "You are not entitled to vote: only members present with a voting right when the vote opened may vote."},
	"ballot.not_draft":          {"Chỉ sửa hoặc gửi được phiếu ở trạng thái dự thảo.", "Only a draft ballot can be edited or sent."},
	"ballot.not_open":           {"Phiếu lấy ý kiến không ở trạng thái đang lấy ý kiến.", "The ballot is not open."},
	"ballot.closed":             {"Phiếu lấy ý kiến đã kết thúc.", "The ballot is closed."},
	"ballot.deadline_passed":    {"Đã hết hạn trả lời phiếu lấy ý kiến.", "The deadline for answering has passed."},
	"ballot.deadline_past":      {"Hạn trả lời phải ở sau thời điểm gửi phiếu.", "The deadline must be in the future."},
	"ballot.answers_missing":    {"Còn %d thành viên chưa trả lời đầy đủ; chưa thể kết thúc sớm.", "%d recipients have not answered everything yet; the ballot cannot close early."},
	"ballot.already_answered":   {"Đồng chí đã trả lời và quy định không cho phép sửa ý kiến.", "You have already answered and this body does not allow changes."},
	"ballot.comment_required":   {"Vui lòng nêu ý kiến khi không đồng ý hoặc có ý kiến khác.", "Please give your opinion when you disagree or answer other."},
	"ballot.not_recipient":      {"Đồng chí không thuộc danh sách được xin ý kiến.", "You are not a recipient of this ballot."},
	"ballot.paper_own":          {"Lý do phiếu giấy chỉ dùng khi Văn phòng ghi nhận thay thành viên.", "A paper reason is only for answers recorded on a member's behalf."},
	"ballot.paper_signed":       {"Phiếu giấy ghi nhận thay không kèm chữ ký thiết bị.", "A paper answer recorded on a member's behalf cannot carry a device signature."},
	"ballot.document_not_draft": {"Chỉ thêm được tài liệu vào phiếu lấy ý kiến ở trạng thái dự thảo.", "Documents can only be added to a draft ballot."},
	"ballot.document_replace_only": {"Phiếu đã được gửi: chỉ có thể thay bằng phiên bản mới tài liệu đã có tệp.",
		"The ballot has been sent: only a document that already has a file can get a new version."},
	"ballot.document_without_file": {"Tài liệu %q chưa có tệp PDF; hãy tải tệp lên trước khi gửi phiếu.",
		"The document %q has no PDF yet; upload it before sending the ballot."},
	"ballot.document_item":       {"Tài liệu của phiếu lấy ý kiến không gắn với nội dung phiên họp.", "A ballot's document belongs to no agenda item."},
	"ballot.result_not_yet":      {"Kết quả được công bố khi kết thúc lấy ý kiến.", "Results are available once the ballot is closed."},
	"signature.invalid":          {"Chữ ký số của thiết bị không hợp lệ.", "The device signature does not verify."},
	"signature.bad_key":          {"Khóa công khai không hợp lệ với thuật toán đã chọn.", "The public key is not a valid key of the chosen algorithm."},
	"idempotency.reused":         {"Khóa Idempotency-Key đã được dùng cho một yêu cầu khác.", "This Idempotency-Key was already used for a different request."},
	"mfa.already_enabled":        {"Xác thực hai lớp đã được bật.", "Two-factor sign-in is already on."},
	"mfa.no_setup":               {"Chưa khởi tạo xác thực hai lớp; hãy bắt đầu lại.", "Two-factor sign-in has not been set up; start again."},
	"mfa.not_enabled":            {"Xác thực hai lớp chưa được bật.", "Two-factor sign-in is not on."},
	"mfa.required_by_body":       {"Quy định của cơ quan yêu cầu tài khoản này dùng xác thực hai lớp.", "This body requires two-factor sign-in for this account."},
	"mfa.enrolment_required":     {"Vui lòng thiết lập xác thực hai lớp trước khi tiếp tục.", "Please set up two-factor sign-in before going on."},
	"conflict.duplicate":         {"Dữ liệu đã tồn tại.", "This already exists."},
	"not_found.document":         {"Không tìm thấy tài liệu.", "Document not found."},
	"not_found.document_version": {"Không tìm thấy phiên bản tài liệu.", "Document version not found."},
	"not_found.paper_copy":       {"Không tìm thấy bản giấy.", "Paper copy not found."},
	"document.above_clearance": {"Không thể tạo tài liệu có độ mật cao hơn mức bạn được tiếp cận.",
		"You cannot create a document classified above your own clearance."},
	"document.paper_pages_required": {"Tài liệu mật chỉ phát hành bản giấy: cần ghi số trang của bản gốc.",
		"This classified document is distributed on paper only: give the number of pages of its original."},
	"document.paper_only": {"Tài liệu mật này chỉ phát hành bản giấy, không có tệp điện tử.",
		"This classified document is distributed on paper only; it has no electronic file."},
	"document.file_required": {"Thiếu tệp tài liệu (trường %q).", "The document file (field %q) is missing."},
	"document.multipart":     {"Tệp phải được gửi dạng multipart/form-data.", "The file must be sent as multipart/form-data."},
	"document.too_large":     {"Tệp quá lớn (tối đa %s).", "The file is too large (at most %s)."},
	"document.empty":         {"Tệp rỗng, không có nội dung.", "The file is empty."},
	"document.not_pdf":       {"Tệp không phải tài liệu PDF.", "The file is not a PDF document."},
	"document.encrypted": {"Tệp PDF được đặt mật khẩu; hãy tải lên bản không mã hóa.",
		"The PDF is password-protected; upload an unencrypted copy."},
	"document.corrupt": {"Tệp PDF bị hỏng hoặc không đầy đủ (có thể do tải lên bị gián đoạn).",
		"The PDF is damaged or incomplete (perhaps an interrupted transfer)."},
	"document.too_many_pages": {"Tài liệu có %d trang, vượt giới hạn %d trang một tài liệu của cơ quan.",
		"The document has %d pages, more than this body's limit of %d pages per document."},
	"document.stream_too_large": {"Tệp có một luồng dữ liệu giải nén ra hơn %s, vượt giới hạn mỗi luồng của cơ quan.",
		"A stream in the file decompresses to more than %s, this body's limit per stream."},
	"document.decoded_too_large": {"Nội dung tệp giải nén ra hơn %s, vượt giới hạn một tài liệu của cơ quan.",
		"The file's content decompresses to more than %s, this body's limit per document."},
	"copy.not_placeholder": {"Chỉ tài liệu phát hành bản giấy mới có bản giấy đánh số.",
		"Only paper-only documents have numbered paper copies."},
	"copy.holder_not_cleared": {"Người nhận không được tiếp cận tài liệu ở độ mật này.",
		"The recipient is not cleared for this document's classification."},
	"copy.no_such_number": {"Chưa có bản giấy số %d.", "There is no paper copy no. %d."},
	"copy.out":            {"Bản giấy số %d đang được giữ, chưa trả lại.", "Paper copy no. %d is out and has not been returned."},
	"copy.holder_has_copy": {"Người nhận đang giữ một bản giấy của tài liệu này.",
		"The recipient already holds a paper copy of this document."},
	"copy.returned": {"Bản giấy này đã được trả lại.", "This paper copy has already been returned."},

	// Conclusions and tasks.
	"not_found.conclusion": {"Không tìm thấy thông báo kết luận.", "Conclusion notice not found."},
	"not_found.task":       {"Không tìm thấy nhiệm vụ.", "Task not found."},
	"conclusion.meeting_not_closed": {"Chỉ soạn thông báo kết luận sau khi phiên họp kết thúc.",
		"A conclusion notice is drafted once the session is closed."},
	"conclusion.published": {"Thông báo kết luận đã ban hành, không thể sửa hoặc xóa.",
		"The conclusion notice is published and can no longer change."},
	"conclusion.item_unknown": {"Nội dung họp được nêu không thuộc phiên họp này.",
		"An agenda item given is not of this session."},
	"task.one_source": {"Nhiệm vụ phải được giao từ đúng một nguồn: một thông báo kết luận hoặc một phiếu lấy ý kiến.",
		"A task comes from exactly one source: a conclusion notice or a ballot."},
	"task.source_fixed": {"Không thể thay đổi nguồn giao nhiệm vụ.", "The source of a task cannot change."},
	"task.item_needs_conclusion": {"Chỉ nhiệm vụ từ thông báo kết luận mới gắn với nội dung họp.",
		"Only a task from a conclusion notice refers to an agenda item."},
	"task.one_lead": {"Mỗi nhiệm vụ có đúng một đầu mối chủ trì: một cơ quan hoặc một thành viên.",
		"A task has exactly one lead: an organisation or a member."},
	"task.lead_unknown": {"Người chủ trì không phải thành viên đang hoạt động của cơ quan.",
		"The lead is not an active member of this body."},
	"task.item_unknown": {"Nội dung họp không thuộc phiên họp của thông báo kết luận.",
		"The agenda item is not of the conclusion's session."},
	"task.conclusion_not_published": {"Chỉ giao nhiệm vụ từ thông báo kết luận đã ban hành.",
		"Tasks are assigned from a published conclusion notice only."},
	"task.ballot_not_closed": {"Chỉ giao nhiệm vụ từ phiếu lấy ý kiến đã kết thúc.",
		"Tasks are assigned from a closed ballot only."},
	"task.due_past": {"Hạn hoàn thành phải sau thời điểm giao hoặc gia hạn.",
		"The due date must be after the time of assignment or extension."},
	"task.done": {"Nhiệm vụ đã hoàn thành.", "The task is already done."},
	"task.not_lead": {"Chỉ đơn vị, người chủ trì nhiệm vụ hoặc Văn phòng được báo cáo tiến độ.",
		"Only the task's lead (or the secretariat) reports its progress."},
	"conflict.reference": {"Dữ liệu đang được tham chiếu hoặc tham chiếu tới đối tượng không tồn tại.",
		"The data refers to something that does not exist, or is still referred to."},
}

// Translate returns the message for key in lang ("en" for English, Vietnamese
// otherwise), with args substituted. An unknown key yields the generic
// internal message, so a missing translation never leaks a raw key.
func Translate(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		m = messages["internal"]
		args = nil
	}
	s := m[0]
	if strings.HasPrefix(lang, "en") {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// HasMessage reports whether key is in the catalog.
func HasMessage(key string) bool {
	_, ok := messages[key]
	return ok
}
