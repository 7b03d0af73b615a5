import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../context.js';
import { readTtyLine } from './aws.js';

function tty() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, raw: false, setRawMode(mode: boolean) {
    stdin.raw = mode;
    return stdin;
  } });
  let err = '';
  const stderr = new PassThrough();
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const io: CliIo = { stdin, stdout: new PassThrough(), stderr, env: {} };
  return { io, stdin, stderr: () => err };
}

describe('readTtyLine', () => {
  it('reads a line without echo, with backspace, and restores the terminal', async () => {
    const t = tty();
    const line = readTtyLine(t.io, 'MFA code: ', new AbortController().signal);
    expect(t.stdin.raw).toBe(true);
    t.stdin.write('12x\u007f3456\r');
    await expect(line).resolves.toBe('123456');
    expect(t.stdin.raw).toBe(false);
    expect(t.stderr()).toBe('MFA code: \n');
  });

  it('gives up quietly when the prompt is answered elsewhere, and rejects on Ctrl-C', async () => {
    const t = tty();
    const ac = new AbortController();
    const line = readTtyLine(t.io, 'code: ', ac.signal);
    ac.abort();
    await expect(line).resolves.toBeUndefined();
    expect(t.stdin.raw).toBe(false);
    const again = readTtyLine(t.io, 'code: ', new AbortController().signal);
    t.stdin.write('12\u0003');
    await expect(again).rejects.toMatchObject({ message: 'cancelled', exitCode: 4 });
  });
});
