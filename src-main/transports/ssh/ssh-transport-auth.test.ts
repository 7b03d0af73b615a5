// Integration: host key verification and authentication failures against a real sshd.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError, hostKeyInfoSchema } from '../../../src-shared/api/index.js';
import { generateKey, startSshd, type SshdFixture } from '../../../e2e/fixtures/sshd.js';
import { createSshTransport, type TransportLog } from './ssh-transport.js';

const quietLog: TransportLog = { debug() {}, info() {}, warn() {}, error() {} };
const PASS = 'correct horse battery staple';

async function failure(p: Promise<unknown>): Promise<WarrenError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WarrenError);
  return e as WarrenError;
}

describe('ssh transport: host keys and authentication', () => {
  let sshd: SshdFixture | undefined;
  afterEach(async () => {
    await sshd?.stop();
    sshd = undefined;
  });
  const signal = (): AbortSignal => new AbortController().signal;

  it('unknown host key → 1008 with HostKeyInfo; trustHost records it and connect then succeeds', async () => {
    sshd = await startSshd({ knownHosts: false });
    const t = createSshTransport({ sshConfigPath: sshd.sshConfigPath, log: quietLog, env: {} });
    const err = await failure(t.connect('fixture', signal()));
    expect(err.code).toBe(ErrorCode.HostKeyUnknown);
    const info = hostKeyInfoSchema.parse(err.data);
    expect(info).toMatchObject({ host: 'fixture', hostname: '127.0.0.1', port: sshd.port, key_type: 'ssh-ed25519', known_hosts_file: sshd.knownHostsPath });
    // A wrong fingerprint records nothing.
    await expect(t.trustHost('fixture', 'SHA256:nope')).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    expect(await t.trustHost('fixture', info.fingerprint)).toEqual(info);
    expect(await fs.readFile(sshd.knownHostsPath, 'utf8')).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-ed25519 `, 'm'));
    const link = await t.connect('fixture', signal());
    expect(await link.probe(5000)).toBeGreaterThan(0);
    await link.close();
    // The offer was used up.
    await expect(t.trustHost('fixture')).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
  });

  it('StrictHostKeyChecking accept-new connects to an unknown host and records its key', async () => {
    sshd = await startSshd({ knownHosts: false });
    await sshd.writeClientConfig(sshd.hostBlock('lenient', ['StrictHostKeyChecking accept-new']));
    const t = createSshTransport({ sshConfigPath: sshd.sshConfigPath, log: quietLog, env: {} });
    const link = await t.connect('lenient', signal());
    await link.close();
    expect(await fs.readFile(sshd.knownHostsPath, 'utf8')).toContain(`[127.0.0.1]:${sshd.port} ssh-ed25519 `);
  });

  it('changed host key → 1009 naming the file and line, even with StrictHostKeyChecking no', async () => {
    sshd = await startSshd();
    await sshd.writeClientConfig(sshd.hostBlock('careless', ['StrictHostKeyChecking no']));
    const t = createSshTransport({ sshConfigPath: sshd.sshConfigPath, log: quietLog, env: {} });
    await (await t.connect('fixture', signal())).close();
    await sshd.rotateHostKey();
    for (const alias of ['fixture', 'careless']) {
      const err = await failure(t.connect(alias, signal()));
      expect(err.code).toBe(ErrorCode.HostKeyChanged);
      expect(err.message).toContain(`${sshd.knownHostsPath} line 1`);
      expect(hostKeyInfoSchema.parse(err.data).known_hosts_file).toBe(sshd.knownHostsPath);
    }
  });

  it('a key the server does not accept → 1007 naming user@host:port and the keys tried', async () => {
    sshd = await startSshd();
    const stranger = path.join(sshd.dir, 'id_stranger');
    await generateKey(stranger);
    await sshd.writeClientConfig(sshd.hostBlock('wrongkey').replace(`IdentityFile ${sshd.userKeyPath}`, `IdentityFile ${stranger}`));
    const t = createSshTransport({ sshConfigPath: sshd.sshConfigPath, log: quietLog, env: {} });
    const err = await failure(t.connect('wrongkey', signal()));
    expect(err.code).toBe(ErrorCode.AuthenticationFailed);
    expect(err.message).toContain(`${sshd.user}@127.0.0.1:${sshd.port}`);
    expect(err.message).toContain(stranger);
  });

  it('encrypted key → 1010 with key_path; a wrong passphrase is refused; the right one connects', async () => {
    sshd = await startSshd({ encryptedKeyPassphrase: PASS });
    const enc = sshd.encryptedKeyPath as string;
    await sshd.writeClientConfig(sshd.hostBlock('locked').replace(`IdentityFile ${sshd.userKeyPath}`, `IdentityFile ${enc}`));
    const passphrases = new Map<string, string>();
    const t = createSshTransport({ sshConfigPath: sshd.sshConfigPath, log: quietLog, env: {}, passphrases });
    const err = await failure(t.connect('locked', signal()));
    expect(err.code).toBe(ErrorCode.PassphraseRequired);
    expect(err.data).toEqual({ key_path: enc });
    expect(err.message).toContain('warren host unlock locked');
    await expect(t.unlock('locked', 'wrong')).rejects.toMatchObject({ code: ErrorCode.AuthenticationFailed });
    expect(passphrases.size).toBe(0);
    expect(await t.unlockHost('locked', PASS)).toEqual({ host: 'locked', key_path: enc });
    expect(passphrases.get(enc)).toBe(PASS);
    const link = await t.connect('locked', signal());
    expect(await link.probe(5000)).toBeGreaterThan(0);
    await link.close();
  });
});
