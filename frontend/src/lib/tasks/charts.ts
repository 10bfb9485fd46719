import type { TaskStats } from '$lib/api/tasks';
import type { ChartCategory, SeriesTone } from '$lib/components/charts/BarChart.svelte';
import type { Lang } from '$lib/i18n/lang';
import { periodLabel } from '$lib/savings/periods';

/** Counts of a chart of tasks: done on time, done late, in progress, overdue; one value per group. */
export interface TaskSeries {
	categories: ChartCategory[];
	onTime: number[];
	late: number[];
	inProgress: number[];
	overdue: number[];
}

/**
 * The colour of each count of tasks (a tone-* class of app.css), the same
 * on the cards of totals, the bars and the charts' legends. The tasks
 * assigned, the total of the four others, are in no chart.
 */
export const TASK_TONES = {
	assigned: 'navy',
	done_on_time: 'green',
	done_late: 'amber',
	in_progress: 'slate',
	overdue: 'red'
} as const satisfies Record<'assigned' | 'done_on_time' | 'done_late' | 'in_progress' | 'overdue', SeriesTone>;

/**
 * The official short names of the ministries, the ministry-level agencies
 * and the agencies under the Government, as they write them in their
 * documents' numbers (Công văn số …/BKHĐT-…), keyed by the full name
 * normalised by key(). Listed because a short name is the agency's own
 * choice; most follow the rule of orgShort, some do not (TTXVN, VTV).
 */
const OFFICIAL_SHORT: ReadonlyMap<string, string> = new Map(
	Object.entries({
		'Bộ Quốc phòng': 'BQP',
		'Bộ Công an': 'BCA',
		'Bộ Ngoại giao': 'BNG',
		'Bộ Nội vụ': 'BNV',
		'Bộ Tư pháp': 'BTP',
		'Bộ Kế hoạch và Đầu tư': 'BKHĐT',
		'Bộ Tài chính': 'BTC',
		'Bộ Công Thương': 'BCT',
		'Bộ Nông nghiệp và Phát triển nông thôn': 'BNNPTNT',
		'Bộ Nông nghiệp và Môi trường': 'BNNMT',
		'Bộ Giao thông vận tải': 'BGTVT',
		'Bộ Xây dựng': 'BXD',
		'Bộ Tài nguyên và Môi trường': 'BTNMT',
		'Bộ Thông tin và Truyền thông': 'BTTTT',
		'Bộ Lao động - Thương binh và Xã hội': 'BLĐTBXH',
		'Bộ Văn hóa, Thể thao và Du lịch': 'BVHTTDL',
		'Bộ Khoa học và Công nghệ': 'BKHCN',
		'Bộ Giáo dục và Đào tạo': 'BGDĐT',
		'Bộ Y tế': 'BYT',
		'Bộ Dân tộc và Tôn giáo': 'BDTTG',
		'Ủy ban Dân tộc': 'UBDT',
		'Ngân hàng Nhà nước Việt Nam': 'NHNN',
		'Thanh tra Chính phủ': 'TTCP',
		'Văn phòng Chính phủ': 'VPCP',
		'Thông tấn xã Việt Nam': 'TTXVN',
		'Đài Tiếng nói Việt Nam': 'VOV',
		'Đài Truyền hình Việt Nam': 'VTV'
	}).map(([name, short]) => [key(name), short] as const)
);

/** A name compared without regard to case, spacing, dashes or marks (Văn hóa, Văn hoá; Ủy, Uỷ). */
function key(name: string): string {
	return name
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.toLocaleLowerCase('vi')
		.replace(/[\s\-‐-―,]+/gu, ' ')
		.trim();
}

/** The letter a word gives: its first, without tone or vowel marks except Đ (Ủy: U, Đầu: Đ). */
function initial(word: string): string {
	return word.normalize('NFD').replace(/\p{M}/gu, '')[0].toLocaleUpperCase('vi');
}

/**
 * An organisation's short name on an axis: the official one for a
 * ministry or an agency of the Government (Bộ Kế hoạch và Đầu tư: BKHĐT);
 * otherwise the first letter of each word, as they abbreviate themselves,
 * leaving out "và", "Việt Nam" and dashes, keeping Đ and a word already
 * in capitals (UBND). The full name stays in the bars' titles and the table.
 */
export function orgShort(name: string): string {
	const official = OFFICIAL_SHORT.get(key(name));
	if (official) return official;
	const words = name
		.normalize('NFC')
		.replace(/\bViệt Nam\b/giu, ' ')
		.split(/[\s\-‐-―,.;:()]+/u)
		.filter((w) => w && w.toLocaleLowerCase('vi') !== 'và');
	return words.map((w) => (w.length > 1 && w === w.toLocaleUpperCase('vi') && /\p{Lu}/u.test(w) ? w : initial(w))).join('') || '—';
}

/** The most tasks first, at most limit groups (the organisations charted). */
export function largest(groups: TaskStats[], limit: number): TaskStats[] {
	return [...groups].sort((a, b) => b.assigned - a.assigned || a.key.localeCompare(b.key, 'vi')).slice(0, limit);
}

/** The series of groups keyed by organisation or by period (month, year). */
export function taskSeries(groups: TaskStats[], by: 'organization' | 'period', lang: Lang): TaskSeries {
	return {
		categories: groups.map((g) => (by === 'organization' ? { short: orgShort(g.key), year: '', full: g.key || '—' } : periodLabel(g.key, lang))),
		onTime: groups.map((g) => g.done_on_time),
		late: groups.map((g) => g.done_late),
		inProgress: groups.map((g) => g.in_progress),
		overdue: groups.map((g) => g.overdue)
	};
}
