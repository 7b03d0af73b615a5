// How long the browser waits before reopening the WebSocket after the daemon went away.
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** attempt 0,1,2… → initial·2^attempt capped at max, minus up to 20% jitter so tabs don't stampede. */
export function reconnectDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 - 0.2 * random()));
}
