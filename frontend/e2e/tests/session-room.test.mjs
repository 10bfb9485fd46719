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

test('no Content-Security-Policy violation', () => assertNoViolations(b.violations));
