/**
 * The app's IndexedDB database: device signing keys and ballot answers
 * waiting for the network. Nothing else is kept at rest on the device.
 */
export const DB_NAME = 'ecabinet';
const DB_VERSION = 1;
export const KEYS_STORE = 'device-keys';
export const OUTBOX_STORE = 'outbox';

function request<T>(req: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});
}

/** Opens (and creates or upgrades) the database in factory. */
export function openDatabase(factory: IDBFactory = indexedDB): Promise<IDBDatabase> {
	const req = factory.open(DB_NAME, DB_VERSION);
	req.onupgradeneeded = () => {
		const db = req.result;
		if (!db.objectStoreNames.contains(KEYS_STORE)) db.createObjectStore(KEYS_STORE, { keyPath: 'memberId' });
		if (!db.objectStoreNames.contains(OUTBOX_STORE)) db.createObjectStore(OUTBOX_STORE, { keyPath: 'key' });
	};
	return request(req);
}

/** A store of records keyed by one of their fields, over an IndexedDB object store. */
export class RecordStore<T> {
	readonly #db: () => Promise<IDBDatabase>;
	readonly #name: string;

	constructor(db: () => Promise<IDBDatabase>, name: string) {
		this.#db = db;
		this.#name = name;
	}

	async #run<R>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<R>): Promise<R> {
		const db = await this.#db();
		const tx = db.transaction(this.#name, mode);
		const result = request(fn(tx.objectStore(this.#name)));
		await new Promise<void>((resolve, reject) => {
			tx.oncomplete = () => resolve();
			tx.onerror = () => reject(tx.error);
			tx.onabort = () => reject(tx.error);
		});
		return result;
	}

	get(key: IDBValidKey): Promise<T | undefined> {
		return this.#run('readonly', (s) => s.get(key) as IDBRequest<T | undefined>);
	}

	all(): Promise<T[]> {
		return this.#run('readonly', (s) => s.getAll() as IDBRequest<T[]>);
	}

	async put(value: T): Promise<void> {
		await this.#run('readwrite', (s) => s.put(value));
	}

	async delete(key: IDBValidKey): Promise<void> {
		await this.#run('readwrite', (s) => s.delete(key));
	}
}

let shared: Promise<IDBDatabase> | null = null;

/** The browser's database, opened once. */
export function appDatabase(): Promise<IDBDatabase> {
	shared ??= openDatabase().catch((err) => {
		shared = null;
		throw err;
	});
	return shared;
}
