import { describe, expect, it } from 'vitest';
import type { TaskStats } from '$lib/api/tasks';
import { largest, orgShort, taskSeries } from './charts';

const g = (key: string, assigned: number, on: number, late: number, prog: number, over: number) =>
	({ key, assigned, done_on_time: on, done_late: late, in_progress: prog, overdue: over }) as TaskStats;

describe('task charts', () => {
	it('abbreviates ministries and agencies of the Government as they abbreviate themselves', () => {
		const official: [string, string][] = [
			['Bộ Tài chính', 'BTC'],
			['Bộ Tư pháp', 'BTP'],
			['Bộ Kế hoạch và Đầu tư', 'BKHĐT'],
			['Bộ Tài nguyên và Môi trường', 'BTNMT'],
			['Bộ Thông tin và Truyền thông', 'BTTTT'],
			['Ngân hàng Nhà nước Việt Nam', 'NHNN'],
			['Bộ Lao động - Thương binh và Xã hội', 'BLĐTBXH'],
			['Bộ Văn hóa, Thể thao và Du lịch', 'BVHTTDL'],
			['Bộ Nông nghiệp và Phát triển nông thôn', 'BNNPTNT'],
			['Bộ Giáo dục và Đào tạo', 'BGDĐT'],
			['Ủy ban Dân tộc', 'UBDT'],
			['Thanh tra Chính phủ', 'TTCP'],
			['Thông tấn xã Việt Nam', 'TTXVN'],
			['Đài Truyền hình Việt Nam', 'VTV']
		];
		expect(official.map(([name]) => orgShort(name))).toEqual(official.map(([, short]) => short));
	});

	it('finds the official short name however the name is spelled', () => {
		// Another dash, spacing, case, the older place of the tone mark (hoá), Uỷ for Ủy.
		expect(orgShort('Bộ Lao động – Thương binh và Xã hội')).toBe('BLĐTBXH');
		expect(orgShort('Bộ Lao động-Thương binh và Xã hội')).toBe('BLĐTBXH');
		expect(orgShort('  bộ kế hoạch  và đầu tư ')).toBe('BKHĐT');
		expect(orgShort('Bộ Văn hoá, Thể thao và Du lịch')).toBe('BVHTTDL');
		expect(orgShort('Uỷ ban Dân tộc')).toBe('UBDT');
	});

	it('abbreviates any other organisation by its initials without its place: no "và", no "Việt Nam", no marks but Đ', () => {
		expect(orgShort('Sở Kế hoạch và Đầu tư tỉnh Lào Cai')).toBe('SKHĐT');
		expect(orgShort('Sở Kế hoạch và Đầu tư')).toBe('SKHĐT');
		expect(orgShort('Sở Xây dựng tỉnh Lào Cai')).toBe('SXD');
		expect(orgShort('Sở Lao động - Thương binh và Xã hội')).toBe('SLĐTBXH');
		expect(orgShort('Sở Quy hoạch - Kiến trúc thành phố Hà Nội')).toBe('SQHKT');
		expect(orgShort('Ban Quản lý Khu kinh tế tỉnh')).toBe('BQLKKT');
		expect(orgShort('Viện Hàn lâm Khoa học xã hội Việt Nam')).toBe('VHLKHXH');
		expect(orgShort('Cục Quản lý thị trường - Bộ Công Thương')).toBe('CQLTTBCT');
		expect(orgShort('')).toBe('—');
		expect(orgShort(' - ')).toBe('—');
	});

	it('names a People’s Committee by its place, as an address shortens it, never by a run of initials', () => {
		const committees: [string, string][] = [
			['Ủy ban nhân dân tỉnh Quảng Ninh', 'Quảng Ninh'],
			['UBND tỉnh Lào Cai', 'Lào Cai'],
			['Uỷ ban nhân dân tỉnh Thanh Hoá', 'Thanh Hoá'],
			['Ủy ban nhân dân thành phố Hà Nội', 'TP. Hà Nội'],
			['Ủy ban nhân dân Thành phố Hồ Chí Minh', 'TP.HCM'],
			['UBND TP. Đà Nẵng', 'TP. Đà Nẵng'],
			['Ủy ban nhân dân huyện Bát Xát', 'H. Bát Xát'],
			['Ủy ban nhân dân thị xã Sa Pa', 'TX. Sa Pa'],
			['Ủy ban nhân dân quận Ba Đình', 'Q. Ba Đình'],
			['Ủy ban nhân dân', 'UBND']
		];
		expect(committees.map(([name]) => orgShort(name))).toEqual(committees.map(([, short]) => short));
	});

	it('uses the short names the agencies of a province give themselves', () => {
		expect(orgShort('Văn phòng Ủy ban nhân dân tỉnh')).toBe('VPUBND');
		expect(orgShort('Văn phòng Ủy ban nhân dân tỉnh Lào Cai')).toBe('VPUBND');
		expect(orgShort('Công an tỉnh Lào Cai')).toBe('CAT');
		expect(orgShort('Công an thành phố Hà Nội')).toBe('CATP');
		expect(orgShort('Bộ Chỉ huy Quân sự tỉnh Lào Cai')).toBe('BCHQS');
		expect(orgShort('Thanh tra tỉnh')).toBe('TTr');
		// The Government's own keep theirs.
		expect(orgShort('Thanh tra Chính phủ')).toBe('TTCP');
		expect(orgShort('Văn phòng Chính phủ')).toBe('VPCP');
	});

	it('charts the organisations with the most tasks, each count in its series', () => {
		const top = largest([g('Bộ Y tế', 3, 1, 1, 1, 0), g('Bộ Tài chính', 9, 5, 1, 2, 1), g('Bộ Nội vụ', 3, 3, 0, 0, 0)], 2);
		expect(top.map((x) => x.key)).toEqual(['Bộ Tài chính', 'Bộ Nội vụ']);
		const s = taskSeries(top, 'organization', 'vi');
		expect(s.categories[0]).toEqual({ short: 'BTC', year: '', full: 'Bộ Tài chính' });
		expect([s.onTime, s.late, s.inProgress, s.overdue]).toEqual([[5, 3], [1, 0], [2, 0], [1, 0]]);
	});

	it('labels months as the savings charts do', () => {
		expect(taskSeries([g('2026-11', 1, 1, 0, 0, 0)], 'period', 'vi').categories[0]).toEqual({ short: 'T11', year: '2026', full: 'Tháng 11/2026' });
	});
});
