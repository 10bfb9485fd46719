// In-page accessibility audits run by the browser tests.
import assert from 'node:assert/strict';

/**
 * Controls smaller than 44×44 px. A checkbox or radio button counts with its
 * label row, and a visually hidden input (a file picker) with its label.
 */
export function smallTargets(page) {
	return page.evaluate(() => {
		const out = [];
		const target = (el) => {
			if (el.classList.contains('visually-hidden') && el.labels?.length) return el.labels[el.labels.length - 1];
			if (el.type === 'checkbox' || el.type === 'radio') return el.closest('.check, label') ?? el;
			return el;
		};
		for (const el of document.querySelectorAll('a, button, input, select, textarea')) {
			if (el.closest('.skip') || el.type === 'hidden') continue;
			const box = target(el).getBoundingClientRect();
			if (box.width === 0 && box.height === 0) continue; // not shown
			if (box.width < 44 || box.height < 44) out.push(`${el.outerHTML.slice(0, 80)} is ${Math.round(box.width)}×${Math.round(box.height)}`);
		}
		return out;
	});
}

/** Form controls without an accessible name. */
export function unlabelledControls(page) {
	return page.evaluate(() =>
		[...document.querySelectorAll('input, select, textarea')]
			.filter((el) => el.type !== 'hidden' && !el.labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
			.map((el) => el.outerHTML.slice(0, 80))
	);
}

/** Text below WCAG 2.1 AA contrast (4.5:1, or 3:1 for large text) against its background. */
export function lowContrastText(page) {
	return page.evaluate(() => {
		const parse = (c) => {
			const m = /rgba?\(([^)]+)\)/.exec(c);
			if (!m) return null;
			const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
			return { rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1 };
		};
		const over = (top, bottom) => top.rgb.map((v, i) => v * top.a + bottom[i] * (1 - top.a));
		const lum = (rgb) => {
			const [r, g, b] = rgb.map((v) => {
				v /= 255;
				return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
			});
			return 0.2126 * r + 0.7152 * g + 0.0722 * b;
		};
		const background = (el) => {
			const layers = [];
			for (let e = el; e; e = e.parentElement) {
				const c = parse(getComputedStyle(e).backgroundColor);
				if (c && c.a > 0) layers.push(c);
			}
			let rgb = [255, 255, 255];
			for (const layer of layers.reverse()) rgb = over(layer, rgb);
			return rgb;
		};
		const out = [];
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		const seen = new Set();
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			const el = n.parentElement;
			if (!el || seen.has(el) || !n.textContent.trim()) continue;
			seen.add(el);
			if (el.closest('[disabled], .visually-hidden, #svelte-announcer, option, datalist')) continue;
			const box = el.getBoundingClientRect();
			if (box.width === 0 || box.height === 0) continue;
			const style = getComputedStyle(el);
			if (style.visibility === 'hidden') continue;
			let opacity = 1;
			for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
			const fg = parse(style.color);
			const bg = background(el);
			const text = over({ rgb: fg.rgb, a: fg.a * opacity }, bg);
			const [hi, lo] = [lum(text), lum(bg)].sort((a, b) => b - a);
			const ratio = (hi + 0.05) / (lo + 0.05);
			const size = parseFloat(style.fontSize);
			const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
			const need = large ? 3 : 4.5;
			if (ratio < need) out.push(`"${n.textContent.trim().slice(0, 40)}" ${ratio.toFixed(2)}:1 < ${need}:1`);
		}
		return out;
	});
}

/** Whether the page scrolls sideways (it must not, at any width). */
export function overflowsSideways(page) {
	return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}

/**
 * Content cut off with no visible way to reach it: an element past the
 * screen's sides that no scrolling box brings back; a box that clips its
 * content (an ellipsis, overflow hidden); a box that scrolls sideways
 * without a visible cue (a tablet shows no scroll bar until touched), which
 * the app marks data-scroll-cue (lib/scroll-cue.ts).
 */
export function cutOffContent(page) {
	return page.evaluate(() => {
		const out = [];
		const width = window.innerWidth;
		const name = (el) => {
			const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
			return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls} “${(el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)}”`;
		};
		const scrollsSideways = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
		for (const el of document.body.querySelectorAll('*')) {
			if (el.closest('.visually-hidden, svg, canvas, select, .skip, #svelte-announcer, dialog:not([open])')) continue;
			if (['INPUT', 'TEXTAREA', 'SELECT', 'OPTION', 'SCRIPT', 'STYLE'].includes(el.tagName)) continue;
			const style = getComputedStyle(el);
			if (style.visibility === 'hidden' || style.display === 'none') continue;
			const box = el.getBoundingClientRect();
			// Not drawn, or drawn for screen readers only (1 px boxes); what a closed disclosure holds is shown on demand.
			if (box.width <= 1 || box.height <= 1 || el.closest('details:not([open]) > :not(summary)')) continue;
			if (box.right > width + 1 || box.left < -1) {
				let p = el.parentElement;
				while (p && p !== document.body && !scrollsSideways(p)) p = p.parentElement;
				if (!p || p === document.body) out.push(`${name(el)} reaches past the screen (${Math.round(box.left)} to ${Math.round(box.right)} of ${width} px)`);
			}
			const wide = el.scrollWidth > el.clientWidth + 1;
			if (wide && ['hidden', 'clip'].includes(style.overflowX) && (el.textContent ?? '').trim()) out.push(`${name(el)} cuts its content (${el.scrollWidth} px in ${el.clientWidth} px)`);
			if (wide && scrollsSideways(el) && !el.hasAttribute('data-scroll-cue')) out.push(`${name(el)} scrolls sideways with no visible cue`);
			if (el.scrollHeight > el.clientHeight + 1 && ['hidden', 'clip'].includes(style.overflowY) && (el.textContent ?? '').trim())
				out.push(`${name(el)} cuts its content (${el.scrollHeight} px high in ${el.clientHeight} px)`);
		}
		return out;
	});
}

/** Fails the test when the page has a target under 44 px, a control without a label, text under AA contrast, or scrolls sideways. */
export async function assertAccessible(page, label) {
	assert.deepEqual(await smallTargets(page), [], `${label}: touch targets under 44 px`);
	assert.deepEqual(await unlabelledControls(page), [], `${label}: controls without a label`);
	assert.deepEqual(await lowContrastText(page), [], `${label}: text under AA contrast`);
	assert.equal(await overflowsSideways(page), false, `${label}: scrolls sideways`);
}
