import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { apiAs, assertNoViolations, newSession, ok, openBrowser, screenshot, signIn } from '../browser.mjs';
import { AGENDA, liveMeeting } from '../fixtures.mjs';
import { makePdf } from '../pdf.mjs';

// The secretariat prepares a session (agenda order, an upload with its
// progress); a member reads the document in the PDF reader and keeps notes.
let b;
let member;
let secretariat;
let fx;
before(async () => {
	fx = await liveMeeting({ title: 'Phiên họp chuyên đề về chuyển đổi số', start: false });
	b = await openBrowser();
	member = b.page;
	secretariat = (await newSession(b.browser, b.violations)).page;
	await signIn(member, 'member07');
	await signIn(secretariat, 'secretary2');
});
after(async () => b?.close());

test('the secretariat creates a session, its times on the body’s clocks, inviting the voting members', async () => {
	await secretariat.goto('/meetings');
	await secretariat.getByRole('link', { name: 'Tạo phiên họp' }).click();
	await secretariat.getByLabel('Loại phiên họp').selectOption({ label: 'Chuyên đề' });
	await secretariat.getByLabel('Tên phiên họp').fill('Phiên họp chuyên đề về thể chế số');
	await secretariat.getByLabel('Bắt đầu').fill('2026-12-02T08:00');
	await secretariat.getByLabel('Kết thúc').fill('2026-12-02T11:30');
	await secretariat.getByLabel('Địa điểm').fill('Phòng họp số 1, Trụ sở Chính phủ');
	await secretariat.getByText(/^\d+ người được mời$/).waitFor();
	await screenshot(secretariat, 'session-new');
	await secretariat.getByRole('button', { name: 'Tạo phiên họp' }).click();
	await secretariat.waitForURL(/\/meetings\/\d+\/edit$/);
	const id = Number(secretariat.url().split('/').at(-2));
	const m = await ok(await fx.sec('GET', `/meetings/${id}`));
	assert.equal(m.kind, 'thematic');
	assert.equal(m.scheduled_start, '2026-12-02T01:00:00Z');
	const voting = fx.members.filter((x) => x.voting && x.active).map((x) => x.id);
	assert.deepEqual([...m.invitees].sort((a, b) => a - b), voting.sort((a, b) => a - b));
});

test('the secretariat reorders the agenda and uploads a PDF with a progress bar', async () => {
	await secretariat.goto(`/meetings/${fx.meeting.id}/edit`);
	await secretariat.getByRole('heading', { name: 'Chương trình họp' }).waitFor();
	await secretariat.getByRole('button', { name: `Đưa “${AGENDA[2]}” lên trên` }).click();
	await secretariat.getByRole('status').filter({ hasText: 'Đã lưu thứ tự mới.' }).waitFor({ state: 'attached' });
	const agenda = await ok(await fx.sec('GET', `/meetings/${fx.meeting.id}/agenda`));
	assert.deepEqual(
		agenda.map((it) => it.title),
		[AGENDA[0], AGENDA[2], AGENDA[1]]
	);


	// Dragging by the handle (pointer events: mouse here, a finger on a tablet).
	const handle = secretariat.getByRole('button', { name: `Kéo để di chuyển “${AGENDA[1]}”` });
	const first = await secretariat.getByRole('button', { name: `Kéo để di chuyển “${AGENDA[0]}”` }).boundingBox();
	const box = await handle.boundingBox();
	await secretariat.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	await secretariat.mouse.down();
	await secretariat.mouse.move(first.x + first.width / 2, first.y - 10, { steps: 8 });
	await secretariat.mouse.up();
	await secretariat.waitForFunction(
		async ([id, title]) => (await (await fetch(`/api/v1/meetings/${id}/agenda`)).json())[0].title === title,
		[fx.meeting.id, AGENDA[1]]
	);

	const file = join(tmpdir(), `to-trinh-${process.pid}.pdf`);
	writeFileSync(file, makePdf({ title: 'To trinh du an Luat Dat dai', pages: 12 }));
	await secretariat.getByLabel('Tên tài liệu').fill('Tờ trình số 45/TTr-BTNMT');
	await secretariat.getByLabel('Thuộc nội dung').selectOption({ label: `1. ${AGENDA[1]}` });
	await secretariat.getByLabel('Tệp PDF').setInputFiles(file);
	await secretariat.getByRole('button', { name: 'Thêm tài liệu' }).click();
	await secretariat.getByText('Đã tải lên.').waitFor();
	await secretariat.getByText('Tờ trình số 45/TTr-BTNMT').first().waitFor();
	await screenshot(secretariat, 'prepare-session');

	const docs = await ok(await fx.sec('GET', `/meetings/${fx.meeting.id}/documents`));
	assert.equal(docs.find((d) => d.title === 'Tờ trình số 45/TTr-BTNMT')?.current?.pages, 12);
});

test('a confidential document is paper only: numbered copies are handed out and taken back', async () => {
	await secretariat.getByLabel('Tên tài liệu').fill('Báo cáo mật số 12/BC-BQP');
	await secretariat.getByLabel('Độ mật').selectOption({ label: 'Mật' });
	await secretariat.getByLabel('Số trang bản giấy').fill('8');
	await secretariat.getByRole('button', { name: 'Thêm tài liệu' }).click();
	const copies = secretariat.locator('details.copies');
	await copies.locator('summary').click();
	const member = fx.members.find((m) => m.username === 'member07');
	await secretariat.getByLabel('Người nhận').selectOption({ label: member.full_name });
	await secretariat.getByRole('button', { name: 'Phát bản giấy' }).click();
	await secretariat.getByRole('button', { name: `Nhận lại bản số 1 từ ${member.full_name}` }).waitFor();
	await screenshot(secretariat, 'paper-copies');
	await secretariat.getByRole('button', { name: `Nhận lại bản số 1 từ ${member.full_name}` }).click();
	await copies.getByText(/^Đã trả lúc /).waitFor();
	const docs = await ok(await fx.sec('GET', `/meetings/${fx.meeting.id}/documents`));
	const paper = docs.find((d) => d.title === 'Báo cáo mật số 12/BC-BQP');
	assert.equal(paper.placeholder, true);
	assert.equal(paper.paper_copies, 1);
});

test('a file that is not a PDF is refused with the server’s message', async () => {
	const file = join(tmpdir(), `khong-phai-pdf-${process.pid}.pdf`);
	writeFileSync(file, 'đây không phải tệp PDF');
	await secretariat.getByRole('button', { name: 'Tải lên phiên bản mới' }).first().waitFor();
	const input = secretariat.locator('input[type=file]').first();
	await input.setInputFiles(file);
	await secretariat.getByRole('alert').first().waitFor();
	assert.match(await secretariat.getByRole('alert').first().textContent(), /\S/);
});

test('a member reads the document: pages, thumbnails, zoom and a private note', async () => {
	await member.goto(`/meetings/${fx.meeting.id}`);
	await member.getByRole('link', { name: 'Đọc “Báo cáo số 812/BC-BKHĐT”' }).click();
	await member.getByRole('heading', { name: 'Báo cáo số 812/BC-BKHĐT' }).waitFor();
	await member.locator('.page canvas').waitFor();
	await member.getByRole('navigation', { name: 'Các trang' }).locator('canvas').first().waitFor();
	await member.getByRole('button', { name: 'Trang sau' }).click();
	await member.getByRole('region', { name: 'Trang 2/4' }).waitFor();
	await member.getByRole('button', { name: 'Phóng to' }).click();
	await member.getByText('125%').waitFor();

	await member.getByRole('button', { name: 'Ghi chú riêng' }).click();
	await member.getByLabel('Ghi chú trang 2').fill('Đề nghị làm rõ số liệu tăng trưởng quý IV.');
	await member.getByText('Đã lưu ghi chú.').waitFor();
	const notes = await member.evaluate((id) => fetch(`/api/v1/documents/${id}/notes`).then((r) => r.json()), fx.doc.id);
	assert.deepEqual(
		notes.map((n) => [n.page, n.text]),
		[[2, 'Đề nghị làm rõ số liệu tăng trưởng quý IV.']]
	);
	await screenshot(member, 'document-reader');
});

test('the pdf.js worker is a file of the app itself', async () => {
	const scripts = await member.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
	const worker = scripts.find((p) => /pdf\.worker.*\.mjs$/.test(p));
	assert.ok(worker?.startsWith('/_app/'), `the worker is served by the app (${worker})`);
});

test('where the body allows it, an unclassified document can be read again without network', async () => {
	const admin = await apiAs('admin');
	const body = await ok(await admin('GET', '/body'));
	await ok(await admin('PUT', '/body/settings', { ...body.settings, offline_reading: true }));
	try {
		await member.goto(`/documents/${fx.doc.id}`);
		await member.locator('.page canvas').waitFor();
		await member.waitForFunction(async () => (await caches.has('ecabinet-reading')) && (await (await caches.open('ecabinet-reading')).keys()).length === 1);
		// The reader uses the whole width: the menu is folded away until asked for.
		await member.getByRole('button', { name: 'Hiện menu' }).click();
		await member.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Trang chủ' }).click();
		await b.context.setOffline(true);
		await member.getByRole('link', { name: 'Báo cáo số 812/BC-BKHĐT' }).click();
		await member.getByText('Không có mạng: đang đọc bản lưu trên thiết bị.').waitFor();
		await member.locator('.page canvas').waitFor();
		await screenshot(member, 'reader-offline');
	} finally {
		await b.context.setOffline(false);
		await ok(await admin('PUT', '/body/settings', { ...body.settings, offline_reading: false }));
	}
	// Once the body no longer allows it, the copy leaves the device.
	await member.goto('/');
	await member.waitForFunction(async () => !(await caches.has('ecabinet-reading')));
});

test('no Content-Security-Policy violation', () => assertNoViolations(b.violations));
