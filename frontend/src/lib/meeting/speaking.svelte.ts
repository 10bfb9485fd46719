/**
 * A speaking turn's time left, in whole seconds (negative once over):
 * counted from the server's started_at on the server's clock (the tablet's
 * clock plus the offset the server's answers showed), so that every tablet
 * shows the same count whatever its own clock says.
 */
export function secondsLeft(startedAt: string, minutes: number, tabletNow: number, offsetMs: number): number {
	return Math.ceil((Date.parse(startedAt) + minutes * 60_000 - (tabletNow + offsetMs)) / 1000);
}

/** m:ss of a number of seconds, without its sign. */
export function clockText(seconds: number): string {
	const s = Math.abs(seconds);
	return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The server's clock as the tablet last saw it: server time minus tablet time, in ms. */
class ServerClock {
	offset = $state(0);

	/** Notes the server's time of an answer received at the tablet's now. */
	observe(serverTime: string | undefined, tabletNow = Date.now()): void {
		const t = serverTime ? Date.parse(serverTime) : NaN;
		if (!Number.isNaN(t)) this.offset = t - tabletNow;
	}
}

export const serverClock = new ServerClock();
