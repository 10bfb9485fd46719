/** A button's call to the server: whether it runs, and how it failed. */
export class Action {
	busy = $state(false);
	error = $state<unknown>(null);

	/** Runs fn unless already running; returns its result, or undefined when it failed. */
	async run<T>(fn: () => Promise<T>): Promise<T | undefined> {
		if (this.busy) return undefined;
		this.busy = true;
		this.error = null;
		try {
			return await fn();
		} catch (err) {
			this.error = err;
			return undefined;
		} finally {
			this.busy = false;
		}
	}
}
