import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoViolations, endSessionsOf, openBrowser, screenshot, signIn } from '../browser.mjs';

let b;
before(async () => (b = await openBrowser()));
after(async () => b?.close());

test('an unknown visitor lands on the sign-in screen, in Vietnamese', async () => {
	const { page } = b;
	await page.goto('/members');
	await page.waitForURL('**/login?next=%2Fmembers');
	assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
	await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
	await screenshot(page, 'login');
});

test('a wrong password shows the server’s Vietnamese error', async () => {
	const { page } = b;
	await page.getByLabel('Tên đăng nhập').fill('member01');
	await page.getByLabel('Mật khẩu').fill('not-the-password');
	await page.getByRole('button', { name: 'Đăng nhập' }).click();
	const alert = page.getByRole('alert');
	await alert.waitFor();
	assert.equal((await alert.textContent())?.trim(), 'Tên đăng nhập hoặc mật khẩu không đúng.');
	assert.equal(await page.getByLabel('Mật khẩu').inputValue(), '', 'the password is cleared');
	await screenshot(page, 'login-error');
});

test('member01 signs in, returns where they were heading, and sees the members directory', async () => {
	const { page } = b;
	await signIn(page, 'member01');
	await page.waitForURL('**/members');
	await page.getByRole('heading', { name: 'Thành viên', level: 1 }).waitFor();
	const members = await page.evaluate(async () => (await fetch('/api/v1/members')).json());
	assert.ok(members.length >= 27, `the demo body has its members (${members.length})`);
	await page.locator('tbody tr').first().waitFor();
	assert.equal(await page.locator('tbody tr').count(), members.length);
	const first = page.locator('tbody tr').first();
	assert.match(await first.textContent(), new RegExp(members[0].full_name));
	await screenshot(page, 'members');

	// Search ignores Vietnamese tones.
	const someone = members.find((m) => m.role === 'member');
	const plain = someone.full_name.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd');
	await page.getByLabel('Tìm kiếm').fill(plain.toLowerCase());
	await page.getByRole('row', { name: new RegExp(someone.full_name) }).waitFor();
});

test('the home screen greets the member and offers only screens that exist for the role', async () => {
	const { page } = b;
	await page.getByRole('navigation').getByRole('link', { name: 'Trang chủ' }).click();
	await page.waitForURL((url) => url.pathname === '/');
	await page.getByRole('heading', { name: /^Xin chào, / }).waitFor();
	const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
	const links = (await nav.getByRole('link').allTextContents()).map((x) => x.trim());
	assert.deepEqual(links, ['Trang chủ', 'Phiên họp', 'Phiếu lấy ý kiến', 'Kết luận', 'Nhiệm vụ', 'Thành viên', 'Tài khoản']);
	assert.match(await page.locator('main').textContent(), /Hôm nay:/);
	// The real-time connection to the server's hub is up.
	await page.getByRole('status').filter({ hasText: 'Trực tuyến' }).waitFor();
	await screenshot(page, 'home');
});

test('a sign-in ended by the server returns to sign-in, keeping the path, and back after signing in', async () => {
	const { page } = b;
	await page.getByRole('navigation').getByRole('link', { name: 'Thành viên' }).click();
	await page.waitForURL('**/members');
	await endSessionsOf('member01');
	// The tablet comes back online: the app checks its connection and learns the sign-in ended.
	await page.evaluate(() => dispatchEvent(new Event('online')));
	await page.waitForURL('**/login?next=%2Fmembers');
	await page.getByText('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.').waitFor();
	await signIn(page, 'member01');
	await page.waitForURL('**/members');

	// Opening the app after the sign-in ended also keeps the way back.
	await endSessionsOf('member01');
	await page.reload();
	await page.waitForURL('**/login?next=%2Fmembers');
	await signIn(page, 'member01');
	await page.waitForURL('**/members');
});

test('signing out returns to the sign-in screen', async () => {
	const { page } = b;
	await page.getByRole('button', { name: 'Đăng xuất' }).click();
	await page.waitForURL((url) => url.pathname === '/login' && url.search === '');
	await page.getByText('Bạn đã đăng xuất.').waitFor();
	const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
	assert.equal(me, 401);
});

test('no Content-Security-Policy violation', () => assertNoViolations(b.violations));
