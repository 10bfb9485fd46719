/** The list with the element at from moved to index to (both clamped to the list). */
export function moveTo<T>(list: readonly T[], from: number, to: number): T[] {
	const out = list.slice();
	if (from < 0 || from >= out.length) return out;
	const [x] = out.splice(from, 1);
	out.splice(Math.max(0, Math.min(to, out.length)), 0, x);
	return out;
}

/**
 * Where a dragged row belongs: the index among the other rows whose middle
 * lies above the pointer (rows given by their top and height on screen).
 */
export function dropIndex(rows: readonly { top: number; height: number }[], dragged: number, pointerY: number): number {
	let index = 0;
	rows.forEach((r, i) => {
		if (i !== dragged && pointerY > r.top + r.height / 2) index++;
	});
	return index;
}
