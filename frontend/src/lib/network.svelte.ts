/** Whether the device has a network, from the browser's online/offline events. */
class Network {
	online = $state(true);

	/** Starts following the browser; returns a function that stops it. */
	watch(): () => void {
		const update = () => (this.online = navigator.onLine);
		update();
		addEventListener('online', update);
		addEventListener('offline', update);
		return () => {
			removeEventListener('online', update);
			removeEventListener('offline', update);
		};
	}
}

export const network = new Network();
