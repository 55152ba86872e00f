import type { ErrorPayload } from './errors.js';

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorPayload };
export type AckCallback<T> = (ack: Ack<T>) => void;
