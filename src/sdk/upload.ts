import { ERROR_CODES, type ErrorCode } from '../protocol/errors.js';
import type { FileInfo } from '../protocol/models.js';
import { IMError } from './errors.js';

export interface UploadOptions {
  /** Called with 0–100 as the bytes go out (100 once the server stored the file). */
  onProgress?: (percent: number) => void;
  /** Aborting cancels the upload (the promise rejects with CANCELLED). */
  signal?: AbortSignal;
  /** A guest of a room (a token that names no user) says who uploads: the id it connects with. */
  guestId?: string;
}

/**
 * POST /v1/uploads with upload progress (XMLHttpRequest: fetch cannot report upload progress).
 * Network failures reject with NOT_CONNECTED (retryable); the server's refusals with its code.
 */
export function uploadFile(server: string, credential: string, blob: Blob, name: string, options: UploadOptions = {}): Promise<FileInfo> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new IMError(ERROR_CODES.CANCELLED, 'the upload was cancelled'));
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => options.signal?.removeEventListener('abort', onAbort);
    xhr.open('POST', `${server}/v1/uploads`);
    xhr.setRequestHeader('authorization', `Bearer ${credential}`);
    if (options.guestId !== undefined) xhr.setRequestHeader('x-im-user-id', options.guestId);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => {
      // 100 only once the server answered: storing and thumbnails come after the last byte.
      if (event.lengthComputable && event.total > 0) options.onProgress?.(Math.min(99, Math.floor((event.loaded / event.total) * 100)));
    };
    xhr.onload = () => {
      done();
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status === 201 && body && typeof body === 'object') {
        options.onProgress?.(100);
        resolve(body as FileInfo);
        return;
      }
      const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
      const code = (error?.code ?? (xhr.status >= 500 ? ERROR_CODES.INTERNAL : ERROR_CODES.INVALID_PAYLOAD)) as ErrorCode;
      reject(new IMError(code, error?.message ?? `upload failed with HTTP ${xhr.status}`));
    };
    xhr.onerror = () => {
      done();
      reject(new IMError(ERROR_CODES.NOT_CONNECTED, 'the upload could not reach the server'));
    };
    xhr.onabort = () => {
      done();
      reject(new IMError(ERROR_CODES.CANCELLED, 'the upload was cancelled'));
    };
    const form = new FormData();
    form.append('file', blob, name);
    xhr.send(form);
  });
}
