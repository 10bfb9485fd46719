import { fetchMe } from '$lib/api/auth';
import { isApiError } from '$lib/api/error';
import { RealtimeClient, type ConnectionState } from './client';
import { browserEnvironment, hubUrl, openBrowserSocket } from './browser';

/**
 * The signed-in app's one real-time connection. Screens subscribe through
 * `client`; the shell shows `state`.
 */
class Live {
	state = $state<ConnectionState>('idle');
	/** The connection while signed in; screens that follow a scope wait for it. */
	client = $state.raw<RealtimeClient | null>(null);

	/** Connects for the signed-in member; onSignInEnded runs on 4401. Returns the connection. */
	start(onSignInEnded: () => void): RealtimeClient {
		if (this.client) return this.client;
		const client = new RealtimeClient({
			url: hubUrl(location),
			openSocket: openBrowserSocket,
			env: browserEnvironment,
			onSignInEnded,
			isSignedIn: async () => {
				try {
					await fetchMe();
					return true;
				} catch (err) {
					return isApiError(err) && err.code === 'unauthenticated' ? false : null;
				}
			},
			onProblem: (p) => console.warn('realtime:', p.kind, p.code ?? '', p.message)
		});
		client.onState((s) => (this.state = s));
		this.client = client;
		client.start();
		return client;
	}

	stop(): void {
		this.client?.stop();
		this.client = null;
		this.state = 'idle';
	}
}

export const live = new Live();
