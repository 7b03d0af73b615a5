// The real `warren` CLI against a real daemon and a real sshd: the unknown-host-key flow
// (exit 4 with a hint, `host trust`), starting a forward, and `host unlock` with a piped passphrase.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../fixtures/ports.js';
import { startSshd, type SshdFixture } from '../fixtures/sshd.js';
import { makeTempDir, type TempDir } from '../fixtures/tmp.js';
import { runWarren, type CliResult } from './helpers/cli.js';
import { cliEnv } from './helpers/daemon.js';

/** Run the CLI; stdin is a pipe carrying `input` (so it is never a TTY), or closed. */
function warren(env: NodeJS.ProcessEnv, args: string[], input?: string): Promise<CliResult> {
  return runWarren(env, args, input === undefined ? {} : { input });
}

describe('warren CLI with a real sshd', () => {
  let sshd: SshdFixture;
  let home: TempDir;
  let env: NodeJS.ProcessEnv;
  const passphrase = 'correct horse battery';

  beforeAll(async () => {
    sshd = await startSshd({ knownHosts: false, encryptedKeyPassphrase: passphrase });
    // `locked` logs in with the encrypted key only.
    await sshd.writeClientConfig(
      [
        'Host locked',
        '  HostName 127.0.0.1',
        `  Port ${sshd.port}`,
        `  User ${sshd.user}`,
        `  IdentityFile ${sshd.encryptedKeyPath}`,
        `  UserKnownHostsFile ${sshd.knownHostsPath}`,
        '  IdentitiesOnly yes',
        '',
      ].join('\n'),
    );
    home = await makeTempDir('warren-cli-ssh-');
    env = cliEnv(home.path, sshd.sshConfigPath);
    const started = await warren(env, ['daemon', 'start']);
    expect(started.code, `${started.stdout}\n${started.stderr}`).toBe(0);
  });

  afterAll(async () => {
    await warren(env, ['daemon', 'stop']).catch(() => undefined);
    await sshd?.stop();
    await home?.remove();
  });

  it('an unknown host key exits 4 with a hint, and `host trust` accepts it', async () => {
    const port = await freePort();
    expect((await warren(env, ['forward', 'add', 'fixture', '-D', String(port), '--name', 'k'])).code).toBe(0);

    const refused = await warren(env, ['forward', 'start', 'k']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/^error: /);
    expect(refused.stderr).toMatch(/hint: the server offered \S+ key SHA256:\S+; run `warren host trust fixture` after checking the fingerprint/);

    // Without a terminal it will not guess: it shows the key and asks for --fingerprint or --yes.
    const noTty = await warren(env, ['host', 'trust', 'fixture']);
    expect(noTty.code).toBe(2);
    const fp = /fingerprint:\s+(SHA256:\S+)/.exec(noTty.stderr)?.[1];
    expect(fp, noTty.stderr).toBeDefined();
    expect(noTty.stderr).toContain(`--fingerprint ${fp}`);

    const wrong = await warren(env, ['host', 'trust', 'fixture', '--fingerprint', 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']);
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain(`error: fixture offers ${fp}, not SHA256:AAAA`);

    const trusted = await warren(env, ['host', 'trust', 'fixture', '--fingerprint', fp ?? '', '--json']);
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(JSON.parse(trusted.stdout)).toMatchObject({ host: 'fixture', fingerprint: fp, known_hosts_file: sshd.knownHostsPath });

    const started = await warren(env, ['forward', 'start', 'k']);
    expect(started).toMatchObject({ code: 0, stdout: 'k: active\n' });
    const sessions = await warren(env, ['session', 'list']);
    expect(sessions.stdout).toMatch(new RegExp(`^k\\s+fixture\\s+SOCKS :${port}\\s+active\\s+\\d+s\\s+0 B\\s+0 B\\s+0\\s+0`, 'm'));
    const one = await warren(env, ['session', 'get', 'k', '--json']);
    expect(JSON.parse(one.stdout)).toMatchObject({ name: 'k', status: 'active', local_port: port });
    // Asking to connect what is already connected is success.
    expect((await warren(env, ['ssh', 'connect', 'fixture'])).code).toBe(0);
    expect((await warren(env, ['forward', 'stop', 'k'])).stdout).toBe('k: stopped\n');
  });

  it('an encrypted key exits 4 until `host unlock` gets the passphrase from piped stdin', async () => {
    // `locked` shares the fixture's address, whose key is trusted now.
    const locked = await warren(env, ['ssh', 'connect', 'locked']);
    expect(locked.code).toBe(4);
    expect(locked.stderr).toContain('hint: run `warren host unlock locked`');

    const bad = await warren(env, ['host', 'unlock', 'locked'], 'not it\n');
    expect(bad.code).not.toBe(0);
    const ok = await warren(env, ['host', 'unlock', 'locked'], `${passphrase}\nignored second line\n`);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`unlocked ${sshd.encryptedKeyPath} for locked`);

    const connected = await warren(env, ['ssh', 'connect', 'locked', '--json']);
    expect(connected.code, connected.stderr).toBe(0);
    expect(JSON.parse(connected.stdout)).toEqual({ host: 'locked', status: 'connected' });
    const hosts = await warren(env, ['host', 'list', '--json']);
    expect((JSON.parse(hosts.stdout) as { hosts: Array<{ name: string; state: string }> }).hosts).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'locked', state: 'connected' })]),
    );
    expect((await warren(env, ['ssh', 'disconnect', 'locked'])).code).toBe(0);
  });
});
