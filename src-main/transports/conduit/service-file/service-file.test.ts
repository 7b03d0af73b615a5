import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { launchdLabel, rcdName, serviceArgs, serviceFile, serviceName, type ServiceHost, type ServiceTarget } from './service-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-service-file-'));
  dirs.push(dir);
  return dir;
}
function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { timeout: 5000 }).status === 0;
}
function run(cmd: string, args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000, input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every character the three quoting schemes treat specially. */
const NASTY = `/etc/my conf/it's "100%" $HOME \`x\` \\n;&.toml`;
const up: ServiceTarget = { mode: 'up', configPath: '/etc/warren/conduit.toml' };
const router: ServiceTarget = { mode: 'router', bind: '0.0.0.0:9999', configPath: '/etc/warren/router.toml' };
const start: ServiceTarget = { mode: 'start', router: '10.2.0.1:9999', source: '10.2.0.2:8080', bind: '0.0.0.0:80' };
const host: ServiceHost = { warrenPath: '/usr/local/bin/warren', user: 'warren' };
const lines = (text: string) => text.split('\n');

describe('the foreground commands', () => {
  it('are the ones `conduit up`, `conduit router` and `conduit start` take', () => {
    expect(serviceArgs(up)).toEqual(['conduit', 'up', '-f', '/etc/warren/conduit.toml', '--foreground']);
    expect(serviceArgs(router)).toEqual(['conduit', 'router', '--bind', '0.0.0.0:9999', '--config', '/etc/warren/router.toml']);
    expect(serviceArgs({ mode: 'router', bind: '[::]:9999' })).toEqual(['conduit', 'router', '--bind', '[::]:9999']);
    expect(serviceArgs(start)).toEqual(['conduit', 'start', '--router', '10.2.0.1:9999', '--source', '10.2.0.2:8080', '--bind', '0.0.0.0:80', '--foreground']);
    expect(serviceArgs({ ...start, name: 'web', protocol: 'udp' })).toContain('--protocol');
  });

  it('give each service a name', () => {
    expect(serviceName(up)).toBe('warren-conduit-up');
    expect(serviceName(router)).toBe('warren-conduit-router');
    expect(serviceName(start)).toBe('warren-conduit-10.2.0.1-80');
    expect(serviceName({ ...start, name: 'web' })).toBe('warren-conduit-web');
    expect(launchdLabel(up)).toBe('dev.warren.conduit-up');
    expect(rcdName(start)).toBe('warren_conduit_10_2_0_1_80');
  });

  it.each<[string, ServiceTarget, Partial<ServiceHost>, RegExp]>([
    ['a relative config path', { mode: 'up', configPath: 'conduit.toml' }, {}, /must be an absolute path/],
    ['a relative warren path', up, { warrenPath: 'warren' }, /warren path must be an absolute path/],
    ['a bad bind', { mode: 'router', bind: '9999' }, {}, /--bind: expected host:port/],
    ['a bad source', { ...start, source: '10.0.0.1' }, {}, /--source: expected host:port/],
    ['a line break', { mode: 'up', configPath: '/etc/a\nb.toml' }, {}, /line break/],
    ['a bad user', up, { user: 'root; rm' }, /is not a user name/],
  ])('refuse %s', (_what, target, extra, message) => {
    for (const kind of ['systemd', 'launchd', 'openrc', 'rc.d'] as const) expect(() => serviceFile(kind, target, { ...host, ...extra })).toThrow(message);
  });
});

describe('systemd', () => {
  it('runs the command in the foreground, restarts it, and sandboxes it', () => {
    const unit = lines(serviceFile('systemd', up, host));
    for (const line of [
      '[Unit]',
      'After=network-online.target',
      'Wants=network-online.target',
      'Type=simple',
      'ExecStart=/usr/local/bin/warren conduit up -f /etc/warren/conduit.toml --foreground',
      'Restart=always',
      'RestartSec=2',
      'Environment=WARREN_HOME=/var/lib/warren',
      'StateDirectory=warren',
      'User=warren',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      '[Install]',
      'WantedBy=multi-user.target',
    ])
      expect(unit).toContain(line);
    expect(lines(serviceFile('systemd', router, { warrenPath: '/opt/w/warren', warrenHome: '/srv/warren' }))).toEqual(
      expect.arrayContaining(['ExecStart=/opt/w/warren conduit router --bind 0.0.0.0:9999 --config /etc/warren/router.toml', 'ReadWritePaths=/srv/warren']),
    );
  });

  it('escapes quotes, %-specifiers and $ in ExecStart', () => {
    const unit = serviceFile('systemd', { mode: 'up', configPath: NASTY }, host);
    expect(unit).toContain(`ExecStart=/usr/local/bin/warren conduit up -f "/etc/my conf/it's \\"100%%\\" $$HOME \`x\` \\\\n;&.toml" --foreground`);
  });

  it('passes systemd-analyze verify, for every mode and an awkward path', (ctx) => {
    if (!hasCommand('systemd-analyze')) {
      console.log('skipped: systemd-analyze is not installed');
      ctx.skip();
    }
    const dir = tempDir();
    // verify checks that ExecStart's program exists and is executable: use a real one, in a folder with a space.
    const bin = path.join(dir, 'my bin', 'warren');
    fs.mkdirSync(path.dirname(bin));
    fs.copyFileSync('/bin/true', bin);
    fs.chmodSync(bin, 0o755);
    for (const [i, target] of [up, router, start, { mode: 'up', configPath: NASTY } as ServiceTarget].entries()) {
      const file = path.join(dir, `warren-test-${i}.service`);
      fs.writeFileSync(file, serviceFile('systemd', target, { warrenPath: bin, user: 'warren' }));
      const r = run('systemd-analyze', ['verify', file]);
      expect({ status: r.status, stderr: r.stderr.trim() }).toEqual({ status: 0, stderr: '' });
    }
  });
});

describe('launchd', () => {
  it('is a plist with the label, the arguments, RunAtLoad and KeepAlive', (ctx) => {
    const plist = serviceFile('launchd', { mode: 'up', configPath: NASTY }, { warrenPath: '/usr/local/bin/warren', warrenHome: '/Users/u/Library/Application Support/warren' });
    expect(plist).toContain('<string>dev.warren.conduit-up</string>');
    expect(plist).toContain('<string>/etc/my conf/it&apos;s &quot;100%&quot; $HOME `x` \\n;&amp;.toml</string>');
    if (!hasCommand('python3')) {
      console.log('skipped the plist parse: python3 is not installed');
      ctx.skip();
    }
    const r = run('python3', ['-c', 'import plistlib,sys,json; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))'], plist);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      Label: 'dev.warren.conduit-up',
      ProgramArguments: ['/usr/local/bin/warren', 'conduit', 'up', '-f', NASTY, '--foreground'],
      EnvironmentVariables: { PATH: expect.stringContaining('/opt/homebrew/bin'), WARREN_HOME: '/Users/u/Library/Application Support/warren' },
      RunAtLoad: true,
      KeepAlive: true,
      ThrottleInterval: 2,
      StandardOutPath: '/Users/u/Library/Application Support/warren/warren-conduit-up.log',
      StandardErrorPath: '/Users/u/Library/Application Support/warren/warren-conduit-up.log',
    });
  });
});

/** Source a script in sh (with stand-ins for what its service manager provides) and print command + command_args as argv. */
function argvOf(script: string, prelude: string): string[] {
  const dir = tempDir();
  const file = path.join(dir, 'script');
  fs.writeFileSync(file, script);
  expect(run('sh', ['-n', file]).status).toBe(0);
  const r = run('sh', ['-c', `${prelude}\n. "$1"; eval "set -- $command_args"; printf '%s\\0' "$command" "$@"`, 'sh', file]);
  expect(r.stderr).toBe('');
  return r.stdout.split('\0').slice(0, -1);
}

describe('openrc', () => {
  it('is an openrc-run script that needs the network', () => {
    const script = lines(serviceFile('openrc', start, host));
    expect(script[0]).toBe('#!/sbin/openrc-run');
    expect(script).toEqual(expect.arrayContaining(['command=/usr/local/bin/warren', 'command_background=true', 'command_user=warren', 'pidfile="/run/${RC_SVCNAME}.pid"', '\tneed net']));
    expect(script).toContain('export WARREN_HOME=/var/lib/warren');
  });

  it('hands warren each argument intact after openrc-run evals command_args', () => {
    expect(argvOf(serviceFile('openrc', { mode: 'up', configPath: NASTY }, host), 'RC_SVCNAME=x')).toEqual(['/usr/local/bin/warren', 'conduit', 'up', '-f', NASTY, '--foreground']);
  });
});

describe('rc.d', () => {
  const RC_SUBR_STANDIN = 'load_rc_config() { :; }; run_rc_command() { :; }';
  it('is an rc.subr script that runs warren under daemon(8)', () => {
    const script = serviceFile('rc.d', router, host);
    expect(lines(script)).toEqual(
      expect.arrayContaining(['# PROVIDE: warren_conduit_router', '# REQUIRE: LOGIN NETWORKING', '. /etc/rc.subr', 'rcvar=warren_conduit_router_enable', 'command=/usr/sbin/daemon', 'run_rc_command "$1"']),
    );
  });

  it('hands daemon(8) and warren each argument intact after rc.subr evals command_args', () => {
    const script = serviceFile('rc.d', { mode: 'up', configPath: NASTY }, host).replace('. /etc/rc.subr', RC_SUBR_STANDIN);
    expect(argvOf(script, '')).toEqual([
      '/usr/sbin/daemon',
      ...['-P', '/var/run/warren_conduit_up.pid', '-r', '-R', '2', '-f', '-S', '-T', 'warren_conduit_up', '-u', 'warren'],
      ...['/usr/local/bin/warren', 'conduit', 'up', '-f', NASTY, '--foreground'],
    ]);
  });

  it('refuses a WARREN_HOME with spaces (rc.subr would split it)', () => {
    expect(() => serviceFile('rc.d', up, { ...host, warrenHome: '/var/db/my warren' })).toThrow(/containing spaces/);
  });
});
