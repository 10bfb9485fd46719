import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgendaItem } from '$lib/api/types';
import { i18n } from '$lib/i18n/i18n.svelte';
import AgendaEditor from '../prepare/AgendaEditor.svelte';

const reorderAgenda = vi.fn();
vi.mock('$lib/api/meetings', () => ({
	reorderAgenda: (...a: unknown[]) => reorderAgenda(...a),
	addAgendaItem: vi.fn(),
	updateAgendaItem: vi.fn()
}));

const item = (id: number, title: string): AgendaItem =>
	({ id, meeting_id: 4, position: id, title, summary: '', presenter_org: '', planned_minutes: 30, status: 'pending' }) as AgendaItem;
const agenda = [item(1, 'Kinh tế'), item(2, 'Đất đai'), item(3, 'Chuyển đổi số')];

beforeEach(() => {
	i18n.set('vi');
	reorderAgenda.mockReset().mockResolvedValue(agenda);
});

describe('AgendaEditor', () => {
	it('moves an item with the arrow buttons and saves the new order at once', async () => {
		render(AgendaEditor, { meetingId: 4, agenda });
		expect((screen.getByRole('button', { name: 'Đưa “Kinh tế” lên trên' }) as HTMLButtonElement).disabled).toBe(true);
		await fireEvent.click(screen.getByRole('button', { name: 'Đưa “Kinh tế” xuống dưới' }));
		expect(reorderAgenda).toHaveBeenCalledWith(4, [2, 1, 3]);
		await fireEvent.click(screen.getByRole('button', { name: 'Đưa “Chuyển đổi số” lên trên' }));
		expect(reorderAgenda).toHaveBeenLastCalledWith(4, [1, 3, 2]);
		expect(await screen.findByText('Đã lưu thứ tự mới.')).toBeTruthy();
	});
});
