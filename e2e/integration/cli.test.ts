// The real `warren` CLI as a child process against a real daemon it starts itself (`daemon start`)
// in a temporary $WARREN_HOME: output, --json and exit codes as a script would see them.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../fixtures/ports.js';
import { makeTempDir, type TempDir } from '../fixtures/tmp.js';
import { runWarren, type CliResult } from './helpers/cli.js';
import { cliEntry, cliEnv, repoRoot } from './helpers/daemon.js';

function warren(env: NodeJS.ProcessEnv, args: string[], timeoutMs = 45_000): Promise<CliResult> {
  return runWarren(env, args, { timeoutMs });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true;
  }
}

describe('warren CLI without a daemon', () => {
  let home: TempDir;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    home = await makeTempDir('warren-cli-none-');
    env = cliEnv(home.path, path.join(home.path, 'ssh_config'));
  });
  afterAll(async () => home?.remove());

  it('says no daemon is running and exits 3', async () => {
    const r = await warren(env, ['forward', 'list']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`error: no daemon is running (looked for ${path.join(home.path, 'warren.sock')})`);
    expect(r.stderr).toContain('warren daemon start');
    expect(r.stdout).toBe('');
    expect((await warren(env, ['daemon', 'status', '--json'])).code).toBe(3);
  });

  it('stopping a daemon that is not running is fine', async () => {
    const r = await warren(env, ['daemon', 'stop']);
    expect(r).toMatchObject({ code: 0, stdout: 'Warren daemon is not running\n' });
  });

  it('rejects bad usage with exit 2 before contacting anyone', async () => {
    const spec = await warren(env, ['forward', 'add', 'somehost', '-L', '8080:localhost']);
    expect(spec.code).toBe(2);
    expect(spec.stderr).toContain('error: -L takes local_port:remote_host:remote_port');
    expect((await warren(env, ['forward', 'frobnicate'])).code).toBe(2);
    expect((await warren(env, ['config', 'set', 'reconnect.max_retries', 'lots'])).code).toBe(2);
  });

  it('validates a MolePort config.yaml offline', async () => {
    const good = path.join(repoRoot, 'src-main/store/fixtures/moleport-config.yaml');
    const ok = await warren(env, ['config', 'validate', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('ok (3 forwards)');
    const bad = path.join(home.path, 'bad.yaml');
    fs.writeFileSync(bad, 'forwards:\n  - name: web\n    host: a\n    type: local\n    local_port: 8080\n');
    const r = await warren(env, ['config', 'validate', bad, '--json']);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { ok: boolean; problems: string[] };
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(/^web: .*remote_port/);
  });
});

describe('warren CLI against a daemon it started', () => {
  let home: TempDir;
  let env: NodeJS.ProcessEnv;
  let pid = 0;

  beforeAll(async () => {
    home = await makeTempDir('warren-cli-');
    const sshConfig = path.join(home.path, 'ssh_config');
    // Nothing needs to answer on this port: these tests save rules and settings, they do not connect.
    fs.writeFileSync(sshConfig, `Host cli-fixture\n  HostName 127.0.0.1\n  Port ${await freePort()}\n  User nobody\n`);
    env = cliEnv(home.path, sshConfig);
  });

  afterAll(async () => {
    // Never leave a daemon behind, even when a test failed half-way.
    await warren(env, ['daemon', 'stop']).catch(() => undefined);
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    await home?.remove();
  });

  it('daemon start spawns the daemon and waits until it answers', async () => {
    const r = await warren(env, ['daemon', 'start']);
    expect(r.stderr).toContain('starting Warren daemon…');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const m = /Warren daemon started \(pid (\d+)\)/.exec(r.stdout);
    expect(m).not.toBeNull();
    pid = Number(m?.[1]);
    expect(alive(pid)).toBe(true);

    const again = await warren(env, ['daemon', 'start']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Warren daemon is already running (pid ${pid})`);
  });

  it('daemon status --json prints the API result', async () => {
    const r = await warren(env, ['daemon', 'status', '--json']);
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout) as { pid: number; warren_home: string; version: string };
    expect(status.pid).toBe(pid);
    expect(status.warren_home).toBe(home.path);
    const human = await warren(env, ['daemon', 'status']);
    expect(human.stdout).toMatch(new RegExp(`^pid:\\s+${pid}$`, 'm'));
  });

  it('adds, lists and deletes forwards; unknown and duplicate rules exit 2', async () => {
    const add = await warren(env, ['forward', 'add', 'cli-fixture', '-L', '18080:localhost:80', '--name', 'web', '--json']);
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toEqual({ name: 'web' });
    const socks = await warren(env, ['forward', 'add', 'cli-fixture', '-D', '11080']);
    expect(socks.code, socks.stderr).toBe(0);
    expect(socks.stdout).toContain('added forward cli-fixture-dynamic-11080');

    const list = await warren(env, ['forward', 'list', '--json']);
    expect(list.code).toBe(0);
    const { forwards } = JSON.parse(list.stdout) as { forwards: Array<Record<string, unknown>> };
    expect(forwards).toEqual(
      expect.arrayContaining([
        { kind: 'ssh', name: 'web', host: 'cli-fixture', type: 'local', local_port: 18080, remote_host: 'localhost', remote_port: 80, auto_connect: false },
        expect.objectContaining({ name: 'cli-fixture-dynamic-11080', type: 'dynamic', local_port: 11080 }),
      ]),
    );
    const table = await warren(env, ['forward', 'list']);
    expect(table.stdout).toMatch(/^NAME\s+HOST\s+TYPE\s+FORWARD\s+STATUS\s+AUTO$/m);
    expect(table.stdout).toMatch(/^web\s+cli-fixture\s+local\s+:18080 → localhost:80\s+stopped\s+no$/m);

    const dup = await warren(env, ['forward', 'add', 'cli-fixture', '-L', '18081:localhost:81', '--name', 'web']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/^error: /);
    expect(dup.stderr).toContain('hint: ');

    const unknownHost = await warren(env, ['forward', 'add', 'no-such-host', '-D', '11081']);
    expect(unknownHost.code).toBe(2);

    const del = await warren(env, ['forward', 'delete', 'web']);
    expect(del).toMatchObject({ code: 0, stdout: 'deleted forward web\n' });
    const gone = await warren(env, ['forward', 'delete', 'web']);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('warren forward list');
    const missing = await warren(env, ['session', 'get', 'web']);
    expect(missing.code).toBe(2);
  });

  it('config set types the value by key and config get reads it back', async () => {
    const set = await warren(env, ['config', 'set', 'reconnect.max_retries', '7']);
    expect(set.code, set.stderr).toBe(0);
    const get = await warren(env, ['config', 'get', 'reconnect.max_retries']);
    expect(get).toMatchObject({ code: 0, stdout: '7\n' });
    expect((await warren(env, ['config', 'set', 'reconnect.enabled', 'off'])).code).toBe(0);
    const section = await warren(env, ['config', 'get', 'reconnect', '--json']);
    expect(JSON.parse(section.stdout)).toMatchObject({ enabled: false, max_retries: 7 });
    const bad = await warren(env, ['config', 'get', 'reconnect.nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('hint: settings: ssh_config_path, reconnect.enabled');
  });

  it('events prints notifications as JSON lines until SIGINT, then exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, 'events', '--types', 'forward', '--json'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const closed = new Promise<number | null>((r) => child.once('close', r));
    try {
      await waitFor(() => err.includes('listening for forward events'), 'the events subscription', 20_000);
      expect((await warren(env, ['forward', 'add', 'cli-fixture', '-D', '11082', '--name', 'ev'])).code).toBe(0);
      await waitFor(() => out.includes('"name":"ev"'), 'forward event line', 10_000);
      const line = out.split('\n').find((l) => l.includes('"name":"ev"')) ?? '';
      expect(JSON.parse(line)).toMatchObject({ method: 'event.forward', params: { type: 'added', name: 'ev', host: 'cli-fixture' } });
      child.kill('SIGINT');
      expect(await closed, err).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('daemon stop shuts it down and waits for the process to exit', async () => {
    const r = await warren(env, ['daemon', 'stop']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Warren daemon stopped (pid ${pid})`);
    expect(alive(pid)).toBe(false);
    const status = await warren(env, ['daemon', 'status']);
    expect(status.code).toBe(3);
    expect(status.stderr).toContain('no daemon is running');
  });
});

describe('warren daemon start with setting flags', () => {
  it('flags win over WARREN_* env (--ssh-config, --log-level); config import brings in a MolePort config.yaml', async () => {
    const home = await makeTempDir('warren-cli-flags-');
    const flagged = path.join(home.path, 'from-flag.conf');
    fs.writeFileSync(flagged, 'Host flagged\n  HostName 127.0.0.1\n');
    const env = cliEnv(home.path, path.join(home.path, 'from-env.conf'), { WARREN_LOG_LEVEL: 'warn' });
    try {
      const started = await warren(env, ['daemon', 'start', '--ssh-config', flagged, '--log-level', 'debug']);
      expect(started.code, started.stderr).toBe(0);
      expect((await warren(env, ['config', 'get', 'ssh_config_path'])).stdout.trim()).toBe(flagged);
      expect((await warren(env, ['config', 'get', 'log.level'])).stdout.trim()).toBe('debug');
      const hosts = JSON.parse((await warren(env, ['host', 'list', '--json'])).stdout) as { hosts: Array<{ name: string }> };
      expect(hosts.hosts.map((h) => h.name)).toEqual(['flagged']);
      expect((await warren(env, ['daemon', 'run', '--log-level', 'loud'])).code).toBe(2);

      // A MolePort config.yaml: settings and forwards come in; a forward for a host the ssh config
      // does not know is skipped with the reason.
      const yamlFile = path.join(home.path, 'moleport.yaml');
      fs.writeFileSync(
        yamlFile,
        [
          'reconnect:',
          '  max_retries: 7',
          '  initial_delay: "2s"',
          'forwards:',
          '  - { name: web, host: flagged, type: local, local_port: 18080, remote_host: localhost, remote_port: 80, auto_connect: false }',
          '  - { host: flagged, type: dynamic, local_port: 11080, auto_connect: false }',
          '  - { name: elsewhere, host: nohost, type: local, local_port: 18081, remote_host: localhost, remote_port: 81, auto_connect: false }',
          '',
        ].join('\n'),
      );
      const imported = await warren(env, ['config', 'import', yamlFile, '--json']);
      expect(imported.code, imported.stderr).toBe(0);
      const r = JSON.parse(imported.stdout) as { imported: string[]; skipped: Array<{ name: string; reason: string }> };
      expect(r.imported).toEqual(['web', 'flagged-dynamic-11080']);
      expect(r.skipped).toEqual([expect.objectContaining({ name: 'elsewhere', reason: expect.stringMatching(/nohost/) })]);
      expect((await warren(env, ['config', 'get', 'reconnect.max_retries'])).stdout.trim()).toBe('7');
      expect((await warren(env, ['config', 'get', 'reconnect.initial_delay'])).stdout.trim()).toBe('2s');
      const list = JSON.parse((await warren(env, ['forward', 'list', '--json'])).stdout) as { forwards: Array<{ name: string }> };
      expect(list.forwards.map((f) => f.name)).toEqual(['web', 'flagged-dynamic-11080']);
    } finally {
      await warren(env, ['daemon', 'stop']);
      await home.remove();
    }
  });
});
