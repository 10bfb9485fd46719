import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cutOffContent } from '../audit.mjs';
import { assertNoViolations, newSession, ok, openBrowser, screenshot, signIn } from '../browser.mjs';
import { closedMeeting, hanoiDate, liveMeeting, openBallot } from '../fixtures.mjs';

// Every screen at the two tablet sizes: nothing cut off without a visible
// way to reach it (a box that scrolls sideways shows that it does).
const SIZES = [
	{ width: 1024, height: 768 },
	{ width: 768, height: 1024 }
];

let b;
let screens;
let readerPath;
before(async () => {
	const live = await liveMeeting({ title: 'Phiên họp kiểm tra bố cục màn hình', member: 'member12' });
	const { ballot } = await openBallot('Phiếu lấy ý kiến kiểm tra bố cục màn hình');
	const closed = await closedMeeting('Phiên họp đã kết thúc để kiểm tra bố cục');
	const id = closed.meeting.id;
	await ok(
		await closed.sec('PUT', `/meetings/${id}/conclusion`, {
			number: '999/TB-VPCP',
			title: 'Kết luận kiểm tra bố cục',
			text: 'Thủ tướng Chính phủ kết luận như sau.',
			items: [{ item_id: closed.agenda[0].id, text: 'Giao Bộ Tài chính chủ trì.' }]
		})
	);
	const conclusion = await ok(await closed.sec('POST', `/meetings/${id}/conclusion/publish`));
	const task = await ok(
		await closed.sec('POST', '/tasks', {
			conclusion_id: conclusion.id,
			item_id: closed.agenda[0].id,
			title: 'Rà soát, hoàn thiện Đề án phát triển hạ tầng số quốc gia giai đoạn 2026 - 2030',
			lead_org: 'Bộ Thông tin và Truyền thông',
			co_units: ['Bộ Tài chính', 'Bộ Kế hoạch và Đầu tư'],
			due_date: hanoiDate(20)
		})
	);
	readerPath = `/documents/${live.doc.id}`;
	const ready = (page, role, name) => () => page.getByRole(role, { name }).first().waitFor();
	screens = {
		secretary1: (page) => [
			['/', ready(page, 'heading', /^Xin chào, /)],
			['/meetings', ready(page, 'link', 'Phiên họp kiểm tra bố cục màn hình')],
			[`/meetings/${live.meeting.id}`, () => page.getByTestId('current-item').waitFor()],
			[`/meetings/${live.meeting.id}/edit`, ready(page, 'heading', 'Chương trình họp')],
			['/meetings/new', ready(page, 'heading', 'Tạo phiên họp')],
			[`/documents/${live.doc.id}`, () => page.locator('.page canvas').waitFor()],
			['/ballots', ready(page, 'link', ballot.title)],
			[`/ballots/${ballot.id}`, () => page.getByTestId('ballot-progress').waitFor()],
			['/ballots/new', ready(page, 'heading', 'Tạo phiếu lấy ý kiến')],
			['/conclusions', ready(page, 'link', /Kết luận kiểm tra bố cục/)],
			[`/meetings/${id}/conclusion`, () => page.getByTestId('conclusion').waitFor()],
			['/tasks', () => page.getByTestId('task').first().waitFor()],
			[`/tasks/${task.id}`, () => page.getByTestId('task-lead').waitFor()],
			['/tasks/new', ready(page, 'heading', 'Giao nhiệm vụ')],
			['/tasks/stats', () => page.getByTestId('stats-table').waitFor()],
			['/savings', () => page.getByTestId('ledger-meetings').waitFor()],
			[`/savings/meetings/${id}`, () => page.getByTestId('ledger-lines').waitFor()],
			[`/savings/ballots/${ballot.id}`, () => page.getByTestId('ledger-lines').waitFor()],
			['/members', () => page.locator('tbody tr').first().waitFor()],
			['/account', ready(page, 'heading', 'Tài khoản')]
		],
		admin: (page) => [
			['/settings', () => page.getByLabel('Múi giờ').waitFor()],
			['/audit', () => page.getByTestId('audit').waitFor()]
		],
		member12: (page) => [
			[`/meetings/${live.meeting.id}`, () => page.getByTestId('current-item').waitFor()],
			[`/documents/${live.doc.id}`, () => page.locator('.page canvas').waitFor()],
			[`/ballots/${ballot.id}`, ready(page, 'button', 'Gửi ý kiến')]
		]
	};
	b = await openBrowser();
});
after(async () => b?.close());

for (const who of ['secretary1', 'admin', 'member12']) {
	test(`every screen of ${who} at 1024×768 and 768×1024 shows all its content or a visible way to it`, async () => {
		const { page } = await newSession(b.browser, b.violations);
		await signIn(page, who);
		const problems = [];
		for (const size of SIZES) {
			await page.setViewportSize(size);
			for (const [path, ready] of screens[who](page)) {
				await page.goto(path);
				await ready();
				await page.evaluate(() => document.fonts.ready);
				for (const p of await cutOffContent(page)) problems.push(`${path} at ${size.width}×${size.height}: ${p}`);
				await screenshot(page, `layout-${who}-${path.replaceAll('/', '_') || 'home'}-${size.width}`);
			}
		}
		assert.deepEqual(problems, []);
		await page.context().close();
	});
}

test('the reader uses the whole width, and notes never squeeze the page unreadable', async () => {
	const { page } = await newSession(b.browser, b.violations);
	await signIn(page, 'member12');
	for (const size of SIZES) {
		await page.setViewportSize(size);
		await page.goto(readerPath);
		await page.locator('.page canvas').waitFor();
		assert.equal(await page.getByRole('navigation', { name: 'Điều hướng chính' }).count(), 0, 'the side menu is folded away');
		const stage = page.getByRole('region', { name: /^Trang \d+\/\d+$/ });
		assert.ok((await page.getByRole('toolbar').boundingBox()).width > size.width * 0.9, 'the reader takes the width');
		await page.getByRole('button', { name: 'Ghi chú riêng' }).click();
		await page.getByLabel(/^Ghi chú trang/).waitFor();
		const { width } = await stage.boundingBox();
		assert.ok(width >= Math.min(size.width * 0.6, 600), `with the notes open the page keeps ${Math.round(width)} px of ${size.width}`);
		await screenshot(page, `reader-notes-${size.width}`);
		await page.getByRole('button', { name: 'Hiện menu' }).click();
		await page.getByRole('navigation', { name: 'Điều hướng chính' }).waitFor();
		await page.getByRole('button', { name: 'Thu gọn menu' }).click();
	}
	await page.context().close();
});

test('no Content-Security-Policy violation', () => assertNoViolations(b.violations));
