// `warren vscode …` as a user runs it: a real SSM forward through the emulator to an echo server
// standing in for sshd, the block written into a temp ssh config (never ~/.ssh/config), the port
// tested through the forward, and cleanup giving back the user's file byte for byte.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../fixtures/ports.js';
import type { TempDir } from '../../fixtures/tmp.js';
import type { AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { runWarren } from '../helpers/cli.js';
import { waitForStatus, type DaemonHandle } from '../helpers/daemon.js';
import type { EchoServer } from '../helpers/echo-server.js';
import { startSsmWorld, type SsmWorld } from '../helpers/ssm-world.js';

const WEB = 'i-0aaaaaaaaaaaaaaa1';
// CRLF, an Include, a comment and no final newline: all must survive setup → cleanup untouched.
const USER_CONFIG = '# mine\r\nInclude ~/.ssh/conf.d/*\r\nHost prod\r\n    User me';

describe('warren vscode through the emulator', () => {
  let world: SsmWorld;
  let home: TempDir;
  let target: EchoServer;
  let daemon: DaemonHandle;
  let env: NodeJS.ProcessEnv;
  let userConfig: string;

  beforeAll(async () => {
    world = await startSsmWorld({
      prefix: 'warren-vscode-',
      setup: (e: AwsEmulator) => {
        e.addInstance({ id: WEB, name: 'web', state: 'running' });
      },
    });
    ({ home, target, daemon, env } = world);
    userConfig = path.join(home.path, 'user_ssh_config');
    await fs.writeFile(userConfig, USER_CONFIG, { mode: 0o640 });
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it('writes the block, reaches the forward through it, and cleans up byte for byte', async () => {
    const port = await freePort();
    const c = await runWarren(env, ['ec2', 'connect', '--instance-id', WEB, '--local-port', String(port), '--remote-port', String(target.port), '--name', 'web-ssh']);
    expect(c.code, c.stderr + c.stdout).toBe(0);

    const setup = await runWarren(env, ['vscode', 'setup', '--ssh-config', userConfig, '--remote-port', String(target.port), '--user', 'ec2-user']);
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.stdout).toContain(`warren-web-ssh → 127.0.0.1:${port}`);
    const written = await fs.readFile(userConfig, 'utf8');
    expect(written.startsWith(`${USER_CONFIG}\r\n\r\n# >>> warren vscode`)).toBe(true);
    expect(written).toContain(`Host warren-web-ssh\r\n    HostName 127.0.0.1\r\n    Port ${port}\r\n    User ec2-user\r\n`);
    expect(written).toContain(path.join(home.path, 'vscode_known_hosts'));
    expect((await fs.stat(userConfig)).mode & 0o777).toBe(0o640);

    const again = await runWarren(env, ['vscode', 'setup', '--ssh-config', userConfig, '--remote-port', String(target.port), '--user', 'ec2-user']);
    expect(again.stdout).toContain('already up to date');
    expect(await fs.readFile(userConfig, 'utf8')).toBe(written);

    const status = await runWarren(env, ['vscode', 'status', '--ssh-config', userConfig, '--remote-port', String(target.port), '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ entries: [{ host: 'warren-web-ssh', local_port: port, active: true }], missing: [], out_of_date: false });

    // A second SSH forward made after setup: status says the block is out of date and how to fix it.
    const c2 = await runWarren(env, ['ec2', 'connect', '--instance-id', WEB, '--local-port', String(await freePort()), '--remote-port', String(target.port), '--name', 'db-ssh', '--new-session']);
    expect(c2.code, c2.stderr + c2.stdout).toBe(0);
    const stale = await runWarren(env, ['vscode', 'status', '--ssh-config', userConfig, '--remote-port', String(target.port)]);
    expect(stale.stderr).toContain('the Warren block is out of date (not in it: db-ssh): run `warren vscode setup`');
    await runWarren(env, ['ec2', 'terminate', 'db-ssh']);

    const test = await runWarren(env, ['vscode', 'test', '--ssh-config', userConfig]);
    expect(test.code, test.stderr).toBe(0);
    expect(test.stdout).toContain(`warren-web-ssh: reachable (127.0.0.1:${port})`);

    await runWarren(env, ['ec2', 'terminate', 'web-ssh']);
    await waitForStatus(daemon.client, 'web-ssh', 'stopped');
    const down = await runWarren(env, ['vscode', 'test', 'web-ssh', '--ssh-config', userConfig]);
    expect(down.code).toBe(3);
    expect(down.stdout).toContain(`warren-web-ssh: unreachable (127.0.0.1:${port})`);

    const clean = await runWarren(env, ['vscode', 'cleanup', '--ssh-config', userConfig]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(await fs.readFile(userConfig, 'utf8')).toBe(USER_CONFIG);
  }, 90_000);

  it('creates a missing config 0600 in a 0700 directory', async () => {
    const fresh = path.join(home.path, 'new-ssh', 'config');
    const r = await runWarren(env, ['vscode', 'setup', '--ssh-config', fresh]);
    expect(r.code, r.stderr).toBe(0);
    expect((await fs.stat(fresh)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(fresh))).mode & 0o777).toBe(0o700);
    await runWarren(env, ['vscode', 'cleanup', '--ssh-config', fresh]);
    expect(await fs.readFile(fresh, 'utf8')).toBe('');
  }, 60_000);
});
