import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { lowContrastText, overflowsSideways, smallTargets, unlabelledControls } from '../audit.mjs';
import { assertNoViolations, openBrowser, PASSWORD, screenshot, signIn } from '../browser.mjs';
import { liveMeeting, openBallot } from '../fixtures.mjs';

let b;
before(async () => (b = await openBrowser()));
after(async () => b?.close());

const VIEWPORTS = {
	'tablet landscape': { width: 1024, height: 768 },
	'tablet portrait': { width: 768, height: 1024 },
	'large tablet': { width: 1366, height: 1024 },
	phone: { width: 390, height: 844 }
};

async function audit(label) {
	const { page } = b;
	assert.deepEqual(await smallTargets(page), [], `${label}: touch targets under 44 px`);
	assert.deepEqual(await unlabelledControls(page), [], `${label}: controls without a label`);
	assert.deepEqual(await lowContrastText(page), [], `${label}: text under AA contrast`);
	assert.equal(await overflowsSideways(page), false, `${label}: scrolls sideways`);
}

test('signing in with the keyboard alone, with a visible focus', async () => {
	const { page } = b;
	await page.goto('/login');
	await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
	await audit('sign-in');
	const focused = [];
	for (let i = 0; i < 3; i++) {
		await page.keyboard.press('Tab');
		focused.push(
			await page.evaluate(() => {
				const el = document.activeElement;
				const s = getComputedStyle(el);
				return { label: el.id || el.textContent.trim(), outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };
			})
		);
	}
	assert.deepEqual(
		focused.map((f) => f.label),
		['VI', 'EN', 'login-username']
	);
	assert.ok(focused.every((f) => f.outline), 'every focused control shows a focus ring');
	await page.keyboard.type('member03');
	await page.keyboard.press('Tab');
	await page.keyboard.type(PASSWORD);
	await page.keyboard.press('Enter');
	await page.getByRole('heading', { name: /^Xin chào, / }).waitFor();

	// The first Tab offers to skip to the content.
	await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Chuyển đến nội dung chính');
	await page.keyboard.press('Enter');
	assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
});

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
	test(`every screen at ${name} (${viewport.width}×${viewport.height}): targets, labels, contrast, no sideways scroll`, async () => {
		const { page } = b;
		await page.setViewportSize(viewport);
		for (const [path, heading] of [
			['/', /^Xin chào, /],
			['/members', 'Thành viên']
		]) {
			await page.goto(path);
			await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
			if (path === '/members') await page.locator('tbody tr').first().waitFor();
			await audit(`${path} at ${name}`);
			if (name !== 'tablet landscape') await screenshot(page, `${path === '/' ? 'home' : 'members'}-${name.replace(' ', '-')}`);
		}
	});
}

test('the settings screen passes the same audits', async () => {
	const { page } = b;
	await page.setViewportSize(VIEWPORTS['tablet landscape']);
	await page.getByRole('button', { name: 'Đăng xuất' }).click();
	await page.waitForURL('**/login');
	await signIn(page, 'admin');
	for (const [name, viewport] of Object.entries(VIEWPORTS)) {
		await page.setViewportSize(viewport);
		await page.goto('/settings');
		await page.getByLabel('Múi giờ').waitFor();
		await audit(`/settings at ${name}`);
		if (name === 'tablet portrait') await screenshot(page, 'settings-tablet-portrait');
	}
});

test('the session, reader and ballot screens pass the same audits', async () => {
	const { page } = b;
	const fx = await liveMeeting({ title: 'Phiên họp kiểm tra khả năng tiếp cận', member: 'member11' });
	const { ballot } = await openBallot('Phiếu lấy ý kiến kiểm tra khả năng tiếp cận');
	await page.setViewportSize(VIEWPORTS['tablet landscape']);
	await page.getByRole('button', { name: 'Đăng xuất' }).click();
	await page.waitForURL('**/login');
	await signIn(page, 'member11');
	const screens = [
		['/meetings', 'meetings', () => page.getByRole('link', { name: 'Phiên họp kiểm tra khả năng tiếp cận' }).waitFor()],
		[`/meetings/${fx.meeting.id}`, 'session', () => page.getByTestId('current-item').waitFor()],
		[`/documents/${fx.doc.id}`, 'reader', () => page.locator('.page canvas').waitFor()],
		['/ballots', 'ballots', () => page.getByRole('link', { name: ballot.title }).waitFor()],
		[`/ballots/${ballot.id}`, 'ballot', () => page.getByRole('button', { name: 'Gửi ý kiến' }).waitFor()]
	];
	for (const [name, viewport] of Object.entries(VIEWPORTS)) {
		await page.setViewportSize(viewport);
		for (const [path, shot, ready] of screens) {
			await page.goto(path);
			await ready();
			await audit(`${path} at ${name}`);
			if (name !== 'tablet landscape') await screenshot(page, `${shot}-${name.replace(' ', '-')}`);
		}
	}
});

test('no Content-Security-Policy violation', () => assertNoViolations(b.violations));
