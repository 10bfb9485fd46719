import { cleanup } from '@testing-library/svelte';
import { afterEach } from 'vitest';

// jsdom does not lay out, so it has no scrolling.
Element.prototype.scrollIntoView ??= function scrollIntoView() {};
// Nor does anything resize: an observer that is never called is exact.
globalThis.ResizeObserver ??= class {
	observe() {}
	unobserve() {}
	disconnect() {}
};

afterEach(() => cleanup());
