import { describe, expect, it } from 'vitest';
import { runQuitSteps } from './quit-steps.js';

describe('runQuitSteps', () => {
  it('runs every step in order even when some throw, reject or hang', async () => {
    const order: string[] = [];
    let hangingTimer: NodeJS.Timeout | undefined;
    const outcomes = await runQuitSteps([
      { name: 'tray', timeoutMs: 1000, run: () => void order.push('tray') },
      {
        name: 'throws',
        timeoutMs: 1000,
        run: () => {
          order.push('throws');
          throw new Error('boom');
        },
      },
      { name: 'rejects', timeoutMs: 1000, run: async () => (order.push('rejects'), Promise.reject(new Error('nope'))) },
      {
        name: 'hangs',
        timeoutMs: 50,
        run: () => {
          order.push('hangs');
          return new Promise<void>((resolve) => {
            hangingTimer = setTimeout(resolve, 5_000);
          });
        },
      },
      { name: 'engine', timeoutMs: 1000, run: async () => void order.push('engine') },
    ]);
    clearTimeout(hangingTimer);
    expect(order).toEqual(['tray', 'throws', 'rejects', 'hangs', 'engine']);
    expect(outcomes.map((o) => [o.name, o.outcome])).toEqual([
      ['tray', 'ok'],
      ['throws', 'error'],
      ['rejects', 'error'],
      ['hangs', 'timeout'],
      ['engine', 'ok'],
    ]);
    expect(outcomes[1]).toMatchObject({ error: 'boom' });
    const hung = outcomes[3];
    expect(hung && hung.ms).toBeGreaterThanOrEqual(40);
    expect(hung && hung.ms).toBeLessThan(2_000);
  });

  it('waits for a slow step that finishes within its cap', async () => {
    let done = false;
    const outcomes = await runQuitSteps([
      { name: 'slow', timeoutMs: 2_000, run: () => new Promise<void>((r) => setTimeout(() => ((done = true), r()), 30)) },
    ]);
    expect(done).toBe(true);
    expect(outcomes[0]?.outcome).toBe('ok');
  });
});
