import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertAccessible } from '../audit.mjs';
import { apiAs, assertNoViolations, ok, openBrowser, PASSWORD, refuseBrowserDialogs, screenshot, signIn } from '../browser.mjs';
import { closedMeeting } from '../fixtures.mjs';

// Digital signatures: the secretariat's head initials a published
// conclusion notice, the chair signs it in the app after entering the
// password again, and everyone sees it signed by members, with the
// signed original offered apart from the stamped reading copy.
let b;
let chair;
let fx;
before(async () => {
	fx = await closedMeeting('Phiên họp chuyên đề về xây dựng pháp luật tháng 12 năm 2026');
	const id = fx.meeting.id;
	await ok(
		await fx.sec('PUT', `/meetings/${id}/conclusion`, {
			number: '320/TB-VPCP',
			title: 'Kết luận của Thủ tướng Chính phủ tại Phiên họp chuyên đề về xây dựng pháp luật',
			text: 'Chính phủ thống nhất thông qua các dự án luật đã trình.',
			items: []
		})
	);
	await ok(await fx.sec('POST', `/meetings/${id}/conclusion/publish`));
	// The head of the secretariat initials first, through the API.
	const head = await apiAs('secretary1');
	await ok(await head('POST', `/meetings/${id}/issued/conclusion`, { password: PASSWORD }));
	b = await openBrowser();
	chair = b.page;
	refuseBrowserDialogs(chair, b.violations);
	await signIn(chair, 'chair');
});
after(async () => b?.close());

test('the chair signs the conclusion notice after entering the password again', async () => {
	await chair.goto(`/meetings/${fx.meeting.id}/conclusion`);
	const panel = chair.getByRole('region', { name: /Ký số văn bản/ });
	await panel.getByText('Chưa ký').waitFor();
	await panel.getByRole('button', { name: 'Ký số' }).click();
	// A wrong password signs nothing.
	await panel.getByLabel('Nhập lại mật khẩu để ký').fill('không phải mật khẩu');
	await panel.getByRole('button', { name: 'Ký số' }).click();
	await panel.getByText(/văn bản chưa được ký/).waitFor();
	await panel.getByLabel('Nhập lại mật khẩu để ký').fill(PASSWORD);
	await panel.getByRole('button', { name: 'Ký số' }).click();
	await panel.getByRole('status').filter({ hasText: 'Đã ký số văn bản.' }).waitFor();
	assert.equal(await panel.getByText('Đã ký', { exact: true }).count(), 2);
	await assertAccessible(chair, 'signing-panel');
	await screenshot(chair, 'signing-panel');
});

test('the signed notice shows its signatures by members and offers the signed original', async () => {
	await chair.getByRole('link', { name: 'Mở văn bản đã ký' }).click();
	const sigs = chair.getByTestId('signature');
	await sigs.nth(1).waitFor();
	assert.equal(await sigs.count(), 2);
	await sigs.nth(0).getByText('Ký bởi Lê Thu Hà').waitFor();
	await sigs.nth(1).getByText('Ký bởi Nguyễn Minh Đức').waitFor();
	for (const i of [0, 1]) {
		await sigs.nth(i).getByText('Chữ ký hợp lệ').waitFor();
		await sigs.nth(i).getByText('Không thay đổi sau khi ký').waitFor();
		await sigs.nth(i).getByText('Chứng thư do CA tin cậy cấp').waitFor();
	}
	await chair.getByText(/không phải bản gốc đã ký/).waitFor();
	const href = await chair.getByRole('link', { name: 'Tải bản gốc đã ký' }).getAttribute('href');
	const [status, disposition, head] = await chair.evaluate(
		(u) => fetch(u).then(async (r) => [r.status, r.headers.get('content-disposition'), new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5))]),
		href
	);
	assert.equal(status, 200);
	assert.match(disposition, /^attachment/);
	assert.equal(head, '%PDF-');
	await screenshot(chair, 'signed-document');

	// Members see it signed in the session's documents.
	const member = await apiAs('member05');
	const docs = await ok(await member('GET', `/meetings/${fx.meeting.id}/documents`));
	const notice = docs.find((d) => d.issued === 'conclusion');
	assert.ok(notice, 'the signed notice is a document of the session');
	assert.deepEqual(
		notice.current.signatures.map((s) => [s.signer, s.valid, s.trusted, s.modified]),
		[
			['Lê Thu Hà', true, true, false],
			['Nguyễn Minh Đức', true, true, false]
		]
	);
	assertNoViolations(b.violations);
});

test("the admin sees the demo CA, the signers' certificates and who signs what", async () => {
	const { page } = b;
	await page.getByRole('button', { name: 'Đăng xuất' }).click();
	await page.waitForURL('**/login');
	await signIn(page, 'admin');
	await page.getByRole('navigation').getByRole('link', { name: 'Chữ ký số' }).click();
	await page.getByRole('heading', { name: 'CA tin cậy' }).waitFor();
	await page.getByText(/e-Cabinet DEMO CA/).waitFor();
	const certs = page.getByRole('region', { name: 'Chứng thư ký số của người ký' });
	await certs.getByText('Lê Thu Hà', { exact: true }).waitFor();
	await certs.getByText('Nguyễn Minh Đức', { exact: true }).waitFor();
	const notices = page.locator('.kind').filter({ hasText: 'Thông báo kết luận' });
	assert.deepEqual(
		(await notices.locator('li > span').allInnerTexts()).map((s) => s.trim()),
		['Lê Thu Hà', 'Nguyễn Minh Đức']
	);
	await assertAccessible(page, 'signing-admin');
	await screenshot(page, 'signing-admin');
	assertNoViolations(b.violations);
});
