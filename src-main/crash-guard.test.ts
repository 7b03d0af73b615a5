// The crash guard: an uncaught error is logged with its stack, and the session or link whose work
// threw (traced through AsyncLocalStorage, across timers and promises) is failed instead of the
// process. A fake process stands in for the real one so vitest's own handlers are not involved.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { runOwnedBy, type FaultOwner } from './core/fault-context.js';
import { installCrashGuard } from './crash-guard.js';

function setup() {
  const lines: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  const proc = new EventEmitter();
  const guard = installCrashGuard({ error: (obj, msg) => lines.push({ obj, msg }) }, proc as unknown as NodeJS.Process);
  const failed: Error[] = [];
  const owner: FaultOwner = { label: 'session db', fail: (e) => failed.push(e) };
  return { lines, proc, guard, failed, owner };
}

describe('installCrashGuard', () => {
  it('logs an uncaught exception with its stack and keeps going when nobody owns it', () => {
    const { lines, proc } = setup();
    const err = new Error('boom');
    proc.emit('uncaughtException', err);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.msg).toMatch(/uncaught exception/);
    expect(lines[0]?.obj).toMatchObject({ err: 'boom', stack: err.stack, owner: undefined });
  });

  it('fails the owner of the work that threw, even a timer later', async () => {
    const { lines, proc, failed, owner } = setup();
    const err = new Error('late peer error');
    await new Promise<void>((resolve) =>
      runOwnedBy(owner, () =>
        setTimeout(() => {
          proc.emit('uncaughtException', err);
          resolve();
        }, 1),
      ),
    );
    expect(failed).toEqual([err]);
    expect(lines[0]?.obj['owner']).toBe('session db');
  });

  it('handles rejections with a non-Error reason and an owner that throws', async () => {
    const { lines, proc } = setup();
    const owner: FaultOwner = {
      label: 'link ssh:web',
      fail: () => {
        throw new Error('owner broke');
      },
    };
    await runOwnedBy(owner, async () => {
      await Promise.resolve();
      proc.emit('unhandledRejection', 'just a string');
    });
    expect(lines.map((l) => l.msg)).toEqual(['unhandled rejection (Warren keeps running)', 'failing the owner of an uncaught error failed too']);
    expect(lines[0]?.obj['err']).toMatch(/just a string/);
  });

  it('dispose removes both handlers', () => {
    const { proc, guard } = setup();
    guard.dispose();
    expect(proc.listenerCount('uncaughtException')).toBe(0);
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
  });
});
