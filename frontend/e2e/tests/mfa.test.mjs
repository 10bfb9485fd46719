import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { lowContrastText, smallTargets, unlabelledControls } from '../audit.mjs';
import { assertNoViolations, openBrowser, PASSWORD, screenshot, signIn } from '../browser.mjs';
import { totp } from '../totp.mjs';

// The second factor: a member enrols an authenticator app (the test
// computes its codes), signs out, and signs in again with a code.
let b;
before(async () => (b = await openBrowser()));
after(async () => b?.close());

let secret;
test('a member enrols an authenticator app and keeps the recovery codes', async () => {
	const { page } = b;
	await page.goto('/');
	await signIn(page, 'member20');
	await page.getByRole('navigation').getByRole('link', { name: 'Tài khoản' }).click();
	await page.getByRole('button', { name: 'Bật xác thực hai lớp' }).click();
	await page.getByRole('img', { name: 'Mã QR để thêm tài khoản e-Cabinet vào ứng dụng xác thực' }).waitFor();
	secret = (await page.getByTestId('mfa-secret').textContent()).replace(/\s+/g, '');
	assert.match(secret, /^[A-Z2-7]{32}$/);
	assert.deepEqual(await smallTargets(page), []);
	assert.deepEqual(await unlabelledControls(page), []);
	assert.deepEqual(await lowContrastText(page), []);
	await screenshot(page, 'account-mfa');
	await page.getByLabel('Mã xác thực').fill('000000' === totp(secret, -1) ? '111111' : '000000');
	await page.getByRole('button', { name: 'Xác nhận và bật' }).click();
	await page.locator('#mfa-code-error').waitFor();
	// A code of the previous step is still accepted (clock drift), leaving the next ones for signing in.
	await page.getByLabel('Mã xác thực').fill(totp(secret, -1));
	await page.getByRole('button', { name: 'Xác nhận và bật' }).click();
	const codes = page.getByTestId('recovery-codes').locator('li');
	await codes.first().waitFor();
	assert.equal(await codes.count(), 10);
	await screenshot(page, 'account-recovery-codes');
	await page.getByRole('button', { name: 'Tôi đã lưu các mã khôi phục' }).click();
	await page.getByText('Đã bật xác thực hai lớp.').waitFor();
	await page.getByText('Đang bật', { exact: true }).waitFor();
});

test('signing in then asks for the code, says a wrong one on the field, and accepts the right one', async () => {
	const { page } = b;
	await page.getByRole('button', { name: 'Đăng xuất' }).click();
	await page.waitForURL('**/login');
	await page.getByLabel('Tên đăng nhập').fill('member20');
	await page.getByLabel('Mật khẩu').fill(PASSWORD);
	await page.getByRole('button', { name: 'Đăng nhập' }).click();
	const code = page.getByLabel('Mã xác thực');
	await code.waitFor();
	await code.fill(totp(secret, 0) === '000000' ? '111111' : '000000');
	await page.getByRole('button', { name: 'Xác nhận' }).click();
	await page.locator('#login-code-error').filter({ hasText: 'Mã xác thực hai lớp không đúng.' }).waitFor();
	assert.equal(await code.getAttribute('aria-invalid'), 'true');
	assert.deepEqual(await smallTargets(page), []);
	await screenshot(page, 'login-code');
	await code.fill(totp(secret, 0));
	await page.getByRole('button', { name: 'Xác nhận' }).click();
	await page.getByRole('heading', { name: /^Xin chào, / }).waitFor();
});

test('no Content-Security-Policy violation', () => assertNoViolations(b.violations));
