import { api } from './index';
import type { Notification } from './types';

/** The member's latest notifications, newest first. */
export function listNotifications(signal?: AbortSignal): Promise<Notification[]> {
	return api.get<Notification[]>('/notifications', { signal });
}
