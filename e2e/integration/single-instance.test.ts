// A failed start changes nothing (issue 10, item 6). With daemon A serving a home and holding an
// open session (open history and link rows), a second daemon — and the app's engine start — on the
// same home fail with a clear message and exit code 5, and A's rows, log and files are exactly as
// they were: nothing is marked `interrupted`, no "previous run ended abruptly", A keeps serving.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError } from '../../src-shared/api/index.js';
import { startWarren } from '../../src-main/app-start.js';
import { freePort } from '../fixtures/ports.js';
import { startSshd, type SshdFixture } from '../fixtures/sshd.js';
import { makeTempDir, type TempDir } from '../fixtures/tmp.js';
import { runWarren } from './helpers/cli.js';
import { cliEnv, startDaemon, type DaemonHandle } from './helpers/daemon.js';
import { startEchoServer, type EchoServer } from './helpers/echo-server.js';
import { connectThrough, echoThrough } from './helpers/traffic.js';

interface HomeSnapshot {
  history: unknown[];
  links: unknown[];
  rules: unknown[];
  files: string[];
  pid: string;
  log: string;
}

describe('a second Warren on the same home', () => {
  let sshd: SshdFixture;
  let home: TempDir;
  let echo: EchoServer;
  let daemon: DaemonHandle;
  let port: number;

  /** A's rows as a read-only reader sees them (WAL: readers never disturb the writer). */
  function snapshot(): HomeSnapshot {
    const db = new Database(daemon.paths.db, { readonly: true, fileMustExist: true });
    try {
      return {
        history: db.prepare('SELECT * FROM session_history ORDER BY id').all(),
        links: db.prepare('SELECT * FROM link_connections ORDER BY id').all(),
        rules: db.prepare('SELECT * FROM rules ORDER BY name').all(),
        // WAL side files and the metric samples are A's own business while it runs; the set of files is not.
        files: fs.readdirSync(home.path).sort(),
        pid: fs.readFileSync(daemon.paths.pid, 'utf8'),
        log: fs.readFileSync(daemon.paths.log, 'utf8'),
      };
    } finally {
      db.close();
    }
  }

  /** Nothing of A's changed; its log only grew by A's own lines (a metrics tick may land meanwhile). */
  function expectUntouched(before: HomeSnapshot, after: HomeSnapshot): void {
    expect(after.history).toEqual(before.history);
    expect(after.links).toEqual(before.links);
    expect(after.rules).toEqual(before.rules);
    expect(after.files).toEqual(before.files);
    expect(after.pid).toBe(before.pid);
    expect(after.log.startsWith(before.log)).toBe(true);
    for (const line of after.log.slice(before.log.length).split('\n').filter(Boolean))
      expect((JSON.parse(line) as { pid: number }).pid).toBe(daemon.proc.pid);
    expect(after.log).not.toMatch(/ended abruptly/);
  }

  async function expectServing(): Promise<void> {
    expect(daemon.proc.exitCode).toBeNull();
    expect((await daemon.client.call('daemon.status')).pid).toBe(daemon.proc.pid);
    expect((await daemon.client.call('session.get', { name: 'db' })).status).toBe('active');
    expect((await echoThrough(await connectThrough(port), 64 * 1024)).intact).toBe(true);
  }

  beforeAll(async () => {
    sshd = await startSshd();
    home = await makeTempDir('warren-single-');
    echo = await startEchoServer();
    daemon = await startDaemon({ home: home.path, sshConfigPath: sshd.sshConfigPath });
    port = await freePort();
    await daemon.client.call('forward.add', { name: 'db', host: 'fixture', type: 'local', local_port: port, remote_host: '127.0.0.1', remote_port: echo.port });
    expect((await daemon.client.call('forward.start', { name: 'db' })).status).toBe('active');
  });

  afterAll(async () => {
    await daemon?.stop();
    await echo?.close();
    await sshd?.stop();
    await home?.remove();
  });

  it('a second daemon exits 5 with a clear message and changes nothing', async () => {
    const before = snapshot();
    expect(before.history.some((r) => (r as { finished_at: unknown }).finished_at === null)).toBe(true);
    const b = await runWarren(cliEnv(home.path, sshd.sshConfigPath), ['daemon', 'run']);
    expect(b.code).toBe(5);
    expect(b.stderr).toContain(`another Warren is already running with WARREN_HOME ${home.path}`);
    expect(b.stderr).toMatch(/warren daemon stop/);
    expectUntouched(before, snapshot());
    await expectServing();
  });

  it('the app starting its engine on the same home fails the same way and changes nothing', async () => {
    const before = snapshot();
    const err = await startWarren({ home: home.path, socket: true, host: 'test' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WarrenError);
    expect((err as WarrenError).code).toBe(ErrorCode.AlreadyRunning);
    expectUntouched(before, snapshot());
    expect(fs.existsSync(path.join(home.path, 'browser-url'))).toBe(false);
    await expectServing();
  });
});
