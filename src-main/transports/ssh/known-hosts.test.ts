import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKey } from '../../../e2e/fixtures/sshd.js';
import { makeTempDir, type TempDir } from '../../../e2e/fixtures/tmp.js';
import { KnownHosts, appendKnownHost, fingerprint, keyTypeOf } from './known-hosts.js';

const execFileP = promisify(execFile);

describe('known_hosts', () => {
  let tmp: TempDir;
  let keyA: Buffer;
  let keyB: Buffer;
  let keyALine: string;
  let keyBLine: string;
  beforeEach(async () => {
    tmp = await makeTempDir('warren-kh-');
    keyALine = await generateKey(path.join(tmp.path, 'a'));
    keyBLine = await generateKey(path.join(tmp.path, 'b'));
    keyA = Buffer.from(keyALine.split(' ')[1] as string, 'base64');
    keyB = Buffer.from(keyBLine.split(' ')[1] as string, 'base64');
  });
  afterEach(() => tmp.remove());

  const pub = (line: string): string => line.split(' ').slice(0, 2).join(' ');

  it('fingerprint matches ssh-keygen -l', async () => {
    const { stdout } = await execFileP('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(tmp.path, 'a.pub')]);
    expect(stdout.split(' ')[1]).toBe(fingerprint(keyA));
    expect(keyTypeOf(keyA)).toBe('ssh-ed25519');
  });

  it('matches plain, [host]:port, comma lists, wildcards; negation excludes', async () => {
    const file = path.join(tmp.path, 'kh');
    await fs.writeFile(
      file,
      [
        '# comment',
        `web.example,10.0.0.5 ${pub(keyALine)}`,
        `[db.example]:2222 ${pub(keyALine)}`,
        `*.corp,!secret.corp ${pub(keyBLine)}`,
        `@cert-authority *.example ${pub(keyBLine)}`,
        '',
      ].join('\n'),
    );
    const kh = await KnownHosts.load([file, path.join(tmp.path, 'missing')]);
    expect(kh.check('web.example', 22, 'ssh-ed25519', keyA)).toBe('match');
    expect(kh.check('WEB.example', 22, 'ssh-ed25519', keyA)).toBe('match');
    expect(kh.check('10.0.0.5', 22, 'ssh-ed25519', keyA)).toBe('match');
    expect(kh.check('web.example', 2200, 'ssh-ed25519', keyA)).toBe('unknown');
    expect(kh.check('db.example', 2222, 'ssh-ed25519', keyA)).toBe('match');
    expect(kh.check('db.example', 22, 'ssh-ed25519', keyA)).toBe('unknown');
    expect(kh.check('x.corp', 22, 'ssh-ed25519', keyB)).toBe('match');
    expect(kh.check('secret.corp', 22, 'ssh-ed25519', keyB)).toBe('unknown');
    // The @cert-authority line is not a host key for web.example.
    const changed = kh.lookup('web.example', 22, 'ssh-ed25519', keyB);
    expect(changed.status).toBe('changed');
    expect(changed.entries.map((e) => [e.file, e.line])).toEqual([[file, 2]]);
    // Another key type known only: unknown, not changed (OpenSSH asks in that case too).
    expect(kh.check('web.example', 22, 'ecdsa-sha2-nistp256', keyB)).toBe('unknown');
  });

  it('honours @revoked even when the key is also listed as good', async () => {
    const file = path.join(tmp.path, 'kh');
    await fs.writeFile(file, `@revoked * ${pub(keyALine)}\nhost.example ${pub(keyALine)}\n`);
    const kh = await KnownHosts.load([file]);
    expect(kh.check('host.example', 22, 'ssh-ed25519', keyA)).toBe('revoked');
  });

  it('reads entries hashed by real ssh-keygen -H', async () => {
    const file = path.join(tmp.path, 'kh');
    await fs.writeFile(file, `plain.example ${pub(keyALine)}\n[127.0.0.1]:2222 ${pub(keyBLine)}\n`);
    await execFileP('ssh-keygen', ['-H', '-f', file]);
    const text = await fs.readFile(file, 'utf8');
    expect(text).not.toContain('plain.example');
    expect(text).toMatch(/^\|1\|/m);
    const kh = await KnownHosts.load([file]);
    expect(kh.check('plain.example', 22, 'ssh-ed25519', keyA)).toBe('match');
    expect(kh.check('127.0.0.1', 2222, 'ssh-ed25519', keyB)).toBe('match');
    expect(kh.check('127.0.0.1', 2222, 'ssh-ed25519', keyA)).toBe('changed');
    expect(kh.check('127.0.0.1', 22, 'ssh-ed25519', keyB)).toBe('unknown');
  });

  it('append creates the file 0600 in [host]:port form and ssh-keygen -F finds it', async () => {
    const file = path.join(tmp.path, 'sub', 'known_hosts');
    await appendKnownHost(file, '127.0.0.1', 2222, keyA);
    await appendKnownHost(file, 'plain.example', 22, keyB);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const text = await fs.readFile(file, 'utf8');
    expect(text).toBe(`[127.0.0.1]:2222 ${pub(keyALine)}\nplain.example ${pub(keyBLine)}\n`);
    const { stdout } = await execFileP('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file]);
    expect(stdout).toContain(pub(keyALine));
    const kh = await KnownHosts.load([file]);
    expect(kh.check('127.0.0.1', 2222, 'ssh-ed25519', keyA)).toBe('match');
    expect(kh.knownKeyTypes('plain.example', 22)).toEqual(['ssh-ed25519']);
  });
});
