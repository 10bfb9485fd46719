import { api } from './index';
import type { Body, BodySettings } from './types';

export function getBody(signal?: AbortSignal): Promise<Body> {
	return api.get<Body>('/body', { signal });
}

/** Replaces the body's rules (admin). Invalid values fail with code invalid and the field. */
export function putBodySettings(settings: BodySettings): Promise<Body> {
	return api.put<Body>('/body/settings', settings);
}
