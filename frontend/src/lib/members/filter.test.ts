import { describe, expect, it } from 'vitest';
import type { Member } from '$lib/api/types';
import { filterMembers, fold } from './filter';

const member = (id: number, full_name: string, title: string, organization: string, role: Member['role']): Member => ({
	id,
	body_id: 1,
	username: `u${id}`,
	full_name,
	title,
	organization,
	email: '',
	precedence: id,
	role,
	clearance: 'none',
	voting: role === 'member' || role === 'chair',
	active: true,
	mfa_enabled: false,
	created_at: '',
	updated_at: ''
});

const members = [
	member(1, 'Nguyễn Minh Đức', 'Thủ tướng Chính phủ', 'Chính phủ', 'chair'),
	member(2, 'Trần Quang Huy', 'Phó Thủ tướng', 'Chính phủ', 'member'),
	member(3, 'Lê Thị Thanh Mai', 'Bộ trưởng', 'Bộ Tài chính', 'member'),
	member(4, 'Phạm Văn Đông', 'Chánh Văn phòng', 'Văn phòng Chính phủ', 'secretary')
];

describe('fold', () => {
	it('drops tones and marks, đ as d, lower case, single spaces', () => {
		expect(fold('  Nguyễn   Minh ĐỨC ')).toBe('nguyen minh duc');
		expect(fold('Bộ Tài chính')).toBe('bo tai chinh');
	});
});

describe('filterMembers', () => {
	it('finds members typed without tones', () => {
		expect(filterMembers(members, 'duc', '').map((m) => m.id)).toEqual([1]);
		expect(filterMembers(members, 'tai chinh', '').map((m) => m.id)).toEqual([3]);
	});

	it('needs every word, in any field', () => {
		expect(filterMembers(members, 'chinh phu quang', '').map((m) => m.id)).toEqual([2]);
		expect(filterMembers(members, 'mai huy', '')).toEqual([]);
	});

	it('filters by role, and keeps the server order', () => {
		expect(filterMembers(members, '', 'member').map((m) => m.id)).toEqual([2, 3]);
		expect(filterMembers(members, 'van phong', 'secretary').map((m) => m.id)).toEqual([4]);
		expect(filterMembers(members, '', '').map((m) => m.id)).toEqual([1, 2, 3, 4]);
	});
});
