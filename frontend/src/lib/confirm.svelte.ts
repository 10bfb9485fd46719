/** What a confirmation asks: a title, what will happen, whom it concerns, the button that does it. */
export interface ConfirmRequest {
	title: string;
	message: string;
	/** People the action concerns, listed under the message (members yet to vote). */
	names?: string[];
	/** The label of the button that goes ahead. */
	confirm: string;
	/** Whether going ahead ends something for good (a red button). */
	danger?: boolean;
}

interface Pending extends ConfirmRequest {
	resolve: (ok: boolean) => void;
}

/**
 * The app's own confirmation dialog (never the browser's confirm(), which
 * speaks the browser's language and cannot be styled for a tablet): a
 * screen awaits ask(), the shell's ConfirmHost shows it.
 */
class Confirmer {
	pending = $state.raw<Pending | null>(null);

	/** Resolves true when the member goes ahead, false when they cancel. */
	ask(request: ConfirmRequest): Promise<boolean> {
		this.pending?.resolve(false);
		return new Promise((resolve) => (this.pending = { ...request, resolve }));
	}

	answer(ok: boolean): void {
		const p = this.pending;
		this.pending = null;
		p?.resolve(ok);
	}
}

export const confirmer = new Confirmer();
