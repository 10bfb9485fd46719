import { describe, expect, it } from 'vitest';
import type { Task } from '$lib/api/tasks';
import { leadLabel } from './lead';

const name = (id: number) => (id === 5 ? 'Hoàng Trọng Nghĩa' : `#${id}`);

describe('leadLabel', () => {
	it('names a lead member with the ministry credited', () => {
		expect(leadLabel({ lead_member_id: 5, organization: 'Bộ Quốc phòng' } as Task, name)).toBe('Hoàng Trọng Nghĩa (Bộ Quốc phòng)');
	});

	it('names a lead organisation alone', () => {
		expect(leadLabel({ lead_org: 'Bộ Tài chính', organization: 'Bộ Tài chính' } as Task, name)).toBe('Bộ Tài chính');
	});
});
