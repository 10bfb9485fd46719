import { cleanup } from '@testing-library/svelte';
import { afterEach } from 'vitest';

// jsdom does not lay out, so it has no scrolling.
Element.prototype.scrollIntoView ??= function scrollIntoView() {};

afterEach(() => cleanup());
