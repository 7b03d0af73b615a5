// An abortable sleep for the wait loop: shutting down must not sit out a 5 s poll interval.

export class CancelledError extends Error {
  override readonly name = 'CancelledError';
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError('cancelled'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError('cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
