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
 * Agencies of a province or city that abbreviate themselves otherwise than
 * by the initials of their name without its place, keyed as OFFICIAL_SHORT.
 */
const LOCAL_SHORT: ReadonlyMap<string, string> = new Map(
	Object.entries({
		'Văn phòng Ủy ban nhân dân': 'VPUBND',
		'Công an tỉnh': 'CAT',
		'Công an thành phố': 'CATP',
		'Bộ Chỉ huy Quân sự tỉnh': 'BCHQS',
		'Bộ Chỉ huy Quân sự thành phố': 'BCHQS',
		'Thanh tra tỉnh': 'TTr',
		'Thanh tra thành phố': 'TTr'
	}).map(([name, short]) => [key(name), short] as const)
);

/** A People's Committee: Ủy ban nhân dân (UBND), its level, its place. */
const COMMITTEE = /^(?:(?:ủy|uỷ)\s+ban\s+nhân\s+dân|ubnd)(?:\s+|$)/iu;
/** The levels of a place and how an address shortens each (TP. Hà Nội, H. Bát Xát); a province is named alone. */
const LEVELS: [RegExp, string][] = [
	[/^(?:tỉnh)\s+/iu, ''],
	[/^(?:thành\s+phố|tp\.?)\s*/iu, 'TP. '],
	[/^(?:thị\s+xã|tx\.?)\s*/iu, 'TX. '],
	[/^(?:thị\s+trấn)\s+/iu, 'TT. '],
	[/^(?:huyện)\s+/iu, 'H. '],
	[/^(?:quận)\s+/iu, 'Q. '],
	[/^(?:phường)\s+/iu, 'P. '],
	[/^(?:xã)\s+/iu, 'X. ']
];
/** A place at the end of a name: its level and its name in capitals (… tỉnh Lào Cai, … thành phố Hồ Chí Minh). */
const TRAILING_PLACE = /(\s+(?:[Tt]ỉnh|[Tt]hành phố|TP\.?|[Tt]hị xã|[Hh]uyện|[Qq]uận))(?:\s+[\p{Lu}\d][^\s]*)+$/u;
/** A level alone at the end of a name (Thanh tra tỉnh, Ban Quản lý Khu kinh tế tỉnh). */
const TRAILING_LEVEL = /\s+(?:[Tt]ỉnh|[Tt]hành phố|TP\.?|[Tt]hị xã|[Hh]uyện|[Qq]uận)$/u;

/** The committee of a place by its place, as an address writes it: Quảng Ninh, TP. Hà Nội, TP.HCM, H. Bát Xát. */
function committeeShort(name: string): string | undefined {
	const m = COMMITTEE.exec(name);
	if (!m) return undefined;
	let rest = name.slice(m[0].length).trim();
	let prefix = '';
	for (const [level, short] of LEVELS) {
		const l = level.exec(rest);
		if (l) {
			prefix = short;
			rest = rest.slice(l[0].length).trim();
			break;
		}
	}
	if (!rest) return 'UBND';
	if (key(rest) === 'ho chi minh') return 'TP.HCM';
	return prefix + rest;
}

/** The first letter of each word, leaving out "và", "Việt Nam" and dashes, keeping Đ and a word already in capitals (UBND). */
function initials(name: string): string {
	const words = name
		.replace(/\bViệt Nam\b/giu, ' ')
		.split(/[\s\-‐-―,.;:()]+/u)
		.filter((w) => w && w.toLocaleLowerCase('vi') !== 'và');
	return words.map((w) => (w.length > 1 && w === w.toLocaleUpperCase('vi') && /\p{Lu}/u.test(w) ? w : initial(w))).join('') || '—';
}

/**
 * An organisation's short name on an axis: the official one for a
 * ministry or an agency of the Government (Bộ Kế hoạch và Đầu tư: BKHĐT);
 * a People's Committee by its place (Ủy ban nhân dân tỉnh Quảng Ninh:
 * Quảng Ninh; … thành phố Hà Nội: TP. Hà Nội; … huyện Bát Xát: H. Bát Xát);
 * otherwise the first letter of each word of the name without its place,
 * as the agencies of a province abbreviate themselves (Sở Kế hoạch và Đầu
 * tư tỉnh Lào Cai: SKHĐT; Công an tỉnh: CAT). The full name stays in the
 * bars' titles and the table.
 */
export function orgShort(name: string): string {
	const nfc = name.normalize('NFC').trim().replace(/\s+/gu, ' ');
	const official = OFFICIAL_SHORT.get(key(nfc));
	if (official) return official;
	const committee = committeeShort(nfc);
	if (committee) return committee;
	const withLevel = nfc.replace(TRAILING_PLACE, '$1');
	const bare = withLevel.replace(TRAILING_LEVEL, '');
	return LOCAL_SHORT.get(key(withLevel)) ?? LOCAL_SHORT.get(key(bare)) ?? OFFICIAL_SHORT.get(key(bare)) ?? initials(bare);
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
