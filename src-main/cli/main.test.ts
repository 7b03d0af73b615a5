// The whole program in-process with in-memory streams: parsing, usage errors, error printing and
// exit codes (no daemon needed; the daemon side is covered in e2e/integration/cli*.test.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError } from '../../src-shared/api/index.js';
import { CliContext, type CliIo } from './context.js';
import { reportError, run } from './main.js';
import { DaemonUnavailableError } from './socket-carrier.js';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) fs.rmSync(h, { recursive: true, force: true });
});

function memoryIo(): CliIo & { text(): { out: string; err: string } } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-cli-main-'));
  homes.push(home);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, stdin: new PassThrough(), env: { WARREN_HOME: home }, text: () => ({ out, err }) };
}

const argv = (...args: string[]): string[] => ['node', 'warren', ...args];

describe('run', () => {
  it('prints help and exits 0', async () => {
    const io = memoryIo();
    expect(await run(argv('--help'), io)).toBe(0);
    expect(io.text().out).toContain('Usage: warren');
    for (const domain of ['daemon', 'host', 'ssh', 'forward', 'session', 'config', 'events']) expect(io.text().out).toContain(domain);
  });

  it('treats unknown commands, missing arguments and bad specs as usage errors (exit 2)', async () => {
    const io = memoryIo();
    expect(await run(argv('forward', 'launch'), io)).toBe(2);
    expect(await run(argv('forward', 'add'), io)).toBe(2);
    expect(await run(argv('forward', 'add', 'h', '-L', '1:a:2', '-D', '3'), io)).toBe(2);
    expect(io.text().err).toContain('error: give only one of -L, -R and -D');
    expect(await run(argv('events', '--types', 'ssh,weather'), io)).toBe(2);
    expect(io.text().err).toContain('got "weather"');
    expect(await run(argv('--timeout', '0', 'daemon', 'status'), io)).toBe(2);
  });

  it('says no daemon is running with exit 3 when the socket is missing', async () => {
    const io = memoryIo();
    expect(await run(argv('session', 'list', '--json'), io)).toBe(3);
    const { out, err } = io.text();
    expect(out).toBe('');
    expect(err).toBe(
      `error: no daemon is running (looked for ${path.join(io.env['WARREN_HOME'] ?? '', 'warren.sock')}); start one with \`warren daemon start\` (or open the Warren app)\n`,
    );
  });
});

describe('reportError', () => {
  it('prints the message, a hint where one helps, and returns the mapped exit code', () => {
    const io = memoryIo();
    const ctx = new CliContext(io);
    ctx.subject = { host: 'prod' };
    expect(reportError(new WarrenError(ErrorCode.PassphraseRequired, 'identity file is encrypted', { key_path: '/k' }), ctx)).toBe(4);
    expect(reportError(new WarrenError(ErrorCode.PortConflict, 'port 8080 is in use'), ctx)).toBe(5);
    expect(reportError(new DaemonUnavailableError('/s'), ctx)).toBe(3);
    expect(reportError(new Error('boom'), ctx)).toBe(1);
    expect(io.text().err.split('\n')).toEqual([
      'error: identity file is encrypted',
      'hint: run `warren host unlock prod` to give the passphrase of /k',
      'error: port 8080 is in use',
      'hint: another program holds the port: pick another local port or stop that program',
      'error: no daemon is running (looked for /s); start one with `warren daemon start` (or open the Warren app)',
      'error: boom',
      '',
    ]);
  });
});
