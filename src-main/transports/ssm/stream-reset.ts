// The error an SSM stream is destroyed with when it cannot complete: the session or WebSocket died
// under it, the link was closed or replaced, or the peer's FIN came while we still had bytes to send.
// core/link.ts asks for err.code 'ECONNRESET' in every such case, so the engine resets the local
// socket (the program sees an error, never a clean end with bytes missing). The original cause, a
// WarrenError with the API's code more often than not, rides along as `cause` for logs.
export interface StreamResetError extends Error {
  readonly code: 'ECONNRESET';
  readonly cause?: unknown;
}

export function streamReset(message: string, cause?: unknown): StreamResetError {
  const err = new Error(message, cause === undefined ? undefined : { cause }) as Error & { code: 'ECONNRESET' };
  err.code = 'ECONNRESET';
  return err;
}

/** streamReset carrying cause's message, for "the session died: <why>". */
export function resetFrom(cause: Error | undefined, fallback: string): StreamResetError {
  return streamReset(cause?.message ?? fallback, cause);
}
