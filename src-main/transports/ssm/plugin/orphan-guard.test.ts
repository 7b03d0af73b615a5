// The last-resort guard, in a real process: a Node process that guards a long-running child and
// then calls process.exit must take the child with it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const guard = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'orphan-guard.ts')).href;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('orphan guard', () => {
  it('kills guarded children when the parent exits', async () => {
    const script = `
      const { spawn } = await import('node:child_process');
      const { guardChild } = await import(${JSON.stringify(guard)});
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      guardChild(child);
      child.once('spawn', () => { process.stdout.write(String(child.pid)); process.exit(0); });
    `;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    parent.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    const code = await new Promise<number | null>((r) => parent.once('exit', r));
    expect(code).toBe(0);
    const pid = Number(out);
    expect(pid).toBeGreaterThan(0);
    const end = Date.now() + 3000;
    while (isRunning(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(isRunning(pid)).toBe(false);
  });
});
