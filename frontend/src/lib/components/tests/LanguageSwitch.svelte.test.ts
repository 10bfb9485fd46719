import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import { i18n } from '$lib/i18n/i18n.svelte';
import { LANG_STORAGE_KEY } from '$lib/i18n/lang';
import ConnectionIndicator from '../ConnectionIndicator.svelte';
import LanguageSwitch from '../LanguageSwitch.svelte';

beforeEach(() => {
	localStorage.clear();
	i18n.set('vi');
});

describe('LanguageSwitch', () => {
	it('switches to English and keeps the choice', async () => {
		render(LanguageSwitch);
		const en = screen.getByRole('button', { name: 'English' });
		expect(en.getAttribute('aria-pressed')).toBe('false');
		await fireEvent.click(en);
		expect(i18n.lang).toBe('en');
		expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe('en');
		expect(en.getAttribute('aria-pressed')).toBe('true');
		expect(screen.getByRole('group').getAttribute('aria-label')).toBe('Language');
	});
});

describe('ConnectionIndicator', () => {
	it('names the state in the current language', async () => {
		const { rerender } = render(ConnectionIndicator, { state: 'connected' });
		expect(screen.getByRole('status').textContent).toContain('Trực tuyến');
		await rerender({ state: 'reconnecting' });
		expect(screen.getByRole('status').textContent).toContain('Đang kết nối lại…');
		i18n.set('en');
		await rerender({ state: 'offline' });
		expect(screen.getByRole('status').textContent).toContain('Offline');
	});
});
