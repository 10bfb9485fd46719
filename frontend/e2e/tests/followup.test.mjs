import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertAccessible } from '../audit.mjs';
import { apiAs, assertNoViolations, confirmInApp, newSession, ok, openBrowser, refuseBrowserDialogs, screenshot, signIn } from '../browser.mjs';
import { closedMeeting, liveMeeting, openBallot } from '../fixtures.mjs';

// Follow-up of sessions: the secretariat publishes a conclusion notice and
// assigns a task from it, the lead reports it done and the statistics
// follow; the savings dashboard; paper answers; the audit log.
let b;
let sec;
let lead;
let fx;
before(async () => {
	fx = await closedMeeting('Phiên họp Chính phủ thường kỳ tháng 11 năm 2026');
	b = await openBrowser();
	sec = b.page;
	refuseBrowserDialogs(sec, b.violations);
	lead = (await newSession(b.browser, b.violations)).page;
	await signIn(sec, 'secretary1');
	await signIn(lead, 'member05');
});
after(async () => b?.close());

let taskId;
test('the secretariat drafts and publishes the conclusion notice of a closed session', async () => {
	await sec.goto(`/meetings/${fx.meeting.id}`);
	await sec.getByRole('link', { name: 'Thông báo kết luận' }).click();
	await sec.getByLabel('Trích yếu').fill('Kết luận của Thủ tướng Chính phủ tại Phiên họp Chính phủ thường kỳ tháng 11 năm 2026');
	await sec.getByLabel('Số hiệu').fill('301/TB-VPCP');
	await sec.getByLabel('Kết luận chung').fill('Thủ tướng Chính phủ kết luận và giao nhiệm vụ như sau:');
	await sec.getByLabel(/^Kết luận về: 1\./).fill('Giao Bộ Kế hoạch và Đầu tư hoàn thiện báo cáo, trình Chính phủ trước ngày 15/12.');
	await sec.getByRole('button', { name: 'Lưu bản nháp' }).click();
	await sec.getByRole('status').filter({ hasText: 'Đã lưu bản nháp.' }).waitFor();
	// Invitees do not see a draft.
	const member = await apiAs('member05');
	assert.equal((await member('GET', `/meetings/${fx.meeting.id}/conclusion`)).status, 404);
	await sec.getByRole('button', { name: 'Ban hành thông báo' }).click();
	await confirmInApp(sec, 'Ban hành thông báo kết luận?', 'Ban hành thông báo');
	await sec.getByTestId('conclusion').getByText('Đã ban hành').waitFor();
	await assertAccessible(sec, 'conclusion');
	await screenshot(sec, 'conclusion');
	const published = await ok(await member('GET', `/meetings/${fx.meeting.id}/conclusion`));
	assert.equal(published.number, '301/TB-VPCP');
	// The list of notices offers them as CSV, a row per concluded item.
	await sec.goto('/conclusions');
	const href = await sec.getByRole('link', { name: 'Danh sách (CSV)' }).getAttribute('href');
	const [status, type, text] = await sec.evaluate((u) => fetch(u).then(async (r) => [r.status, r.headers.get('content-type'), await r.text()]), href);
	assert.equal(status, 200);
	assert.ok(type.startsWith('text/csv'), type);
	assert.match(text, /301\/TB-VPCP,.*Đã ban hành.*Giao Bộ Kế hoạch và Đầu tư hoàn thiện báo cáo/);
	await sec.goBack();
	await sec.getByTestId('conclusion').getByText('Đã ban hành').waitFor();
});

test('the secretariat assigns a task from an item of the notice', async () => {
	await sec.getByRole('link', { name: /^Giao nhiệm vụ về “1\./ }).click();
	await sec.getByRole('heading', { name: 'Giao nhiệm vụ', level: 1 }).waitFor();
	await sec.getByLabel('Tên nhiệm vụ').fill('Hoàn thiện Báo cáo tình hình kinh tế - xã hội tháng 11');
	await sec.getByLabel('Một thành viên').check();
	const member05 = fx.members.find((m) => m.username === 'member05');
	// Leads are members of the Government: no admin or secretariat account is offered.
	const offered = await sec.getByLabel('Thành viên chủ trì').locator('option').allTextContents();
	for (const m of fx.members.filter((x) => x.role === 'admin' || x.role === 'secretary')) {
		assert.ok(!offered.some((o) => o.startsWith(m.full_name)), `${m.full_name} is offered as a lead`);
	}
	assert.ok(offered.some((o) => o.startsWith(member05.full_name)));
	await sec.getByLabel('Thành viên chủ trì').selectOption(String(member05.id));
	await sec.getByLabel('Cơ quan phối hợp (mỗi dòng một cơ quan)').fill('Bộ Tài chính\nNgân hàng Nhà nước Việt Nam');
	await sec.getByLabel('Hạn hoàn thành').fill('2026-12-15');
	// The source and the agenda item come from the link.
	assert.match(await sec.getByLabel('Giao theo').inputValue(), /^conclusion:\d+$/);
	await assertAccessible(sec, 'task form');
	await screenshot(sec, 'task-new');
	await sec.getByRole('button', { name: 'Giao nhiệm vụ' }).click();
	await sec.waitForURL(/\/tasks\/\d+$/);
	taskId = Number(new URL(sec.url()).pathname.split('/').pop());
	const task = await ok(await fx.sec('GET', `/tasks/${taskId}`));
	assert.equal(task.item_id, fx.agenda[0].id);
	assert.equal(task.lead_member_id, member05.id);
	assert.deepEqual(task.co_units, ['Bộ Tài chính', 'Ngân hàng Nhà nước Việt Nam']);
	assert.equal(task.due_date, '2026-12-15');
	await sec.getByText('Đang thực hiện', { exact: true }).first().waitFor();
	// Led by a minister: credited to the minister's ministry.
	assert.equal(task.organization, member05.organization);
	await sec.getByTestId('task-lead').getByText(`${member05.full_name} (${member05.organization})`).waitFor();
});

test('the lead reports the task done; the statistics follow live', async () => {
	await sec.goto('/tasks');
	const onTime = sec.getByTestId('stat-done_on_time').locator('strong');
	await onTime.waitFor();
	const before = await ok(await fx.sec('GET', '/tasks/stats'));
	assert.equal(await onTime.textContent(), before.total.done_on_time.toLocaleString('vi-VN'));
	await assertAccessible(sec, 'tasks');
	await screenshot(sec, 'tasks');

	await lead.goto(`/tasks/${taskId}`);
	await lead.getByRole('heading', { name: 'Hoàn thiện Báo cáo tình hình kinh tế - xã hội tháng 11', level: 1 }).waitFor();
	await lead.getByLabel('Nội dung báo cáo').fill('Đã hoàn thiện báo cáo, gửi Văn phòng Chính phủ.');
	await lead.getByLabel('Nhiệm vụ đã hoàn thành').check();
	await lead.getByRole('button', { name: 'Gửi báo cáo' }).click();
	await lead.getByText('Hoàn thành đúng hạn', { exact: true }).first().waitFor();
	await lead.getByTestId('task-report').first().waitFor();
	await assertAccessible(lead, 'task');
	await screenshot(lead, 'task');

	const after = await ok(await fx.sec('GET', '/tasks/stats'));
	assert.equal(after.total.done_on_time, before.total.done_on_time + 1);
	await sec.waitForFunction(
		(want) => document.querySelector('[data-testid="stat-done_on_time"] strong')?.textContent === want,
		after.total.done_on_time.toLocaleString('vi-VN')
	);
	await sec.goto('/tasks/stats');
	await sec.getByTestId('stats-table').waitFor();
	await sec.getByRole('img', { name: /^Nhiệm vụ theo cơ quan chủ trì/ }).waitFor();
	await sec.getByRole('img', { name: /^Nhiệm vụ theo tháng giao/ }).waitFor();
	// The figures of the cards in a row stand level, whatever their labels' length (1 to 3 lines).
	const rows = await sec.getByTestId('task-stats').evaluate((ul) => {
		const byRow = {};
		for (const li of ul.children) (byRow[Math.round(li.getBoundingClientRect().top)] ??= []).push(Math.round(li.querySelector('strong').getBoundingClientRect().top));
		return Object.values(byRow);
	});
	assert.ok(rows.some((r) => r.length > 1), 'cards side by side');
	for (const tops of rows) assert.equal(new Set(tops).size, 1, `figures at ${tops.join(', ')} px`);
	assert.match(await sec.getByTestId('stats-table').locator('tfoot').textContent(), new RegExp(`${after.total.assigned}`));
	await assertAccessible(sec, 'task statistics');
	await screenshot(sec, 'task-stats');
});

test('the savings dashboard shows this body’s figures, each explained', async () => {
	const answer = sec.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/ledger' && !r.url().includes('explain'));
	await sec.goto('/savings');
	const report = await (await answer).json();
	const pages = sec.getByTestId('kpi-pages').locator('strong');
	await pages.waitFor();
	assert.equal(await pages.textContent(), report.total.paper.pages_avoided.toLocaleString('vi-VN'));
	assert.ok(report.total.paper.pages_avoided > 0, 'the demo and this run distributed documents');
	await sec.getByRole('img', { name: /Trang giấy theo kỳ/ }).waitFor();
	await sec.getByTestId('ledger-meetings').waitFor();
	// The goal is named in the legend, not written over the bars.
	await sec.getByRole('figure', { name: /Tỷ lệ rút ngắn so với mục tiêu/ }).getByRole('listitem').filter({ hasText: 'Mục tiêu 30%' }).waitFor();
	assert.equal(await sec.locator('svg text').filter({ hasText: 'Mục tiêu' }).count(), 0);
	await assertAccessible(sec, 'savings');
	await screenshot(sec, 'savings');

	await sec.getByTestId('ledger-meetings').locator(`a[href="/savings/meetings/${fx.meeting.id}"]`).click();
	await sec.getByTestId('ledger-lines').waitFor();
	const ledger = await ok(await fx.sec('GET', `/ledger/meetings/${fx.meeting.id}`));
	assert.match(await sec.getByTestId('ledger-summary').textContent(), new RegExp(ledger.paper.pages_avoided.toLocaleString('vi-VN').replaceAll('.', '\\.')));
	await sec.getByTestId('ledger-items').waitFor();
	await assertAccessible(sec, 'savings detail');
	await screenshot(sec, 'savings-session');
});

test('a paper-only secret document counts its numbered copies, and weights read in grams or kilograms', async () => {
	const paper = await liveMeeting({ title: 'Phiên họp về quốc phòng, an ninh', start: false });
	await ok(await paper.sec('POST', `/meetings/${paper.meeting.id}/documents`, { title: 'Báo cáo mật số 7/BC-BQP', classification: 'confidential', paper_pages: 8 }));
	const ledger = await ok(await paper.sec('GET', `/ledger/meetings/${paper.meeting.id}`));
	const line = ledger.lines.find((l) => l.kind === 'placeholder');
	assert.ok(line.recipients > 0, 'one numbered copy for each invitee cleared for it');
	assert.equal(ledger.paper.pages_printed, 8 * line.copies);
	await sec.goto(`/savings/meetings/${paper.meeting.id}`);
	await sec.getByTestId('ledger-lines').getByText(`(${line.recipients} người nhận + 0 dự phòng)`, { exact: false }).waitFor();
	assert.equal(await sec.getByText(/\d mg\b/).count(), 0, 'no weight in milligrams');
	await screenshot(sec, 'savings-paper-only');
});

test('a paper answer recorded by the secretariat appears in the result', async () => {
	const { ballot } = await openBallot('Phiếu lấy ý kiến về dự thảo Nghị định quản lý tài sản công');
	const members = fx.members;
	const who = members.find((m) => m.username === 'member07');
	await sec.goto(`/ballots/${ballot.id}`);
	await sec.getByRole('button', { name: `Ghi phiếu giấy của ${who.full_name}` }).click();
	await sec.getByRole('group', { name: /^Vấn đề 1\./ }).getByLabel('Đồng ý', { exact: true }).check();
	await sec.getByRole('group', { name: /^Vấn đề 2\./ }).getByLabel('Đồng ý', { exact: true }).check();
	await sec.getByLabel('Lý do ghi thay').fill('Phiếu giấy của Bộ trưởng nhận qua Văn phòng ngày 21/11');
	await screenshot(sec, 'ballot-paper');
	await sec.getByRole('button', { name: 'Ghi nhận phiếu giấy' }).click();
	await sec.getByText(`Đã ghi nhận phiếu giấy của ${who.full_name}.`).waitFor();
	await sec.getByTestId('respondent').filter({ hasText: 'Phiếu giấy: Phiếu giấy của Bộ trưởng nhận qua Văn phòng ngày 21/11' }).waitFor();
	await sec.getByText('1/27 thành viên đã trả lời').waitFor();
	const result = await ok(await fx.sec('GET', `/ballots/${ballot.id}/result`));
	assert.equal(result.questions[0].agree, 1);
	const report = await ok(await fx.sec('GET', `/ballots/${ballot.id}/report`));
	assert.ok(report.rows.some((r) => r.member_id === who.id && r.paper_reason && r.choice === 'agree'));
	await assertAccessible(sec, 'ballot with a paper answer');
});

test('the audit log lists the admin’s sign-in', async () => {
	const { page } = await newSession(b.browser, b.violations);
	await signIn(page, 'admin');
	await page.getByRole('navigation').getByRole('link', { name: 'Nhật ký hệ thống' }).click();
	await page.getByTestId('audit').waitFor();
	await page.getByRole('button', { name: 'Mới nhất' }).click();
	const login = page.getByTestId('audit-entry').filter({ hasText: 'Đăng nhập' }).filter({ hasText: 'Quản trị hệ thống' }).last();
	await login.waitFor();
	await login.locator('summary').click();
	await login.getByText('auth.login').waitFor();
	await assertAccessible(page, 'audit');
	await screenshot(page, 'audit');
});

test('no Content-Security-Policy violation', () => assertNoViolations(b.violations));
