// Arithmetic of the SVG charts: round axis steps, value-to-pixel scales and
// the bands of a bar chart. Pure, so that it is tested on its own.

/** The round step (1, 2, 2.5 or 5 × 10ⁿ) nearest above raw. */
export function niceStep(raw: number): number {
	if (!(raw > 0) || !Number.isFinite(raw)) return 1;
	const power = 10 ** Math.floor(Math.log10(raw));
	const f = raw / power;
	const m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
	return m * power;
}

/** An axis from 0 to a round top at or above max, with about `count` round ticks. */
export function niceAxis(max: number, count = 4): { top: number; ticks: number[] } {
	if (!(max > 0)) return { top: 1, ticks: [0, 1] };
	const step = niceStep(max / count);
	const top = Math.ceil(max / step - 1e-9) * step;
	const ticks: number[] = [];
	for (let i = 0; i * step <= top + step / 1e6; i++) ticks.push(Number((i * step).toPrecision(12)));
	return { top, ticks };
}

/** Maps 0..top to bottom..topPx (SVG y grows downwards); values beyond are clamped. */
export function yScale(top: number, bottomPx: number, topPx: number): (v: number) => number {
	const span = bottomPx - topPx;
	return (v) => bottomPx - (Math.min(Math.max(v, 0), top) / top) * span;
}

/** n equal bands across width starting at x0, each with a bar of `fill` share of the band, centred. */
export function bands(n: number, x0: number, width: number, fill = 0.7): { step: number; bar: number; start: (i: number) => number } {
	const step = n > 0 ? width / n : width;
	const bar = step * fill;
	return { step, bar, start: (i) => x0 + i * step + (step - bar) / 2 };
}

/** The stacked segments of one category: [from, to] for each series value. */
export function stack(values: number[]): [number, number][] {
	let at = 0;
	return values.map((v) => {
		const seg: [number, number] = [at, at + Math.max(v, 0)];
		at = seg[1];
		return seg;
	});
}

/**
 * About how wide a label is drawn, in pixels, at a font size of px: capitals
 * and digits wider than small letters, spaces and dots narrow. An estimate
 * (the text is not measured, so that the layout is the same before the fonts
 * load and in tests), erring wide.
 */
export function labelWidth(text: string, px = 13): number {
	let em = 0;
	for (const ch of text.normalize('NFC')) {
		if (/[\s.,:;'’·]/u.test(ch)) em += 0.3;
		else if (/[\p{Lu}\d]/u.test(ch)) em += 0.72;
		else em += 0.56;
	}
	return em * px;
}

/**
 * How the category labels of n bands of step px fit under the axis: level
 * when the widest fits its band, else slanted (at `angle` degrees, each label
 * ending under its bar); every other one when even slanted lines of text
 * would touch (bands narrower than a line).
 */
export function axisLabels(widths: number[], step: number, px = 13, angle = 45): { slant: boolean; every: number; depth: number; reach: number } {
	const widest = Math.max(0, ...widths);
	const gap = 6;
	if (widest <= step - gap) return { slant: false, every: 1, depth: px * 1.3, reach: 0 };
	const rad = (angle * Math.PI) / 180;
	// Slanted lines of text lie step·sin(angle) apart.
	const every = step * Math.sin(rad) >= px * 1.15 ? 1 : Math.ceil((px * 1.15) / (step * Math.sin(rad)));
	return { slant: true, every, depth: widest * Math.sin(rad) + px * Math.cos(rad) + 4, reach: (widths[0] ?? 0) * Math.cos(rad) };
}
