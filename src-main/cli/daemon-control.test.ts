import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive, selfCommand, tailOf } from './daemon-control.js';

describe('daemon-control helpers', () => {
  it('isAlive follows a real process from running to gone', async () => {
    expect(isAlive(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 200)'], { stdio: 'ignore' });
    const pid = child.pid ?? 0;
    expect(isAlive(pid)).toBe(true);
    await new Promise((r) => child.once('exit', r));
    expect(isAlive(pid)).toBe(false);
  });

  it('tailOf keeps the last lines, and is empty for a missing file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-tail-'));
    try {
      const file = path.join(dir, 'daemon.out');
      fs.writeFileSync(file, Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n') + '\n');
      expect(tailOf(file, 3)).toBe('line 27\nline 28\nline 29');
      expect(tailOf(path.join(dir, 'nope'))).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('selfCommand re-runs this node with its loader flags and script', () => {
    const { command, args } = selfCommand(['daemon', 'run']);
    expect(command).toBe(process.execPath);
    expect(args.slice(0, process.execArgv.length)).toEqual(process.execArgv);
    expect(args.slice(-3)).toEqual([process.argv[1], 'daemon', 'run']);
  });
});
