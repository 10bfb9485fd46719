// Helpers of the browser tests: a headless Chromium page on the server under
// test, with every Content-Security-Policy violation recorded.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE = process.env.E2E_BASE_URL ?? assert.fail('E2E_BASE_URL is not set: run the tests with `npm run e2e`');
export const PASSWORD = process.env.ECABINET_DEMO_PASSWORD ?? 'ecabinet-demo';
export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });

export const TABLET_LANDSCAPE = { width: 1024, height: 768 };

/**
 * Launches Chromium and opens a page. The returned `violations` lists every
 * CSP violation seen (the securitypolicyviolation event and the console).
 */
export async function openBrowser({ viewport = TABLET_LANDSCAPE, baseURL = BASE } = {}) {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--lang=vi-VN'
		]
	});
	const violations = [];
	const { context, page } = await newSession(browser, violations, { viewport, baseURL });
	return { browser, context, page, violations, close: () => browser.close() };
}

/**
 * Another signed-out browser context on the same browser (another person's
 * tablet), recording CSP violations into violations.
 */
export async function newSession(browser, violations, { viewport = TABLET_LANDSCAPE, baseURL = BASE } = {}) {
	// A Vietnamese tablet: the browser's own controls (date pickers) follow its locale.
	const context = await browser.newContext({ viewport, baseURL, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
	await context.exposeBinding('__reportCSP', (_src, text) => violations.push(text));
	await context.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) =>
			// @ts-ignore: the binding exposed above
			window.__reportCSP(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`)
		);
	});
	const page = await context.newPage();
	const watch = (p) =>
		p.on('console', (msg) => {
			if (/Content[- ]Security[- ]Policy/i.test(msg.text())) violations.push(msg.text());
		});
	watch(page);
	context.on('page', watch);
	return { context, page };
}

/** Signs in through the form on /login and waits for the home screen. */
export async function signIn(page, username, password = PASSWORD) {
	if (!new URL(page.url()).pathname.startsWith('/login')) await page.goto('/login');
	await page.getByLabel(/Tên đăng nhập|Username/).fill(username);
	await page.getByLabel(/Mật khẩu|Password/).fill(password);
	await page.getByRole('button', { name: /^(Đăng nhập|Sign in)$/ }).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

export async function screenshot(page, name) {
	await page.evaluate(() => document.fonts.ready);
	await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: false });
}

export function assertNoViolations(violations) {
	assert.deepEqual(violations, [], 'Content-Security-Policy violations');
}

/** An API client outside the browser, signed in as username. */
export async function apiAs(username, password = PASSWORD) {
	const res = await fetch(`${BASE}/api/v1/auth/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ username, password })
	});
	assert.equal(res.status, 200, `sign in as ${username}`);
	const me = await res.json();
	const cookie = res.headers.get('set-cookie').split(';')[0];
	const call = (method, path, body, headers = {}) =>
		fetch(`${BASE}/api/v1${path}`, {
			method,
			headers: { Cookie: cookie, 'X-CSRF-Token': me.csrf_token, 'Content-Type': 'application/json', ...headers },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	call.me = me;
	/** Uploads a PDF (bytes) as a document's new version. */
	call.upload = (documentId, bytes, filename = 'tai-lieu.pdf') => {
		const form = new FormData();
		form.append('file', new Blob([bytes], { type: 'application/pdf' }), filename);
		return fetch(`${BASE}/api/v1/documents/${documentId}/versions`, {
			method: 'POST',
			headers: { Cookie: cookie, 'X-CSRF-Token': me.csrf_token },
			body: form
		});
	};
	return call;
}

/** The JSON of a call that must succeed. */
export async function ok(res) {
	const text = await res.text();
	assert.ok(res.ok, `${res.status} ${res.url}: ${text}`);
	return text ? JSON.parse(text) : undefined;
}

/** Ends every sign-in of a member, as the admin does. */
export async function endSessionsOf(username) {
	const admin = await apiAs('admin');
	const members = await (await admin('GET', '/members')).json();
	const member = members.find((m) => m.username === username);
	const res = await admin('DELETE', `/members/${member.id}/sessions`);
	assert.equal(res.status, 200, `end the sign-ins of ${username}`);
}

/**
 * Fails the test's violation check on any browser dialog (confirm, alert):
 * the app asks in its own dialogs, in the member's language.
 */
export function refuseBrowserDialogs(page, violations) {
	page.on('dialog', (d) => {
		violations.push(`browser ${d.type()} dialog: ${d.message()}`);
		void d.dismiss();
	});
}

/** Goes ahead in the app's own confirmation dialog titled title, by its button named button. */
export async function confirmInApp(page, title, button) {
	const dialog = page.getByRole('dialog', { name: title });
	await dialog.getByRole('button', { name: button, exact: true }).click();
	await dialog.waitFor({ state: 'hidden' });
}
