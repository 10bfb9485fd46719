/** Zoom is a factor of the fit-to-width scale, kept within these bounds. */
export const MIN_ZOOM = 0.5;
export const MAX_ZOOM = 4;
const STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4];

export function clampZoom(z: number): number {
	return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));
}

/** The next step up (or down) from z on the zoom buttons. */
export function stepZoom(z: number, direction: 1 | -1): number {
	if (direction > 0) return STEPS.find((s) => s > z + 1e-6) ?? MAX_ZOOM;
	return [...STEPS].reverse().find((s) => s < z - 1e-6) ?? MIN_ZOOM;
}

/** The scale at which a page of width pageWidth (at scale 1) fills width. */
export function fitScale(containerWidth: number, pageWidth: number): number {
	return pageWidth > 0 && containerWidth > 0 ? containerWidth / pageWidth : 1;
}

export interface Point {
	x: number;
	y: number;
}

const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

/** A two-finger pinch: the zoom it leads to from start, given where the fingers began and are now. */
export function pinchZoom(startZoom: number, from: [Point, Point], to: [Point, Point]): number {
	const d0 = distance(from[0], from[1]);
	return d0 > 0 ? clampZoom(startZoom * (distance(to[0], to[1]) / d0)) : startZoom;
}

/** A horizontal swipe long and flat enough to turn the page: 1 next, -1 previous, 0 none. */
export function swipeDirection(from: Point, to: Point, minDistance = 60): 1 | -1 | 0 {
	const dx = to.x - from.x;
	const dy = to.y - from.y;
	if (Math.abs(dx) < minDistance || Math.abs(dy) > Math.abs(dx) / 2) return 0;
	return dx < 0 ? 1 : -1;
}
