// Wall-clock times in the body's time zone for <input type="datetime-local">,
// whatever zone the tablet itself is set to.

function parts(date: Date, timeZone: string): Record<string, number> {
	const f = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit'
	});
	const out: Record<string, number> = {};
	for (const p of f.formatToParts(date)) if (p.type !== 'literal') out[p.type] = Number(p.value);
	return out;
}

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetMs(date: Date, timeZone: string): number {
	const p = parts(date, timeZone);
	const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
	return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-25T08:00" for an instant, as the clocks of timeZone show it. */
export function toZonedInput(value: string | Date, timeZone: string): string {
	const p = parts(typeof value === 'string' ? new Date(value) : value, timeZone);
	return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** The instant (RFC 3339, UTC) that a wall-clock "YYYY-MM-DDTHH:mm" in timeZone means; null if malformed. */
export function fromZonedInput(value: string, timeZone: string): string | null {
	const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
	if (!m) return null;
	const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
	// The offset at the guess, then once more at the corrected instant (DST edges).
	let t = wall - offsetMs(new Date(wall), timeZone);
	t = wall - offsetMs(new Date(t), timeZone);
	return new Date(t).toISOString();
}
