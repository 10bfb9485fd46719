import { render } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AgendaItem } from '$lib/api/types';
import { i18n } from '$lib/i18n/i18n.svelte';
import AgendaView from '../meeting/AgendaView.svelte';

beforeEach(() => i18n.set('vi'));

const item = (position: number, status: AgendaItem['status'], consent: AgendaItem['consent']): AgendaItem => ({
	id: position,
	meeting_id: 1,
	position,
	title: `Nội dung ${position}`,
	summary: '',
	presenter_org: 'Bộ Tài chính',
	planned_minutes: 30,
	positions_open: true,
	status,
	consent
});

describe('agenda', () => {
	it('marks the items of the consent block (not "to discuss"), pulled out of it, or decided in it (not "done" as a discussed item)', () => {
		const { getAllByRole } = render(AgendaView, {
			agenda: [item(1, 'pending', 'block'), item(2, 'pending', 'pulled'), item(3, 'done', 'decided'), item(4, 'done', '')],
			documents: []
		});
		const rows = getAllByRole('listitem').map((li) => li.querySelector('.tags')?.textContent?.replace(/\s+/g, ' ').trim());
		expect(rows).toEqual([
			'Nhóm không thảo luận',
			'Đã rút ra để thảo luận Chưa thảo luận',
			'Thông qua không thảo luận',
			'Đã xong'
		]);
	});
});
