import type { Meeting, MeetingState, MeetingStatus } from '$lib/api/types';
import { activeItem } from './state';

/** What a member must not miss of a session while on another screen. */
export type AlertKind = 'started' | 'item' | 'floor' | 'adjourned' | 'resumed' | 'closed';

export interface RoomAlert {
	kind: AlertKind;
	meetingId: number;
	meetingTitle: string;
	/** The item now under discussion (kind item). */
	itemTitle?: string;
}

/** The facts of a session that alerts are made of, as last seen. */
export interface RoomMark {
	status: MeetingStatus;
	/** The active item: null when none, undefined while the session's state is not followed. */
	itemId?: number | null;
	floor: boolean;
}

/** The marks of a session: its status from the body's list, the item and the floor from its followed state. */
export function markOf(meeting: Meeting, st: MeetingState | null, memberId: number): RoomMark {
	if (!st) return { status: meeting.status, floor: false };
	const item = activeItem(st.agenda);
	const floor = st.speakers.some((s) => s.member_id === memberId && s.status === 'speaking' && s.item_id === item?.id);
	return { status: meeting.status, itemId: item?.id ?? null, floor };
}

/**
 * What changed between two looks at a session worth telling the member:
 * the session opened, paused, resumed or closed, another item taken up,
 * the floor given to them. The first look (before undefined) tells
 * nothing: it is where the member came in.
 */
export function alertsBetween(before: RoomMark | undefined, after: RoomMark, meeting: Meeting, st: MeetingState | null): RoomAlert[] {
	if (!before) return [];
	const base = { meetingId: meeting.id, meetingTitle: meeting.title };
	const out: RoomAlert[] = [];
	if (before.status !== after.status) {
		if (after.status === 'adjourned') out.push({ ...base, kind: 'adjourned' });
		else if (after.status === 'closed') out.push({ ...base, kind: 'closed' });
		else if (after.status === 'live') out.push({ ...base, kind: before.status === 'adjourned' ? 'resumed' : 'started' });
	}
	if (before.itemId !== undefined && after.itemId != null && after.itemId !== before.itemId) {
		out.push({ ...base, kind: 'item', itemTitle: st?.agenda.find((it) => it.id === after.itemId)?.title });
	}
	if (after.floor && !before.floor) out.push({ ...base, kind: 'floor' });
	return out;
}
