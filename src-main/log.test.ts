import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createLog, DEFAULT_ROTATE_BYTES, type WarrenLogger } from './log.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempLog(options: Partial<Parameters<typeof createLog>[0]> = {}): { log: WarrenLogger; file: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-log-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'warren.log');
  const log = createLog({ file, ...options });
  cleanups.push(() => log.close());
  return { log, file, dir };
}

function lines(file: string): Array<Record<string, unknown>> {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('createLog', () => {
  it('writes one JSON object per line to a 0600 file, flushed by close()', async () => {
    const { log, file } = tempLog();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    for (let i = 0; i < 500; i++) log.info({ i }, 'line');
    log.warn('plain message');
    await log.close();
    const out = lines(file);
    expect(out).toHaveLength(501);
    expect(out[0]).toMatchObject({ level: 'info', msg: 'line', i: 0, pid: process.pid });
    expect(typeof out[0]?.['time']).toBe('string');
    expect(out[500]).toMatchObject({ level: 'warn', msg: 'plain message' });
    // After close, calls are dropped rather than throwing.
    log.error({ late: true }, 'after close');
    await log.close();
    expect(lines(file)).toHaveLength(501);
  });

  it('changes level at run time for the logger and every child already made', async () => {
    const { log, file } = tempLog({ level: 'info' });
    const child = log.child({ part: 'ssh' });
    const grandchild = child.child({ host: 'prod' });
    log.debug('hidden 1');
    grandchild.debug('hidden 2');
    log.setLevel('debug');
    expect(log.level).toBe('debug');
    grandchild.debug('shown');
    log.setLevel('error');
    child.warn('hidden 3');
    child.error({ code: 1007 }, 'auth failed; check the key');
    await log.close();
    const out = lines(file);
    expect(out.map((l) => l['msg'])).toEqual(['shown', 'auth failed; check the key']);
    expect(out[0]).toMatchObject({ level: 'debug', part: 'ssh', host: 'prod' });
    expect(out[1]).toMatchObject({ level: 'error', part: 'ssh', code: 1007 });
  });

  it('never writes passphrases or tokens', async () => {
    const { log, file } = tempLog({ redact: ['extra.secretish'] });
    log.info({ passphrase: 'hunter2', token: 'tok-1', params: { host: 'a', passphrase: 'hunter3' } }, 'unlock');
    log.info({ req: { params: { passphrase: 'hunter4', token: 'tok-2' } }, password: 'pw', extra: { secretish: 'x' } }, 'nested');
    log.child({ token: 'tok-3' }).info('child binding');
    await log.close();
    const text = fs.readFileSync(file, 'utf8');
    for (const secret of ['hunter2', 'hunter3', 'hunter4', 'tok-1', 'tok-2', 'tok-3', '"pw"', '"x"']) expect(text).not.toContain(secret);
    const out = lines(file);
    expect(out[0]).toMatchObject({ passphrase: '[redacted]', params: { host: 'a', passphrase: '[redacted]' } });
    expect(out[1]).toMatchObject({ req: { params: { passphrase: '[redacted]', token: '[redacted]' } } });
  });

  it('serialises errors under err with message and stack', async () => {
    const { log, file } = tempLog();
    log.error({ err: new Error('connect ECONNREFUSED 127.0.0.1:22') }, 'ssh connect failed; is sshd running?');
    await log.close();
    const err = lines(file)[0]?.['err'] as Record<string, unknown>;
    expect(err['message']).toBe('connect ECONNREFUSED 127.0.0.1:22');
    expect(String(err['stack'])).toContain('log.test.ts');
  });

  it('rotates a log bigger than the limit at start, appends to a smaller one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-log-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'warren.log');
    fs.writeFileSync(file, '{"old":1}\n', { mode: 0o644 });
    const small = createLog({ file, rotateBytes: 100 });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600); // tightened
    small.info('second');
    await small.close();
    expect(lines(file)).toHaveLength(2);
    expect(fs.existsSync(`${file}.1`)).toBe(false);

    fs.appendFileSync(file, 'x'.repeat(200) + '\n');
    const big = createLog({ file, rotateBytes: 100 });
    big.info('fresh');
    await big.close();
    expect(lines(file).map((l) => l['msg'])).toEqual(['fresh']);
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toContain('{"old":1}');
    expect(DEFAULT_ROTATE_BYTES).toBe(10 * 1024 * 1024);
  });

  it('creates a missing folder 0700', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-log-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const log = createLog({ file: path.join(dir, 'home', 'warren.log') });
    await log.close();
    expect(fs.statSync(path.join(dir, 'home')).mode & 0o777).toBe(0o700);
  });

  it('with stderr on, writes the same JSON line to stderr and the file (child process)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-log-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'warren.log');
    const moduleUrl = pathToFileURL(path.join(here, 'log.ts')).href;
    const script = `import { createLog } from ${JSON.stringify(moduleUrl)};
const log = createLog({ file: ${JSON.stringify(file)}, stderr: true });
log.info({ token: 'tok-9', n: 1 }, 'to both');
await log.close();`;
    const stderr = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: path.join(here, '..'),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(err);
        else reject(new Error(`child exited ${code}: ${err}`));
      });
    });
    const fileText = fs.readFileSync(file, 'utf8');
    expect(stderr).toBe(fileText);
    expect(JSON.parse(fileText)).toMatchObject({ msg: 'to both', n: 1, token: '[redacted]' });
  });
});

