import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoViolations, BASE, endSessionsOf, openBrowser, screenshot, signIn } from '../browser.mjs';
import { startProxy } from '../proxy.mjs';

// The app runs behind a proxy that the test closes: the server is then
// really gone for the browser, service worker included.
let proxy;
let b;
before(async () => {
	proxy = await startProxy(BASE);
	b = await openBrowser({ baseURL: proxy.url });
});
after(async () => {
	await b?.close();
	await proxy?.close();
});

test('a first visit installs the app shell', async () => {
	const { page } = b;
	await page.goto('/');
	await signIn(page, 'member02');
	await page.getByRole('heading', { name: /^Xin chào, / }).waitFor();
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
	const cached = await page.evaluate(async () => {
		const keys = await caches.keys();
		const cache = await caches.open(keys[0]);
		return (await cache.keys()).map((r) => new URL(r.url).pathname);
	});
	assert.ok(cached.includes('/'), 'the page is kept');
	assert.ok(cached.some((p) => p.endsWith('.woff2')), 'the fonts are kept');
	assert.ok(!cached.some((p) => p.startsWith('/api/')), 'no API answer is kept');
});

test('losing the network while signed in shows the offline state', async () => {
	const { page, context } = b;
	await proxy.close();
	await context.setOffline(true);
	await page.getByText('Thiết bị đang ngoại tuyến. Dữ liệu mới sẽ được cập nhật khi có mạng trở lại.').waitFor();
	const indicator = page.getByRole('status', { name: 'Kết nối trực tuyến' });
	await indicator.filter({ hasText: 'Ngoại tuyến' }).waitFor();
	await screenshot(page, 'offline-shell');
});

test('without network the app still starts, signed in from the kept sign-in, and says so', async () => {
	const { page } = b;
	await page.reload();
	await page.getByText('Không có mạng: ứng dụng mở bằng thông tin đăng nhập lưu trên thiết bị và sẽ kiểm tra lại khi có mạng.').waitFor();
	await page.getByRole('heading', { name: /^Xin chào, / }).waitFor();
	const kept = await page.evaluate(() => localStorage.getItem('ecabinet.me'));
	assert.ok(kept && !kept.includes('csrf'), 'the kept sign-in has no CSRF token');
	const fontsLoaded = await page.evaluate(async () => {
		await document.fonts.ready;
		return document.fonts.check('16px "Be Vietnam Pro"', 'Việt');
	});
	assert.equal(fontsLoaded, true, 'the Vietnamese font is available offline');
	await screenshot(page, 'offline');
});

test('when the network returns, the app confirms the sign-in and continues where it was', async () => {
	const { page, context } = b;
	proxy = await startProxy(BASE, proxy.port);
	await context.setOffline(false);
	await page.getByRole('status', { name: 'Kết nối trực tuyến' }).filter({ hasText: 'Trực tuyến' }).waitFor();
	await page.getByRole('heading', { name: /^Xin chào, / }).waitFor();
	// The sign-in is confirmed by a request of its own once connected: the notice goes then.
	await page.getByText('Không có mạng: ứng dụng mở bằng').waitFor({ state: 'detached' });
});

test('a sign-in that ended while offline sends the member to sign in when the network returns', async () => {
	const { page, context } = b;
	await proxy.close();
	await context.setOffline(true);
	await page.reload();
	await page.getByRole('heading', { name: /^Xin chào, / }).waitFor();
	await endSessionsOf('member02');
	proxy = await startProxy(BASE, proxy.port);
	await context.setOffline(false);
	await page.waitForURL('**/login**');
	await page.getByText('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.').waitFor();
	assert.equal(await page.evaluate(() => localStorage.getItem('ecabinet.me')), null, 'nothing kept after the sign-in ended');
});

test('no Content-Security-Policy violation', () => assertNoViolations(b.violations));
