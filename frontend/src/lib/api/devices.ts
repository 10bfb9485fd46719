import { api } from './index';
import type { Device } from './types';

export function registerDevice(name: string, algorithm: Device['algorithm'], publicKey: string): Promise<Device> {
	return api.post<Device>('/devices', { name, algorithm, public_key: publicKey });
}
