import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoViolations, confirmInApp, newSession, ok, openBrowser, refuseBrowserDialogs, screenshot, signIn } from '../browser.mjs';
import { AGENDA, liveMeeting } from '../fixtures.mjs';

// A member and the secretariat on two tablets, following one live session.
let b;
let member;
let secretariat;
let fx;
before(async () => {
	fx = await liveMeeting({ title: 'Phiên họp Chính phủ chuyên đề về xây dựng pháp luật' });
	b = await openBrowser();
	member = b.page;
	secretariat = (await newSession(b.browser, b.violations)).page;
	refuseBrowserDialogs(secretariat, b.violations);
	await signIn(member, 'member05');
	await signIn(secretariat, 'secretary1');
});
after(async () => b?.close());

const current = (page) => page.getByTestId('current-item');

test('both see the session with the item under discussion', async () => {
	await member.goto('/meetings');
	await member.getByRole('link', { name: 'Phiên họp Chính phủ chuyên đề về xây dựng pháp luật' }).click();
	await current(member).filter({ hasText: AGENDA[0] }).waitFor();
	await member.getByRole('heading', { name: 'Chương trình họp' }).waitFor();
	await member.getByRole('link', { name: 'Đọc “Báo cáo số 812/BC-BKHĐT”' }).waitFor();
	await screenshot(member, 'session-member');

	await secretariat.goto(`/meetings/${fx.meeting.id}`);
	await secretariat.getByRole('button', { name: 'Chuyển nội dung tiếp theo' }).waitFor();
	await secretariat.getByRole('heading', { name: 'Điểm danh' }).waitFor();
	await screenshot(secretariat, 'session-secretariat');
	await secretariat.getByRole('heading', { name: 'Điểm danh' }).scrollIntoViewIfNeeded();
	await screenshot(secretariat, 'attendance-board');
	await secretariat.evaluate(() => scrollTo(0, 0));
});

test('the member’s screen shows the next item within 1 second of the secretariat moving on', async () => {
	// The member's page notes the moment the new item appears (same machine clock).
	const seen = member.evaluate(
		(title) =>
			new Promise((resolve) => {
				const check = () => {
					if (document.querySelector('[data-testid="current-item"]')?.textContent?.includes(title)) {
						observer.disconnect();
						resolve(Date.now());
					}
				};
				const observer = new MutationObserver(check);
				observer.observe(document.body, { subtree: true, childList: true, characterData: true });
			}),
		AGENDA[1]
	);
	const clicked = Date.now();
	await secretariat.getByRole('button', { name: 'Chuyển nội dung tiếp theo' }).click();
	const elapsed = (await seen) - clicked;
	console.log(`agenda change seen by the member after ${elapsed} ms`);
	assert.ok(elapsed < 1000, `the member saw the new item after ${elapsed} ms`);
	await current(secretariat).filter({ hasText: AGENDA[1] }).waitFor();
});

test('a member asks for the floor and the secretariat gives it', async () => {
	await member.getByRole('button', { name: 'Xin phát biểu' }).click();
	await member.getByText('Bạn đang chờ phát biểu (thứ 1).').waitFor();
	const name = fx.members.find((m) => m.username === 'member05').full_name;
	await secretariat.getByRole('button', { name: `Mời ${name} phát biểu` }).click();
	await member.getByText('Bạn đang phát biểu.').waitFor();
});

test('a vote is opened, cast and closed, and both see the result', async () => {
	await secretariat.getByLabel('Nội dung biểu quyết').fill('Thông qua Tờ trình dự án Luật Đất đai (sửa đổi)');
	await secretariat.getByRole('button', { name: 'Mở biểu quyết' }).click();

	const dialog = member.getByRole('dialog', { name: 'Biểu quyết' });
	await dialog.waitFor();
	await dialog.getByText('Thông qua Tờ trình dự án Luật Đất đai (sửa đổi)').waitFor();
	await screenshot(member, 'vote-open');
	await dialog.getByRole('button', { name: 'Tán thành', exact: true }).click();
	await dialog.waitFor({ state: 'hidden' });
	await member.getByText('Bạn đã biểu quyết.').waitFor();

	await secretariat.getByText(/^1\/\d+ đã biểu quyết$/).waitFor();
	await screenshot(secretariat, 'vote-progress');
	await secretariat.getByRole('button', { name: 'Kết thúc biểu quyết' }).click();
	await confirmInApp(secretariat, 'Kết thúc biểu quyết khi còn thành viên chưa biểu quyết?', 'Kết thúc biểu quyết');

	for (const page of [member, secretariat]) {
		const result = page.getByTestId('vote-result').first();
		await result.getByText('Thông qua Tờ trình dự án Luật Đất đai (sửa đổi)', { exact: true }).waitFor();
		// One vote in favour of 27 members: short of the majority of all members.
		await result.getByRole('row', { name: 'Tán thành 1' }).waitFor();
		await result.getByText('Không thông qua').waitFor();
	}
	await screenshot(member, 'vote-result');
	const votes = await ok(await fx.sec('GET', `/meetings/${fx.meeting.id}/votes`));
	assert.equal(votes[0].result.cast, 1);
});

test('the chair runs the session too: quorum, the floor and the votes with their results', async () => {
	const chair = (await newSession(b.browser, b.violations)).page;
	await signIn(chair, 'chair');
	await chair.goto(`/meetings/${fx.meeting.id}`);
	await chair.getByText('Đủ túc số').waitFor();
	await chair.getByRole('button', { name: 'Chuyển nội dung tiếp theo' }).waitFor();
	await chair.getByLabel('Nội dung biểu quyết').waitFor();
	assert.equal(await chair.getByRole('heading', { name: 'Điểm danh', exact: true }).count(), 0, 'the attendance board is the secretariat’s');
	// The chair sees who is away instead.
	await chair.getByRole('heading', { name: 'Vắng mặt và dự thay' }).waitFor();
	await screenshot(chair, 'session-chair');
	await chair.context().close();
});

test('after a network loss the member’s tablet catches up by itself, without a reload', async () => {
	await member.evaluate(() => (window.__sameDocument = true));
	await b.context.setOffline(true);
	await member.getByRole('status', { name: 'Kết nối trực tuyến' }).filter({ hasText: 'Ngoại tuyến' }).waitFor();
	await secretariat.getByRole('button', { name: 'Chuyển nội dung tiếp theo' }).click();
	await current(secretariat).filter({ hasText: AGENDA[2] }).waitFor();
	assert.ok((await current(member).textContent()).includes(AGENDA[1]), 'offline, the member still sees the item before');

	await b.context.setOffline(false);
	await current(member).filter({ hasText: AGENDA[2] }).waitFor();
	await member.getByRole('status', { name: 'Kết nối trực tuyến' }).filter({ hasText: 'Trực tuyến' }).waitFor();
	assert.equal(await member.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
});

test('only valid session actions are offered, a closing asks in the app’s own words, and a disabled start says why', async () => {
	const fresh = await liveMeeting({ title: 'Phiên họp Chính phủ bất thường', start: false });
	const id = fresh.meeting.id;
	// Fewer than two thirds present: the secretariat cannot open it, and reads why.
	for (const m of fresh.meeting.invitees) await ok(await fresh.sec('PUT', `/meetings/${id}/attendance/${m}`, { status: 'absent', reason: 'Công tác' }));
	await secretariat.goto(`/meetings/${id}`);
	const start = secretariat.getByRole('button', { name: 'Khai mạc phiên họp' });
	await start.waitFor();
	assert.equal(await start.isDisabled(), true);
	await secretariat.getByText(/^Chưa khai mạc được: mới có 0 thành viên có mặt, cần 18\./).waitFor();
	assert.equal(await secretariat.getByRole('button', { name: 'Bế mạc phiên họp' }).count(), 0, 'nothing to close before it opens');
	await screenshot(secretariat, 'start-needs-quorum');

	// Once enough are present the reason goes and the session opens.
	for (const m of fresh.meeting.invitees) await ok(await fresh.sec('PUT', `/meetings/${id}/attendance/${m}`, { status: 'present' }));
	await secretariat.getByText(/^Chưa khai mạc được/).waitFor({ state: 'hidden' });
	await start.click();
	await secretariat.getByRole('button', { name: 'Bế mạc phiên họp' }).click();
	const dialog = secretariat.getByRole('dialog', { name: 'Bế mạc phiên họp?' });
	await dialog.getByText('Sau khi bế mạc, phiên họp không thể mở lại', { exact: false }).waitFor();
	await screenshot(secretariat, 'close-confirm');
	await dialog.getByRole('button', { name: 'Hủy' }).click();
	assert.equal((await ok(await fresh.sec('GET', `/meetings/${id}`))).status, 'live');
	await secretariat.getByRole('button', { name: 'Bế mạc phiên họp' }).click();
	await confirmInApp(secretariat, 'Bế mạc phiên họp?', 'Bế mạc phiên họp');
	await secretariat.getByRole('link', { name: 'Thông báo kết luận' }).waitFor();
});

test('no Content-Security-Policy violation', () => assertNoViolations(b.violations));
