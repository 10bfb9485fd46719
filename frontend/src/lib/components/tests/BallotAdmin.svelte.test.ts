import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Ballot, BallotResult, ReportRow } from '$lib/api/types';
import { i18n } from '$lib/i18n/i18n.svelte';
import BallotAdmin from '../ballots/BallotAdmin.svelte';

const api = {
	closeBallot: vi.fn(),
	remindBallot: vi.fn(),
	getBallotResult: vi.fn(),
	getBallotReport: vi.fn(),
	recordPaperAnswer: vi.fn()
};
vi.mock('$lib/api/ballots', () => ({
	closeBallot: (...a: unknown[]) => api.closeBallot(...a),
	remindBallot: (...a: unknown[]) => api.remindBallot(...a),
	getBallotResult: (...a: unknown[]) => api.getBallotResult(...a),
	getBallotReport: (...a: unknown[]) => api.getBallotReport(...a),
	recordPaperAnswer: (...a: unknown[]) => api.recordPaperAnswer(...a),
	openBallot: vi.fn(),
	updateBallot: vi.fn(),
	reportCsvUrl: (id: number) => `/api/v1/ballots/${id}/report.csv`,
	reportPdfUrl: (id: number) => `/api/v1/ballots/${id}/report.pdf`
}));

const ballot = (answered: number): Ballot =>
	({
		id: 7,
		status: 'open',
		title: 'Phiếu',
		questions: [{ id: 1, position: 1, text: 'Thông qua?' }],
		recipients: [4, 5],
		answered
	}) as Ballot;

const row = (member_id: number, member: string, title: string, over: Partial<ReportRow> = {}): ReportRow => ({
	question: 1,
	question_id: 1,
	member_id,
	member,
	title,
	organization: 'Chính phủ',
	choice: '',
	comment: '',
	signed: false,
	...over
});

const rows = [
	row(4, 'Nguyễn Minh Đức', 'Thủ tướng Chính phủ'),
	row(5, 'Trần Quang Huy', 'Phó Thủ tướng Chính phủ', { choice: 'agree', answered_at: '2026-11-22T00:26:12Z', signed: true })
];

beforeEach(() => {
	i18n.set('vi');
	for (const f of Object.values(api)) f.mockReset();
	api.getBallotReport.mockResolvedValue({ rows });
	api.getBallotResult.mockResolvedValue({
		ballot: ballot(1),
		signed: 1,
		questions: [
			{
				question: { id: 1, position: 1, text: 'Thông qua?' },
				agree: 1,
				disagree: 0,
				other: 0,
				not_returned: 1,
				tally: { outcome: 'failed' },
				opinions: []
			}
		]
	} as unknown as BallotResult);
});

describe('BallotAdmin', () => {
	it('shows who has answered, reminds the others, and closes early only once all have answered', async () => {
		api.remindBallot.mockResolvedValue({ reminded: 1 });
		render(BallotAdmin, { ballot: ballot(1) });
		expect(screen.getByTestId('ballot-progress').textContent).toBe('1/2 thành viên đã trả lời');
		const rows = await screen.findAllByTestId('respondent');
		// Its own heading, not the interim result's.
		expect(screen.getByRole('heading', { name: 'Thành viên đã/chưa trả lời' })).toBeTruthy();
		expect(screen.getByRole('heading', { name: /^Tình hình trả lời/ }).id).toBe('result-title');
		expect(rows.map((r) => r.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
			'Nguyễn Minh ĐứcThủ tướng Chính phủ Chưa trả lời Ghi phiếu giấy',
			'Trần Quang HuyPhó Thủ tướng Chính phủ Đã trả lời 07:26 22/11/2026 Có chữ ký số của thiết bị'
		]);
		expect((screen.getByRole('button', { name: 'Kết thúc sớm' }) as HTMLButtonElement).disabled).toBe(true);
		await fireEvent.click(screen.getByRole('button', { name: 'Nhắc thành viên chưa trả lời' }));
		expect(await screen.findByText('Đã nhắc 1 thành viên.')).toBeTruthy();
		expect(api.remindBallot).toHaveBeenCalledWith(7);
	});

	it('closes early once every recipient has answered', async () => {
		api.closeBallot.mockResolvedValue({ ...ballot(2), status: 'closed' });
		render(BallotAdmin, { ballot: ballot(2) });
		const close = screen.getByRole('button', { name: 'Kết thúc sớm' }) as HTMLButtonElement;
		expect(close.disabled).toBe(false);
		expect((screen.getByRole('button', { name: 'Nhắc thành viên chưa trả lời' }) as HTMLButtonElement).disabled).toBe(true);
		await fireEvent.click(close);
		expect(api.closeBallot).toHaveBeenCalledWith(7);
	});

	it('records a member’s paper answer with the reason, then reads who has answered again', async () => {
		api.recordPaperAnswer.mockResolvedValue({ ballot_id: 7, member_id: 4, paper: true });
		render(BallotAdmin, { ballot: ballot(1) });
		await fireEvent.click(await screen.findByRole('button', { name: 'Ghi phiếu giấy của Nguyễn Minh Đức' }));
		expect(screen.getByRole('heading', { name: 'Ghi phiếu giấy của Nguyễn Minh Đức' })).toBe(document.activeElement);
		await fireEvent.click(screen.getByLabelText('Đồng ý'));
		await fireEvent.click(screen.getByRole('button', { name: 'Ghi nhận phiếu giấy' }));
		expect(await screen.findByText('Vui lòng nêu lý do ghi thay.')).toBeTruthy();
		expect(api.recordPaperAnswer).not.toHaveBeenCalled();

		await fireEvent.input(screen.getByLabelText('Lý do ghi thay'), { target: { value: ' Phiếu giấy nhận qua Văn phòng ' } });
		api.getBallotReport.mockResolvedValue({
			rows: [row(4, 'Nguyễn Minh Đức', 'Thủ tướng Chính phủ', { choice: 'agree', answered_at: '2026-11-22T01:00:00Z', paper_reason: 'Phiếu giấy nhận qua Văn phòng' }), rows[1]]
		});
		await fireEvent.click(screen.getByRole('button', { name: 'Ghi nhận phiếu giấy' }));
		expect(api.recordPaperAnswer).toHaveBeenCalledWith(
			7,
			4,
			{ answers: [{ question_id: 1, choice: 'agree', comment: '' }], paper_reason: 'Phiếu giấy nhận qua Văn phòng' },
			expect.any(String)
		);
		expect(await screen.findByText('Đã ghi nhận phiếu giấy của Nguyễn Minh Đức.')).toBeTruthy();
		expect(await screen.findByText('Phiếu giấy: Phiếu giấy nhận qua Văn phòng')).toBeTruthy();
		expect(screen.queryByRole('heading', { name: 'Ghi phiếu giấy của Nguyễn Minh Đức' })).toBeNull();
	});
});
