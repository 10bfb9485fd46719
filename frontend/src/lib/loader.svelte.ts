import { bodyFeed } from '$lib/body/feed.svelte';

export interface LoaderOptions {
	/** Forget the value each time it loads again (another filter): the screen shows it loading. */
	clear?: boolean;
	/** Load again when the body's stream says the data changed. */
	reloadOn?: (event: string, data: unknown) => boolean;
	/** With reloadOn: wait this many milliseconds after an event, so that a burst loads once. */
	wait?: number;
}

/**
 * What a screen reads from the API. Created while a component initialises,
 * it fetches at once, and again when what `fetch` reads changes (an id, a
 * filter), on `reload()` (a retry) and on the events `reloadOn` picks; each
 * new request aborts the one before, and leaving the screen aborts the
 * last. `fetch` answers undefined when there is nothing to read (yet).
 * `value` is null until the first answer; the screen may change it (an
 * event carried the new data). `failure` is the last request's error,
 * cleared when it loads again.
 */
export class Loader<T> {
	value = $state.raw<T | null>(null);
	failure = $state<unknown>(null);
	#version = $state(0);

	constructor(fetch: (signal: AbortSignal) => Promise<T> | undefined, options: LoaderOptions = {}) {
		$effect(() => {
			void this.#version;
			if (options.clear) this.value = null;
			const ctl = new AbortController();
			const pending = fetch(ctl.signal);
			if (!pending) return;
			this.failure = null;
			pending.then(
				(v) => {
					if (!ctl.signal.aborted) this.value = v;
				},
				(err) => {
					if (!ctl.signal.aborted) this.failure = err;
				}
			);
			return () => ctl.abort();
		});
		const { reloadOn, wait = 0 } = options;
		if (!reloadOn) return;
		$effect(() => {
			let timer: ReturnType<typeof setTimeout> | undefined;
			const stop = bodyFeed.listen((event, data) => {
				if (!reloadOn(event, data)) return;
				if (wait === 0) return this.reload();
				if (timer) return;
				timer = setTimeout(() => {
					timer = undefined;
					this.reload();
				}, wait);
			});
			return () => {
				stop();
				clearTimeout(timer);
			};
		});
	}

	/** Loads again (a retry, or the data changed). */
	reload = (): void => {
		this.#version++;
	};
}

/** A Loader of fetch; see Loader. */
export const loader = <T>(fetch: (signal: AbortSignal) => Promise<T> | undefined, options?: LoaderOptions): Loader<T> =>
	new Loader(fetch, options);
