import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, assertNoViolations, confirmInApp, newSession, ok, openBrowser, refuseBrowserDialogs, screenshot, signIn } from '../browser.mjs';
import { AGENDA } from '../fixtures.mjs';

// Shorter sessions: members give positions before the session, the cut-off
// forms the consent block, a member pulls an item out of it, the chair takes
// the rest with one decision, the session closes, the secretariat edits and
// publishes the minutes drafted from the record, and the savings screen shows
// the minutes the consent block saved.
let b;
let member;
let sec;
let chair;
let api;
let meeting;
let agenda;
before(async () => {
	api = await apiAs('secretary1');
	const start = new Date(Date.now() + 3 * 3600_000);
	meeting = await ok(
		await api('POST', '/meetings', {
			kind: 'regular',
			title: 'Phiên họp Chính phủ có ý kiến trước',
			scheduled_start: start.toISOString(),
			scheduled_end: new Date(start.getTime() + 4 * 3600_000).toISOString(),
			place: 'Trụ sở Chính phủ, Hà Nội',
			remote_sites: []
		})
	);
	for (const [i, title] of AGENDA.entries()) {
		agenda = await ok(
			await api('POST', `/meetings/${meeting.id}/agenda`, { title, summary: '', presenter_org: 'Bộ Tài chính', planned_minutes: [45, 60, 30][i] })
		);
	}
	const cutoff = new Date(Date.now() + 2 * 3600_000).toISOString();
	await ok(await api('PUT', `/meetings/${meeting.id}/positions`, { items: agenda.map((it) => it.id), cutoff }));
	await ok(await api('POST', `/meetings/${meeting.id}/transitions`, { action: 'publish' }));
	b = await openBrowser();
	member = b.page;
	refuseBrowserDialogs(member, b.violations);
	sec = (await newSession(b.browser, b.violations)).page;
	chair = (await newSession(b.browser, b.violations)).page;
	await signIn(member, 'member05');
	await signIn(sec, 'secretary1');
	await signIn(chair, 'chair');
});
after(async () => b?.close());

const item = (page, i) => page.getByTestId('position-item').nth(i);

test('a member gives positions; the secretariat sees them by name at once', async () => {
	await sec.goto(`/meetings/${meeting.id}`);
	await sec.getByTestId('positions').waitFor();
	await member.goto(`/meetings/${meeting.id}`);
	await member.getByTestId('positions').getByText('Hạn cho ý kiến').waitFor();

	// An objection needs a reason: the server refuses it, naming the field.
	await item(member, 1).getByRole('button', { name: 'Phản đối' }).click();
	await item(member, 1).getByRole('button', { name: 'Gửi ý kiến' }).click();
	await member.getByTestId('positions').getByRole('alert').waitFor();

	await item(member, 0).getByRole('button', { name: 'Không có ý kiến' }).click();
	await item(member, 0).getByText('Ý kiến của bạn: Không có ý kiến').waitFor();
	await item(member, 1).getByRole('button', { name: 'Không có ý kiến' }).click();
	await item(member, 1).getByText('Ý kiến của bạn: Không có ý kiến').waitFor();
	await item(member, 2).getByRole('button', { name: 'Xin phát biểu' }).click();
	await item(member, 2).getByText('Ý kiến của bạn: Xin phát biểu').waitFor();
	// Members see counts, not names.
	await item(member, 2).getByText('Không có ý kiến 0 · Xin phát biểu 1 · Phản đối 0').waitFor();

	// The secretariat's screen follows live, with names and who is missing.
	const members = await ok(await api('GET', '/members'));
	const name = members.find((m) => m.username === 'member05').full_name;
	await item(sec, 2).getByText(`${name}: Xin phát biểu`).waitFor();
	assert.match(await item(sec, 0).getByTestId('missing').textContent(), /^\d+ người chưa cho ý kiến: /);
	await screenshot(member, 'positions-member');
	await screenshot(sec, 'positions-secretariat');

	// Others answer by API: no objection on the first two items.
	for (const u of ['member01', 'member02', 'member03']) {
		const m = await apiAs(u);
		for (const it of agenda.slice(0, 2)) await ok(await m('PUT', `/meetings/${meeting.id}/agenda/${it.id}/position`, { stance: 'no_objection', reason: '' }));
	}
	// A guest's or the secretariat's position is refused; nothing is written.
	const refused = await api('PUT', `/meetings/${meeting.id}/agenda/${agenda[0].id}/position`, { stance: 'no_objection', reason: '' });
	assert.equal(refused.status, 403);
});

test('the cut-off forms the consent block; a member pulls an item out', async () => {
	await sec.getByRole('button', { name: 'Kết thúc nhận ý kiến' }).click();
	await confirmInApp(sec, 'Kết thúc nhận ý kiến ngay?', 'Kết thúc nhận ý kiến');
	await sec.getByTestId('consent-block').getByText('2 nội dung, không thành viên nào có ý kiến khác').waitFor();
	// After the cut-off a position is refused with a stable code.
	const m5 = await apiAs('member05');
	const late = await m5('PUT', `/meetings/${meeting.id}/agenda/${agenda[2].id}/position`, { stance: 'no_objection', reason: '' });
	assert.equal(late.status, 409);
	assert.equal((await late.json()).code, 'deadline_passed');
	// Who wished to speak is already in the queue of that item.
	const state = await ok(await api('GET', `/meetings/${meeting.id}/state`));
	assert.ok(state.speakers.some((s) => s.item_id === agenda[2].id && s.member_id === m5.me.member.id && s.status === 'waiting'));

	const block = member.getByTestId('consent-block');
	await block.getByTestId('consent-item').nth(1).getByRole('button', { name: 'Rút ra để thảo luận' }).click();
	await confirmInApp(member, 'Rút nội dung này ra để thảo luận?', 'Rút ra để thảo luận');
	await block.getByText('1 nội dung, không thành viên nào có ý kiến khác').waitFor();
	await screenshot(member, 'consent-block');
});

test('the chair takes the block in one decision; the session closes', async () => {
	const members = await ok(await api('GET', '/members'));
	const present = meeting.invitees.filter((id) => members.find((m) => m.id === id)?.voting);
	for (const id of present) await ok(await api('PUT', `/meetings/${meeting.id}/attendance/${id}`, { status: 'present' }));
	await ok(await api('POST', `/meetings/${meeting.id}/transitions`, { action: 'start' }));
	await chair.goto(`/meetings/${meeting.id}`);
	await chair.getByRole('button', { name: 'Thông qua nhóm nội dung' }).click();
	await confirmInApp(chair, 'Thông qua toàn bộ nhóm nội dung?', 'Thông qua nhóm nội dung');
	await chair.getByTestId('consent-block').getByText('Thông qua không thảo luận', { exact: true }).waitFor();
	// The member's screen follows; the block can no longer be pulled from.
	await member.getByTestId('consent-block').getByText('Thông qua không thảo luận', { exact: true }).waitFor();
	const m5 = await apiAs('member05');
	const pull = await m5('POST', `/meetings/${meeting.id}/agenda/${agenda[0].id}/pull`);
	assert.equal(pull.status, 409);
	await screenshot(chair, 'consent-taken');
	for (let i = 0; i < 2; i++) await api('POST', `/meetings/${meeting.id}/agenda/next`);
	await ok(await api('POST', `/meetings/${meeting.id}/transitions`, { action: 'close' }));
});

test('the secretariat edits and publishes the minutes drafted from the record', async () => {
	await sec.goto(`/meetings/${meeting.id}/minutes`);
	await sec.getByTestId('minutes-state').getByText('Phiên bản 1 · Dự thảo').waitFor();
	const text = sec.getByLabel('Nội dung biên bản');
	assert.match(await text.inputValue(), /CÁC NỘI DUNG THÔNG QUA KHÔNG THẢO LUẬN/);
	await text.fill(`${await text.inputValue()}\nThư ký phiên họp đã soát lại biên bản.`);
	await sec.getByRole('button', { name: 'Lưu dự thảo' }).click();
	await sec.getByRole('status').filter({ hasText: 'Đã lưu dự thảo.' }).waitFor();
	const m5 = await apiAs('member05');
	assert.equal((await m5('GET', `/meetings/${meeting.id}/minutes`)).status, 404);
	await sec.getByRole('button', { name: 'Phát hành biên bản' }).click();
	await confirmInApp(sec, 'Phát hành biên bản?', 'Phát hành biên bản');
	await sec.getByTestId('minutes-state').getByText('Phiên bản 1 · Đã phát hành').waitFor();
	// Published minutes are final: the secretariat reads them as issued, and edits only by starting a correction.
	assert.equal(await sec.getByLabel('Nội dung biên bản').count(), 0, 'published minutes shown in an editable field');
	assert.match(await sec.getByTestId('minutes-text').textContent(), /Thư ký phiên họp đã soát lại biên bản\.$/);
	await sec.getByRole('button', { name: 'Đính chính (tạo phiên bản mới)' }).click();
	await sec.getByLabel('Nội dung biên bản').waitFor();
	await sec.getByRole('button', { name: 'Hủy' }).click();
	await sec.getByTestId('minutes-text').waitFor();
	const published = await ok(await m5('GET', `/meetings/${meeting.id}/minutes`));
	assert.match(published.text, /Thư ký phiên họp đã soát lại biên bản\.$/);
	const pdf = await m5('GET', `/meetings/${meeting.id}/minutes.pdf`);
	assert.equal(pdf.status, 200);
	assert.equal(pdf.headers.get('content-type'), 'application/pdf');
	await member.goto(`/meetings/${meeting.id}/minutes`);
	await member.getByText('Thư ký phiên họp đã soát lại biên bản.').waitFor();
	await screenshot(sec, 'minutes');
});

test('the savings screen shows the minutes the consent block saved', async () => {
	await sec.goto('/savings');
	const consent = sec.getByTestId('consent-savings');
	await consent.getByText(/phút tiết kiệm nhờ \d+ nội dung thông qua không thảo luận/).first().waitFor();
	await screenshot(sec, 'savings-consent');
	// Per session: the session's own ledger counts the block apart.
	await sec.goto(`/savings/meetings/${meeting.id}`);
	await sec.getByTestId('ledger-consent').getByText('45 phút tiết kiệm nhờ 1 nội dung thông qua không thảo luận').waitFor();
	assertNoViolations(b.violations);
});
