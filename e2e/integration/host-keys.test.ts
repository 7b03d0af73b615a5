// Host keys and authentication through the daemon's API: an unknown host is refused (1008) until
// the user trusts it, a changed key is always refused (1009), a wrong key is 1007.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../fixtures/ports.js';
import { generateKey, startSshd, type SshdFixture } from '../fixtures/sshd.js';
import { makeTempDir, type TempDir } from '../fixtures/tmp.js';
import { startDaemon, type DaemonHandle } from './helpers/daemon.js';

describe('host keys and auth via the API', () => {
  let sshd: SshdFixture;
  let home: TempDir;
  let daemon: DaemonHandle;

  beforeAll(async () => {
    sshd = await startSshd({ knownHosts: false });
    home = await makeTempDir('warren-keys-');
    daemon = await startDaemon({ home: home.path, sshConfigPath: sshd.sshConfigPath });
  });
  afterAll(async () => {
    await daemon?.stop();
    await sshd?.stop();
    await home?.remove();
  });

  it('refuses an unknown host with 1008 and its fingerprint, then connects once trusted', async () => {
    const port = await freePort();
    await daemon.client.call('forward.add', { name: 'k', host: 'fixture', type: 'dynamic', local_port: port });
    const err = await daemon.client.call('forward.start', { name: 'k' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 1008 });
    const data = (err as { data: { fingerprint: string; known_hosts_file: string } }).data;
    expect(data.fingerprint).toMatch(/^SHA256:/);
    expect(data.known_hosts_file).toBe(sshd.knownHostsPath);
    expect((await daemon.client.call('session.get', { name: 'k' })).status).toBe('error');

    // Trusting with a different fingerprint than offered is refused.
    await expect(daemon.client.call('host.trust', { host: 'fixture', fingerprint: 'SHA256:AAAA' })).rejects.toBeTruthy();
    const trusted = await daemon.client.call('host.trust', { host: 'fixture', fingerprint: data.fingerprint });
    expect(trusted.fingerprint).toBe(data.fingerprint);
    expect((await daemon.client.call('forward.start', { name: 'k' })).status).toBe('active');
    await daemon.client.call('forward.stop', { name: 'k' });
  });

  it('refuses a changed host key with 1009, always', async () => {
    await sshd.rotateHostKey();
    const err = await daemon.client.call('forward.start', { name: 'k' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 1009 });
    expect((err as Error).message).toMatch(/known_hosts|changed/i);
    // host.trust does not override a changed key
    await expect(daemon.client.call('host.trust', { host: 'fixture' })).rejects.toBeTruthy();
  });

});

describe('authentication failure via the API', () => {
  it('a key the server does not accept is 1007 AuthenticationFailed naming the host', async () => {
    const sshd = await startSshd();
    const home = await makeTempDir('warren-auth-');
    let daemon: DaemonHandle | undefined;
    try {
      const wrongKey = path.join(sshd.dir, 'not-authorised');
      await generateKey(wrongKey);
      await sshd.writeClientConfig(
        [`Host wrongkey`, `  HostName 127.0.0.1`, `  Port ${sshd.port}`, `  User ${sshd.user}`, `  IdentityFile ${wrongKey}`, `  UserKnownHostsFile ${sshd.knownHostsPath}`, `  IdentitiesOnly yes`, ''].join('\n'),
      );
      daemon = await startDaemon({ home: home.path, sshConfigPath: sshd.sshConfigPath });
      const err = await daemon.client.call('ssh.connect', { host: 'wrongkey' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 1007 });
      expect((err as Error).message).toMatch(/127\.0\.0\.1|wrongkey/);
      // the right key on the same server works
      expect((await daemon.client.call('ssh.connect', { host: 'fixture' })).status).toBe('connected');
    } finally {
      await daemon?.stop();
      await sshd.stop();
      await home.remove();
    }
  });
});
