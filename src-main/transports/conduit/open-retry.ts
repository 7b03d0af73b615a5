// The seed's retry policy for opening a stream: at most 3 retries, 100 ms base, exponential, with
// jitter, and only for errors that waiting can fix.
export const OPEN_RETRY = { retries: 3, baseMs: 100, jitter: 0.5 } as const;

export async function withOpenRetry<T>(
  attempt: () => Promise<T>,
  retryable: (e: unknown) => boolean,
  opts: { retries?: number; baseMs?: number; random?: () => number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const retries = opts.retries ?? OPEN_RETRY.retries;
  const base = opts.baseMs ?? OPEN_RETRY.baseMs;
  const random = opts.random ?? Math.random;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (i >= retries || !retryable(e)) throw e;
      const delay = base * 2 ** i;
      // ±50 % jitter so that many clients retrying one source do not arrive in lockstep.
      await sleep(Math.round(delay * (1 - OPEN_RETRY.jitter + 2 * OPEN_RETRY.jitter * random())));
    }
  }
}
