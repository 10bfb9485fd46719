import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Member } from '$lib/api/types';
import { i18n } from '$lib/i18n/i18n.svelte';
import MemberDirectory from '../MemberDirectory.svelte';

const m = (id: number, full_name: string, title: string, role: Member['role'], active = true): Member => ({
	id,
	body_id: 1,
	username: `u${id}`,
	full_name,
	title,
	organization: 'Chính phủ',
	email: '',
	precedence: id,
	role,
	clearance: 'none',
	voting: role === 'member',
	active,
	mfa_enabled: false,
	created_at: '',
	updated_at: ''
});

const members = [
	m(1, 'Nguyễn Minh Đức', 'Thủ tướng Chính phủ', 'chair'),
	m(2, 'Trần Quang Huy', 'Phó Thủ tướng', 'member'),
	m(3, 'Đỗ Thu Hà', 'Chuyên viên', 'secretary', false)
];

beforeEach(() => i18n.set('vi'));

const names = () => screen.getAllByRole('rowheader').map((th) => th.textContent?.replace(/\s+/g, ' ').trim());

describe('MemberDirectory', () => {
	it('lists name, position, organisation and role', () => {
		render(MemberDirectory, { members });
		const row = screen.getByRole('row', { name: /Trần Quang Huy/ });
		expect(within(row).getAllByRole('cell').map((c) => c.textContent?.trim())).toEqual(['Phó Thủ tướng', 'Chính phủ', 'Thành viên']);
		expect(screen.getByRole('status').textContent).toBe('3 thành viên');
		expect(names()).toEqual(['Nguyễn Minh Đức', 'Trần Quang Huy', 'Đỗ Thu Hà Ngừng hoạt động']);
	});

	it('searches without tones', async () => {
		render(MemberDirectory, { members });
		await fireEvent.input(screen.getByLabelText('Tìm kiếm'), { target: { value: 'do thu' } });
		expect(names()).toEqual(['Đỗ Thu Hà Ngừng hoạt động']);
		expect(screen.getByRole('status').textContent).toBe('1 trên 3 thành viên');
	});

	it('filters by role, offering only roles present', async () => {
		render(MemberDirectory, { members });
		const select = screen.getByLabelText('Vai trò') as HTMLSelectElement;
		expect([...select.options].map((o) => o.value)).toEqual(['', 'secretary', 'chair', 'member']);
		await fireEvent.change(select, { target: { value: 'chair' } });
		expect(names()).toEqual(['Nguyễn Minh Đức']);
	});

	it('says so when nothing matches', async () => {
		render(MemberDirectory, { members });
		await fireEvent.input(screen.getByLabelText('Tìm kiếm'), { target: { value: 'không ai' } });
		expect(screen.queryByRole('table')).toBeNull();
		expect(screen.getByText('Không có thành viên phù hợp.')).toBeTruthy();
	});
});
