import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, assertNoViolations, openBrowser, screenshot, signIn } from '../browser.mjs';

let b;
before(async () => (b = await openBrowser()));
after(async () => b?.close());

const saveButton = () => b.page.getByRole('button', { name: 'Lưu thay đổi' });

async function bodySettings() {
	const admin = await apiAs('admin');
	return (await (await admin('GET', '/body')).json()).settings;
}

test('the admin opens the body settings', async () => {
	const { page } = b;
	await page.goto('/');
	await signIn(page, 'admin');
	await page.getByRole('navigation').getByRole('link', { name: 'Cấu hình cơ quan' }).click();
	await page.getByRole('heading', { name: 'Cấu hình cơ quan', level: 1 }).waitFor();
	assert.equal(await page.getByLabel('Múi giờ').inputValue(), 'Asia/Ho_Chi_Minh');
	assert.equal(await page.getByLabel('Túc số: tử số').inputValue(), '2');
	assert.equal(await page.getByLabel('Túc số: mẫu số').inputValue(), '3');
	await screenshot(page, 'settings');
});

test('the admin changes a setting; it is stored', async () => {
	const { page } = b;
	const field = page.getByLabel('Số bộ in dự phòng cho mỗi tài liệu');
	await field.fill('7');
	await page.getByLabel('In hai mặt').uncheck();
	await saveButton().click();
	await page.getByRole('status').filter({ hasText: 'Đã lưu cấu hình.' }).waitFor();
	const stored = await bodySettings();
	assert.equal(stored.reserve_copies, 7);
	assert.equal(stored.duplex, false);
	await page.reload();
	await page.getByRole('heading', { name: 'Cấu hình cơ quan', level: 1 }).waitFor();
	assert.equal(await field.inputValue(), '7');
	assert.equal(await page.getByLabel('In hai mặt').isChecked(), false);
});

test('a value the server refuses shows its message on the right field', async () => {
	const { page } = b;
	const tz = page.getByLabel('Múi giờ');
	await tz.fill('Sao Hỏa/Olympus');
	await saveButton().click();
	const error = page.locator('#setting-timezone-error');
	await error.waitFor();
	assert.equal((await error.textContent())?.trim(), 'Giá trị của trường "timezone" không hợp lệ.');
	assert.equal(await tz.getAttribute('aria-invalid'), 'true');
	assert.match(await tz.getAttribute('aria-describedby'), /setting-timezone-error/);
	assert.equal(await page.evaluate(() => document.activeElement?.id), 'setting-timezone');
	await page.getByRole('alert').filter({ hasText: 'Chưa lưu được' }).waitFor();
	await screenshot(page, 'settings-error');
	assert.equal((await bodySettings()).timezone, 'Asia/Ho_Chi_Minh', 'nothing was stored');

	// Another field: the quorum cannot exceed all members.
	await tz.fill('Asia/Ho_Chi_Minh');
	await page.getByLabel('Túc số: tử số').fill('4');
	await saveButton().click();
	await page.locator('#setting-quorum_numerator-error').waitFor();
	assert.equal(await page.locator('#setting-timezone-error').count(), 0, 'the earlier error is gone');
	await page.getByLabel('Túc số: tử số').fill('2');
});

test('text where a number belongs is caught before sending', async () => {
	const { page } = b;
	let writes = 0;
	page.on('request', (r) => r.method() === 'PUT' && writes++);
	await page.getByLabel('Chi phí mỗi trang (đồng)').fill('mười lăm');
	await saveButton().click();
	await page.locator('#setting-cost_per_page_vnd-error').filter({ hasText: 'Vui lòng nhập một số nguyên.' }).waitFor();
	assert.equal(writes, 0);
});

test('the secretariat sees the settings read-only; members do not have them in the menu', async () => {
	const { page } = b;
	await page.getByRole('button', { name: 'Đăng xuất' }).click();
	await page.waitForURL('**/login');
	await signIn(page, 'secretary1');
	await page.getByRole('navigation').getByRole('link', { name: 'Cấu hình cơ quan' }).click();
	await page.getByText('Chỉ quản trị hệ thống được thay đổi cấu hình này.').waitFor();
	assert.equal(await saveButton().count(), 0);
	assert.equal(await page.getByLabel('Múi giờ').isDisabled(), true);
	await page.getByRole('button', { name: 'Đăng xuất' }).click();
	await page.waitForURL('**/login');
	await signIn(page, 'member05');
	const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
	assert.equal(await nav.getByRole('link', { name: 'Cấu hình cơ quan' }).count(), 0);
});

test('no Content-Security-Policy violation', () => assertNoViolations(b.violations));
