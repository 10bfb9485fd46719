// Data the browser tests make through the API: their own session and ballot,
// whatever the demo data holds.
import { apiAs, ok } from './browser.mjs';
import { makePdf } from './pdf.mjs';

/** The date n days from today on the body's clocks (Hanoi, UTC+7), as YYYY-MM-DD. */
export function hanoiDate(n = 0) {
	return new Date(Date.now() + 7 * 3600_000 + n * 86400_000).toISOString().slice(0, 10);
}

export const AGENDA = [
	'Báo cáo tình hình kinh tế - xã hội tháng 11',
	'Dự án Luật Đất đai (sửa đổi)',
	'Đề án phát triển hạ tầng số quốc gia'
];

/**
 * A live session (started, quorum reached, item 1 active) with a PDF on
 * its first item. Present: every invitee but the last few, so that
 * `member` is entitled to vote. Returns the ids and the secretariat's client.
 */
export async function liveMeeting({ title, member = 'member05', start = true }) {
	const sec = await apiAs('secretary1');
	const meeting = await ok(
		await sec('POST', '/meetings', {
			kind: 'regular',
			title,
			// Today from 8:00 to 16:00 in Hanoi: this month's figures count it.
			scheduled_start: `${hanoiDate()}T01:00:00Z`,
			scheduled_end: `${hanoiDate()}T09:00:00Z`,
			place: 'Trụ sở Chính phủ, Hà Nội',
			remote_sites: ['UBND TP. Hồ Chí Minh']
		})
	);
	let agenda = [];
	for (const [i, t] of AGENDA.entries()) {
		agenda = await ok(
			await sec('POST', `/meetings/${meeting.id}/agenda`, {
				title: t,
				summary: i === 0 ? 'Bộ Kế hoạch và Đầu tư báo cáo; các thành viên thảo luận.' : '',
				presenter_org: ['Bộ Kế hoạch và Đầu tư', 'Bộ Tài nguyên và Môi trường', 'Bộ Thông tin và Truyền thông'][i],
				planned_minutes: [45, 60, 30][i]
			})
		);
	}
	const doc = await ok(
		await sec('POST', `/meetings/${meeting.id}/documents`, { title: 'Báo cáo số 812/BC-BKHĐT', item_id: agenda[0].id, classification: 'none' })
	);
	await ok(await sec.upload(doc.id, makePdf({ title: 'Bao cao tinh hinh kinh te - xa hoi', pages: 4 }), 'bao-cao-812.pdf'));
	await ok(await sec('POST', `/meetings/${meeting.id}/transitions`, { action: 'publish' }));
	const members = await ok(await sec('GET', '/members'));
	const memberId = members.find((m) => m.username === member).id;
	const present = meeting.invitees.filter((id) => id === memberId || meeting.invitees.indexOf(id) < meeting.invitees.length - 5);
	for (const id of present) await ok(await sec('PUT', `/meetings/${meeting.id}/attendance/${id}`, { status: 'present' }));
	if (start) await ok(await sec('POST', `/meetings/${meeting.id}/transitions`, { action: 'start' }));
	return { sec, meeting, agenda, doc, memberId, members };
}

/** An open ballot of two questions to every voting member. */
export async function openBallot(title) {
	const sec = await apiAs('secretary1');
	const ballot = await ok(
		await sec('POST', '/ballots', {
			title,
			reason: 'Thực hiện Quy chế làm việc của Chính phủ, xin ý kiến thành viên Chính phủ bằng phiếu.',
			deadline: `${hanoiDate(7)}T10:00:00Z`,
			questions: ['Đồng ý thông qua dự thảo Nghị định?', 'Đồng ý giao Bộ Tư pháp thẩm định lần cuối?'],
			recipients: []
		})
	);
	return { sec, ballot: await ok(await sec('POST', `/ballots/${ballot.id}/open`)) };
}

/** A session held and closed (every agenda item discussed), ready for its conclusion notice. */
export async function closedMeeting(title) {
	const fx = await liveMeeting({ title, member: 'member05' });
	// Each "next" ends the active item and starts the following one; the last ends the agenda.
	for (let i = 0; i < AGENDA.length; i++) await fx.sec('POST', `/meetings/${fx.meeting.id}/agenda/next`);
	await ok(await fx.sec('POST', `/meetings/${fx.meeting.id}/transitions`, { action: 'close' }));
	return fx;
}
