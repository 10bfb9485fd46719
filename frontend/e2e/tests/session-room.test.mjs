import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, assertNoViolations, newSession, ok, openBrowser, screenshot, signIn } from '../browser.mjs';
import { AGENDA, liveMeeting } from '../fixtures.mjs';

// The session room as the secretariat runs it and a member lives it, on
// two tablets: nothing the member must act on is missed on another screen.
let b;
let member;
let secretariat;
let fx;
before(async () => {
	fx = await liveMeeting({ title: 'Phiên họp Chính phủ thường kỳ tháng 12', member: 'member06' });
	b = await openBrowser();
	member = b.page;
	secretariat = (await newSession(b.browser, b.violations)).page;
	await signIn(member, 'member06');
	await signIn(secretariat, 'secretary1');
});
after(async () => b?.close());

const path = () => `/meetings/${fx.meeting.id}`;
const alert = (page, text) => page.getByTestId('room-alert').filter({ hasText: text });

test('a member reading a document votes from the reader and stays on the same page', async () => {
	await member.goto(`/documents/${fx.doc.id}`);
	await member.locator('.page canvas').waitFor();
	await member.getByRole('button', { name: 'Trang sau' }).click();
	await member.getByRole('button', { name: 'Trang sau' }).click();
	await member.getByRole('region', { name: 'Trang 3/4' }).waitFor();

	await ok(await fx.sec('POST', `${path()}/votes`, { item_id: fx.agenda[0].id, question: 'Thông qua Báo cáo tình hình kinh tế - xã hội tháng 11' }));
	const dialog = member.getByRole('dialog', { name: 'Biểu quyết' });
	await dialog.getByText('Thông qua Báo cáo tình hình kinh tế - xã hội tháng 11').waitFor();
	await screenshot(member, 'reader-vote');
	await dialog.getByRole('button', { name: 'Tán thành', exact: true }).click();
	await dialog.waitFor({ state: 'hidden' });

	assert.equal(new URL(member.url()).pathname, `/documents/${fx.doc.id}`, 'still in the reader');
	await member.getByRole('region', { name: 'Trang 3/4' }).waitFor();
	const votes = await ok(await fx.sec('GET', `${path()}/votes`));
	assert.equal(votes[0].cast, 1);
	await ok(await fx.sec('POST', `/votes/${votes[0].id}/close`));
});

test('the floor, the next item and a pause reach the member in the reader', async () => {
	const asked = await ok(await (await apiAs('member06'))('POST', `${path()}/agenda/${fx.agenda[0].id}/speakers`));
	const mine = asked.find((s) => s.member_id === fx.memberId);
	await ok(await fx.sec('POST', `${path()}/agenda/${fx.agenda[0].id}/speakers/${mine.id}/give`));
	await alert(member, 'Bạn được mời phát biểu').waitFor();

	await ok(await fx.sec('POST', `${path()}/agenda/next`));
	await alert(member, `chuyển sang nội dung: ${AGENDA[1]}`).waitFor();

	await ok(await fx.sec('POST', `${path()}/transitions`, { action: 'adjourn' }));
	await alert(member, 'tạm dừng').waitFor();
	await screenshot(member, 'reader-alerts');
	await member.getByRole('region', { name: 'Trang 3/4' }).waitFor();
	await ok(await fx.sec('POST', `${path()}/transitions`, { action: 'resume' }));
	await alert(member, 'tiếp tục').waitFor();
});

test('the secretariat sees who has voted by name, and closing with members still to vote names them first', async () => {
	await secretariat.goto(path());
	await secretariat.getByLabel('Nội dung biểu quyết').fill('Thông qua dự án Luật Đất đai (sửa đổi)');
	await secretariat.getByLabel('Bỏ phiếu kín').check();
	await secretariat.getByRole('button', { name: 'Mở biểu quyết' }).click();
	const dialog = member.getByRole('dialog', { name: 'Biểu quyết' });
	await dialog.getByRole('button', { name: 'Tán thành', exact: true }).click();
	await dialog.waitFor({ state: 'hidden' });

	const vote = (await ok(await fx.sec('GET', `${path()}/votes`))).at(-1);
	const name = (id) => fx.members.find((m) => m.id === id).full_name;
	const missing = vote.entitled.filter((id) => id !== fx.memberId);
	const turnout = secretariat.getByTestId('vote-turnout');
	await turnout.getByRole('heading', { name: 'Đã biểu quyết (1)' }).waitFor();
	await turnout.getByRole('heading', { name: `Chưa biểu quyết (${missing.length})` }).waitFor();
	await turnout.getByRole('listitem').filter({ hasText: name(fx.memberId) }).waitFor();
	assert.equal(await turnout.getByText('Tán thành').count(), 0, 'no choice is shown');
	await screenshot(secretariat, 'vote-turnout');

	await secretariat.getByRole('button', { name: 'Kết thúc biểu quyết' }).click();
	const confirm = secretariat.getByRole('dialog', { name: 'Kết thúc biểu quyết khi còn thành viên chưa biểu quyết?' });
	await confirm.getByText(`${missing.length} thành viên có quyền biểu quyết chưa biểu quyết.`, { exact: false }).waitFor();
	await confirm.getByRole('listitem').filter({ hasText: name(missing[0]) }).waitFor();
	await screenshot(secretariat, 'vote-close-confirm');
	await confirm.getByRole('button', { name: 'Hủy' }).click();
	await confirm.waitFor({ state: 'hidden' });
	assert.equal((await ok(await fx.sec('GET', `/votes/${vote.id}`))).status, 'open', 'cancelling leaves the vote open');

	await secretariat.getByRole('button', { name: 'Kết thúc biểu quyết' }).click();
	await confirm.getByRole('button', { name: 'Kết thúc biểu quyết' }).click();
	const result = secretariat.getByTestId('vote-result').first();
	await result.getByRole('row', { name: `Không tham gia biểu quyết ${missing.length}` }).waitFor();
	await result.getByText(`${vote.entitled.length} thành viên có quyền biểu quyết`, { exact: false }).waitFor();
	await screenshot(secretariat, 'vote-result-secretariat');
});

test('attendance is one tap from the live screen: several marked present at once, absences with a reason, seen by the chair', async () => {
	const room = await liveMeeting({ title: 'Phiên họp chuyên đề về điểm danh', start: false });
	const id = room.meeting.id;
	for (const m of room.meeting.invitees) await ok(await room.sec('PUT', `/meetings/${id}/attendance/${m}`, { status: 'expected' }));
	const name = (m) => room.members.find((x) => x.id === m).full_name;
	const [away1, away2] = room.meeting.invitees.slice(-2);
	const total = room.meeting.invitees.length;
	const { required } = (await ok(await room.sec('GET', `/meetings/${id}/attendance`))).quorum;

	for (const viewport of [{ width: 1024, height: 768 }, { width: 768, height: 1024 }]) {
		await secretariat.setViewportSize(viewport);
		await secretariat.goto(`/meetings/${id}`);
		await secretariat.getByRole('button', { name: `Điểm danh 0/${total}` }).click();
		const board = secretariat.getByRole('region', { name: 'Điểm danh' });
		await secretariat.waitForFunction(() => {
			const r = document.getElementById('attendance').getBoundingClientRect();
			return r.top > -2 && r.top < innerHeight / 2;
		});
		await board.getByRole('button', { name: `Chọn ${total} người chưa điểm danh` }).waitFor();
		await screenshot(secretariat, `attendance-${viewport.width}`);
		// The quorum needed is in the panel; every status starts at one x, however long the name before it.
		assert.equal(await board.getByTestId('quorum-needed').textContent(), `cần ${required} để đủ túc số`);
		const lefts = await board.locator('.board li .status').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
		assert.equal(lefts.length, total);
		assert.equal(new Set(lefts).size, 1, `status pills at x = ${[...new Set(lefts)].join(', ')}`);
	}
	await secretariat.setViewportSize({ width: 1024, height: 768 });
	const board = secretariat.getByRole('region', { name: 'Điểm danh' });
	await board.getByRole('button', { name: `Chọn ${total} người chưa điểm danh` }).click();
	await board.getByRole('checkbox', { name: `Chọn ${name(away1)}` }).uncheck();
	await board.getByRole('checkbox', { name: `Chọn ${name(away2)}` }).uncheck();
	await board.getByRole('button', { name: `Ghi nhận ${total - 2} người có mặt` }).click();
	await secretariat.getByRole('button', { name: `Điểm danh ${total - 2}/${total}` }).waitFor();
	await secretariat.getByRole('status', { name: 'Túc số' }).getByText('Đủ túc số').waitFor();

	await board.getByRole('checkbox', { name: `Chọn ${name(away1)}` }).check();
	await board.getByRole('checkbox', { name: `Chọn ${name(away2)}` }).check();
	await board.getByLabel('Lý do vắng').fill('Công tác nước ngoài');
	await board.getByRole('button', { name: 'Ghi nhận 2 người vắng' }).click();
	await board.getByRole('button', { name: 'Ghi nhận 2 người vắng' }).waitFor({ state: 'hidden' });
	const att = await ok(await room.sec('GET', `/meetings/${id}/attendance`));
	assert.equal(att.quorum.present, total - 2);
	assert.deepEqual(
		att.attendance.filter((a) => a.status === 'absent').map((a) => [a.member_id, a.absence_reason]).sort(),
		[[away1, 'Công tác nước ngoài'], [away2, 'Công tác nước ngoài']].sort()
	);

	const chair = (await newSession(b.browser, b.violations)).page;
	await signIn(chair, 'chair');
	await chair.goto(`/meetings/${id}`);
	await chair.getByRole('button', { name: `Điểm danh ${total - 2}/${total}` }).click();
	const absences = chair.getByRole('region', { name: 'Vắng mặt và dự thay' });
	await absences.getByRole('listitem').filter({ hasText: name(away1) }).filter({ hasText: 'Công tác nước ngoài' }).waitFor();
	await screenshot(chair, 'absences-chair');
	await chair.context().close();
});

test('the secretariat goes back to a finished item, kept as a second span, and a speaker’s time runs down for the speaker and the secretariat', async () => {
	await secretariat.goto(path());
	await secretariat.getByRole('button', { name: `Thảo luận lại “${AGENDA[0]}”` }).click();
	await secretariat.getByTestId('current-item').filter({ hasText: AGENDA[0] }).waitFor();
	await alert(member, `chuyển sang nội dung: ${AGENDA[0]}`).waitFor();

	// The member asks for the floor from the session and is given it; back in the reader, the time runs down.
	const asked = await ok(await (await apiAs('member06'))('POST', `${path()}/agenda/${fx.agenda[0].id}/speakers`));
	const mine = asked.find((s) => s.member_id === fx.memberId && s.status === 'waiting');
	const speaker = fx.members.find((m) => m.id === fx.memberId).full_name;
	await secretariat.getByRole('button', { name: `Mời ${speaker} phát biểu` }).click();
	const clock = alert(member, 'Bạn được mời phát biểu').getByRole('timer');
	await clock.filter({ hasText: /^Còn [45]:\d\d$/ }).waitFor();
	const first = await clock.textContent();
	await member.waitForFunction((t) => document.querySelector('[data-testid="room-alert"] [role="timer"]')?.textContent.trim() !== t, first.trim());
	const secClock = secretariat.getByRole('listitem').filter({ hasText: speaker }).getByRole('timer');
	await secClock.filter({ hasText: /^Còn [45]:\d\d$/ }).waitFor();
	await screenshot(member, 'reader-floor-clock');
	await screenshot(secretariat, 'secretariat-speaking-clock');
	await ok(await fx.sec('POST', `${path()}/agenda/${fx.agenda[0].id}/speakers/${mine.id}/end`));
	await alert(member, 'Bạn được mời phát biểu').waitFor({ state: 'hidden' });

	await secretariat.getByRole('button', { name: 'Chuyển nội dung tiếp theo' }).click();
	await secretariat.getByTestId('current-item').filter({ hasText: AGENDA[2] }).waitFor();
	const ledger = await ok(await fx.sec('GET', `/ledger/meetings/${fx.meeting.id}`));
	const item = ledger.time.items.find((it) => it.item_id === fx.agenda[0].id);
	assert.equal(item.spans, 2, 'both discussions of the item are kept');
	assert.equal(item.counted, true);
});

test('no Content-Security-Policy violation', () => assertNoViolations(b.violations));
