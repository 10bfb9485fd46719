import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoViolations, openBrowser, screenshot, signIn } from '../browser.mjs';

let b;
before(async () => (b = await openBrowser()));
after(async () => b?.close());

test('English by the visible switch, for the app and the server’s messages', async () => {
	const { page } = b;
	await page.goto('/login');
	await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
	await page.getByRole('button', { name: 'English' }).click();
	await page.getByRole('heading', { name: 'Sign in' }).waitFor();
	assert.equal(await page.locator('html').getAttribute('lang'), 'en');
	assert.equal(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');

	await page.getByLabel('Username').fill('chair');
	await page.getByLabel('Password').fill('wrong-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	const alert = page.getByRole('alert');
	await alert.waitFor();
	assert.equal((await alert.textContent())?.trim(), 'Wrong username or password.');
});

test('the choice is kept after a reload and applies to the whole app', async () => {
	const { page } = b;
	await page.reload();
	await page.getByRole('heading', { name: 'Sign in' }).waitFor();
	await signIn(page, 'chair');
	await page.getByRole('heading', { name: /^Welcome, / }).waitFor();
	const nav = page.getByRole('navigation', { name: 'Main navigation' });
	const links = (await nav.getByRole('link').allTextContents()).map((x) => x.trim());
	assert.deepEqual(links, ['Home', 'Sessions', 'Ballots', 'Conclusions', 'Tasks', 'Savings', 'Members', 'Body settings', 'Account']);
	assert.match(await page.locator('main').textContent(), /Today: \w+day, \d{1,2} \w+ 20\d\d/);
	await screenshot(page, 'home-en');
});

test('back to Vietnamese', async () => {
	const { page } = b;
	await page.getByRole('button', { name: 'Tiếng Việt' }).click();
	await page.getByRole('heading', { name: /^Xin chào, / }).waitFor();
	assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
	await page.reload();
	await page.getByRole('heading', { name: /^Xin chào, / }).waitFor();
});

test('no Content-Security-Policy violation', () => assertNoViolations(b.violations));
