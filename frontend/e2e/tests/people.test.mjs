import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { assertAccessible } from '../audit.mjs';
import { assertNoViolations, BASE, newSession, openBrowser, screenshot } from '../browser.mjs';

// Running it for real: the operator creates a body with its command, its
// first admin opens the printed link and sets a password, imports the
// members from a CSV file (a dry run names each problem by line, then the
// corrected file goes in, and again changes nothing), keeps the list of
// organisations, and gives a member a one-time password link that works
// once.
const BIN = process.env.E2E_ECABINET_BIN ?? assert.fail('E2E_ECABINET_BIN is not set: run the tests with `npm run e2e`');
const DATA = process.env.E2E_DATA_DIR ?? assert.fail('E2E_DATA_DIR is not set');
const SLUG = `ubnd-lao-cai-${Date.now().toString(36)}`;
const ADMIN = `admin.${SLUG}`;
const ADMIN_PASSWORD = 'mật khẩu quản trị tỉnh';

/** Runs the server's binary on the server's database, as the operator does. */
function ecabinet(...args) {
	return execFileSync(BIN, args, { env: { ...process.env, ECABINET_DATA_DIR: DATA, ECABINET_LOG_LEVEL: 'warn' }, encoding: 'utf8' });
}

/** The one-time link a command or the app printed. */
const linkIn = (text) => text.match(/https?:\/\/\S+\/password#\S+/)?.[0] ?? assert.fail(`no link in:\n${text}`);

const HEADER = 'username,full_name,title,organization,role,clearance,voting,email';
const MEMBERS = [
	`${SLUG}.ct,Hoàng Văn Chủ,Chủ tịch UBND tỉnh,UBND tỉnh Lào Cai,chair,secret,có,chutich@laocai.gov.vn`,
	`${SLUG}.pct,Trần Thị Phó,Phó Chủ tịch UBND tỉnh,UBND tỉnh Lào Cai,member,confidential,có,`,
	`${SLUG}.syt,Lê Văn Y,Giám đốc Sở Y tế,Sở Y tế,member,none,có,`,
	`${SLUG}.vp,Đỗ Thị Văn,Chánh Văn phòng,Văn phòng UBND tỉnh,secretary,confidential,không,`
];

let b;
let page;
before(async () => {
	b = await openBrowser();
	page = b.page;
});
after(async () => b?.close());

let adminLink;
test('the operator creates a body; its first admin sets a password through the printed link', async () => {
	const out = ecabinet('body', 'create', '-slug', SLUG, '-name', 'Ủy ban nhân dân tỉnh Lào Cai', '-timezone', 'Asia/Ho_Chi_Minh',
		'-set', 'quorum_numerator=1', '-set', 'quorum_denominator=2', '-admin', ADMIN, '-admin-name', 'Nguyễn Văn An',
		'-admin-organization', 'Văn phòng UBND tỉnh', '-url', BASE);
	adminLink = linkIn(out);
	assert.match(ecabinet('body', 'list'), new RegExp(`${SLUG}\\s+Ủy ban nhân dân tỉnh Lào Cai\\s+Asia/Ho_Chi_Minh\\s+active\\s+1\\s+1`));
	// The same slug again: a clear error, nothing changed.
	assert.throws(() => ecabinet('body', 'create', '-slug', SLUG, '-name', 'X', '-admin', 'someone.else', '-admin-name', 'Y'), (err) =>
		err.stderr.includes(`A body with the slug "${SLUG}" exists; nothing was changed.`));

	await page.goto(adminLink.slice(BASE.length));
	await page.getByRole('heading', { name: 'Đặt mật khẩu', level: 1 }).waitFor();
	assert.match(await page.getByText(/Nguyễn Văn An, hãy đặt mật khẩu/).textContent(), /Ủy ban nhân dân tỉnh Lào Cai/);
	assert.equal(await page.getByLabel('Tên đăng nhập').inputValue(), ADMIN);
	await assertAccessible(page, 'set password');
	await screenshot(page, 'password-link');
	await page.getByLabel('Mật khẩu mới', { exact: true }).fill(ADMIN_PASSWORD);
	await page.getByLabel('Nhập lại mật khẩu mới').fill('một mật khẩu khác hẳn');
	await page.getByRole('button', { name: 'Đặt mật khẩu và đăng nhập' }).click();
	await page.getByText('Hai lần nhập mật khẩu không khớp.').waitFor();
	await page.getByLabel('Nhập lại mật khẩu mới').fill(ADMIN_PASSWORD);
	await page.getByRole('button', { name: 'Đặt mật khẩu và đăng nhập' }).click();
	await page.waitForURL((url) => url.pathname === '/');
	await page.getByRole('link', { name: 'Thành viên' }).first().waitFor();
	const me = await page.evaluate(() => fetch('/api/v1/me').then((r) => r.json()));
	assert.equal(me.member.username, ADMIN);
	assert.equal(me.body.slug, SLUG);
	assert.equal(me.body.settings.quorum_numerator, 1);
});

test('the admin imports the members from CSV: every problem by line first, then the file, then nothing more', async () => {
	await page.goto('/members');
	await page.getByRole('link', { name: 'Nhập từ CSV' }).click();
	await page.getByRole('heading', { name: 'Nhập thành viên từ tệp CSV', level: 1 }).waitFor();
	const bad = [
		HEADER,
		MEMBERS[0],
		MEMBERS[1].replace('member,confidential', 'member,kín'),
		MEMBERS[2],
		MEMBERS[2].replace('Lê Văn Y', 'Lê Văn Lặp'),
		`${MEMBERS[3]},thừa`
	].join('\n');
	await page.getByLabel('Tệp CSV').setInputFiles({ name: 'thanh-vien.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
	await page.getByRole('button', { name: 'Kiểm tra' }).click();
	await page.getByRole('alert').filter({ hasText: 'Tệp có dòng lỗi nên chưa nhập gì.' }).waitFor();
	const row = (line) => page.getByRole('row').filter({ has: page.getByRole('cell', { name: String(line), exact: true }) });
	assert.match(await row(3).textContent(), /độ mật: Độ mật "kín" không có/);
	assert.match(await row(5).textContent(), /đã có ở dòng 4 của tệp/);
	assert.match(await row(6).textContent(), /Dòng có 9 trường, cần đúng 8\./);
	// Organisations not in the list are problems until the admin lets the import add them.
	assert.match(await row(2).textContent(), /“UBND tỉnh Lào Cai” không có trong danh sách cơ quan|"UBND tỉnh Lào Cai" không có trong danh sách/);
	assert.equal(await page.getByRole('button', { name: 'Nhập vào hệ thống' }).count(), 0);
	await assertAccessible(page, 'import report');
	await screenshot(page, 'import-problems');

	const good = [HEADER, ...MEMBERS].join('\n');
	await page.getByLabel('Tệp CSV').setInputFiles({ name: 'thanh-vien.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
	await page.getByLabel('Thêm vào danh sách những cơ quan, đơn vị chưa có').check();
	await page.getByRole('button', { name: 'Kiểm tra' }).click();
	await page.getByRole('heading', { name: /4 thêm mới · 0 cập nhật · 0 không đổi · 0 dòng lỗi/ }).waitFor();
	assert.match(await row(2).textContent(), /thêm cơ quan “UBND tỉnh Lào Cai”/);
	await page.getByRole('button', { name: 'Nhập vào hệ thống' }).click();
	await page.getByRole('status').filter({ hasText: 'Đã nhập: 4 thêm mới, 0 cập nhật.' }).waitFor();

	// The same file again changes nothing.
	await page.getByRole('button', { name: 'Kiểm tra' }).click();
	await page.getByRole('heading', { name: /0 thêm mới · 0 cập nhật · 4 không đổi · 0 dòng lỗi/ }).waitFor();
	await page.getByText('Tệp không thay đổi gì.').waitFor();

	await page.getByRole('link', { name: 'Về danh sách thành viên' }).click();
	await page.getByRole('cell', { name: 'Giám đốc Sở Y tế' }).waitFor();
	// The export is the import's format.
	const csv = await page.evaluate(() => fetch('/api/v1/members/export.csv').then((r) => r.text()));
	assert.ok(csv.startsWith(`${HEADER}\n`), csv);
	assert.match(csv, new RegExp(`${SLUG}\\.syt,Lê Văn Y,Giám đốc Sở Y tế,Sở Y tế,member,none,true,`));
});

test('the admin keeps the organisations: one spelling each, renamed everywhere', async () => {
	await page.goto('/organizations');
	await page.getByRole('heading', { name: 'Cơ quan, đơn vị', level: 1 }).waitFor();
	await page.getByLabel('Tên cơ quan, đơn vị mới').fill('sở y  tế');
	await page.getByRole('button', { name: 'Thêm', exact: true }).click();
	await page.getByRole('alert').filter({ hasText: 'Danh sách đã có cơ quan, đơn vị "Sở Y tế".' }).waitFor();
	await page.getByLabel('Tên cơ quan, đơn vị mới').fill('Sở Tài chính');
	await page.getByRole('button', { name: 'Thêm', exact: true }).click();
	await page.getByRole('rowheader', { name: 'Sở Tài chính' }).waitFor();
	const syt = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Sở Y tế', exact: true }) });
	await syt.getByRole('button', { name: 'Đổi tên' }).click();
	await page.getByLabel('Tên mới của Sở Y tế').fill('Sở Y tế tỉnh Lào Cai');
	await page.getByRole('button', { name: 'Lưu' }).click();
	await page.getByRole('rowheader', { name: 'Sở Y tế tỉnh Lào Cai' }).waitFor();
	await assertAccessible(page, 'organisations');
	await screenshot(page, 'organizations');
	await page.getByRole('button', { name: 'Xóa Sở Tài chính' }).click();
	await page.getByRole('rowheader', { name: 'Sở Tài chính', exact: true }).waitFor({ state: 'detached' });
	const members = await page.evaluate(() => fetch('/api/v1/members').then((r) => r.json()));
	assert.equal(members.find((m) => m.full_name === 'Lê Văn Y').organization, 'Sở Y tế tỉnh Lào Cai');
});

test('an imported member sets a password through a link the admin made; the link then says it was used', async () => {
	await page.goto('/members');
	const row = page.getByRole('row').filter({ hasText: 'Trần Thị Phó' });
	await row.getByRole('button', { name: 'Tài khoản' }).click();
	await row.getByRole('button', { name: 'Tạo liên kết đặt mật khẩu' }).click();
	const link = await row.getByLabel('Liên kết đặt mật khẩu').inputValue();
	assert.ok(link.startsWith(`${BASE}/password#`), link);
	await row.getByRole('button', { name: 'Xem khóa đăng nhập' }).click();
	await row.getByText('0/5 lần đăng nhập sai gần đây: không bị khóa.').waitFor();
	await assertAccessible(page, 'member account');

	const member = (await newSession(b.browser, b.violations)).page;
	await member.goto(link.slice(BASE.length));
	await member.getByLabel('Mật khẩu mới', { exact: true }).fill('mật khẩu phó chủ tịch');
	await member.getByLabel('Nhập lại mật khẩu mới').fill('mật khẩu phó chủ tịch');
	await member.getByRole('button', { name: 'Đặt mật khẩu và đăng nhập' }).click();
	await member.waitForURL((url) => url.pathname === '/');
	const me = await member.evaluate(() => fetch('/api/v1/me').then((r) => r.json()));
	assert.equal(me.member.full_name, 'Trần Thị Phó');

	// Opened again, the link says it was used, and nothing changes.
	const later = (await newSession(b.browser, b.violations)).page;
	await later.goto(link.slice(BASE.length));
	await later.getByRole('heading', { name: 'Không dùng được liên kết này', level: 1 }).waitFor();
	await later.getByRole('alert').filter({ hasText: 'Liên kết đặt mật khẩu này đã được dùng' }).waitFor();
	await later.getByText('Mật khẩu của bạn không thay đổi.').waitFor();
	await screenshot(later, 'password-link-used');
	// The first admin's link, long used, says so too.
	await later.goto(adminLink.slice(BASE.length));
	await later.getByRole('alert').filter({ hasText: 'đã được dùng' }).waitFor();
	assertNoViolations(b.violations);
});
