// Finding 3 of issue 14: about 200 KB of nested `[` sent to `config.import` overflowed the stack
// inside the `yaml` parser and V8 aborted the daemon (`FATAL ERROR: RegExpCompiler Allocation
// failed`), dropping every tunnel. Sent here as an attacker would — through the socket and through
// `warren config import FILE` — while a forward runs; the daemon must refuse the documents with an
// error naming the limit and keep serving (daemon.status answers, the forward still carries bytes).
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { startSshd, type SshdFixture } from '../../fixtures/sshd.js';
import { freePort } from '../../fixtures/ports.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { cliEnv, startDaemon, type DaemonHandle } from '../helpers/daemon.js';
import { runWarren } from '../helpers/cli.js';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';
import { connectThrough, echoThrough } from '../helpers/traffic.js';

/** The document from the report: 200 KB of `[` and a newline (now past the 128 KiB size limit). */
const REPORTED = `${'['.repeat(200_000)}\n`;
/** Within the size limit, so the depth check is what refuses them. */
const DEEP_FLOW = `${'['.repeat(100_000)}\n`;
const DEEP_BLOCK = `${'- '.repeat(50_000)}x\n`;
const ALIAS_BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');

/** Send one line on the daemon's socket and read the one JSON line it answers. */
function rawCall(socketPath: string, line: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const s = net.connect(socketPath);
    let buf = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('the daemon did not answer within 20 s'));
    }, 20_000);
    s.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl === -1) return;
      clearTimeout(timer);
      s.destroy();
      resolve(JSON.parse(buf.slice(0, nl)));
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('close', () => {
      clearTimeout(timer);
      reject(new Error(`the daemon closed the connection without an answer`));
    });
    s.write(`${line}\n`);
  });
}

async function refusal(p: Promise<unknown>): Promise<WarrenError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WarrenError);
  return e as WarrenError;
}

describe('hostile documents do not take the daemon down', () => {
  let sshd: SshdFixture;
  let home: TempDir;
  let daemon: DaemonHandle;
  let echo: EchoServer;
  let forwardPort: number;

  beforeAll(async () => {
    sshd = await startSshd();
    home = await makeTempDir('warren-parse-');
    echo = await startEchoServer();
    daemon = await startDaemon({ home: home.path, sshConfigPath: sshd.sshConfigPath });
    forwardPort = await freePort();
    const { name } = await daemon.client.call('forward.add', { name: 'keeps-running', host: 'fixture', type: 'local', local_port: forwardPort, remote_host: '127.0.0.1', remote_port: echo.port });
    expect((await daemon.client.call('forward.start', { name })).status).toBe('active');
  });
  afterAll(async () => {
    await daemon?.stop();
    await echo?.close();
    await sshd?.stop();
    await home?.remove();
  });

  async function stillServing(): Promise<void> {
    const status = await daemon.client.call('daemon.status');
    expect(status.pid).toBe(daemon.proc.pid);
    const r = await echoThrough(await connectThrough(forwardPort), 64 * 1024);
    expect(r.intact && r.bytes === 64 * 1024).toBe(true);
    expect((await daemon.client.call('session.get', { name: 'keeps-running' })).status).toBe('active');
  }

  it('config.import over the socket: deep flow and block nesting and an alias bomb get InvalidParams naming the limit', async () => {
    for (const [what, yaml, pattern] of [
      ['the reported document', REPORTED, /the MolePort config is too large: 200001 bytes; the limit is 128 KiB/],
      ['deep flow', DEEP_FLOW, /nested too deeply: more than 64 levels/],
      ['deep block', DEEP_BLOCK, /nested too deeply: more than 64 levels/],
      ['alias bomb', ALIAS_BOMB, /alias/i],
    ] as const) {
      const e = await refusal(daemon.client.call('config.import', { yaml }));
      expect(e.code, what).toBe(ErrorCode.InvalidParams);
      expect(e.message, what).toMatch(pattern);
      await stillServing();
    }
  });

  it('warren config import FILE and warren config validate FILE: exit 2 with the limit, the daemon keeps serving', async () => {
    const file = path.join(home.path, 'deep.yaml');
    await fs.writeFile(file, DEEP_FLOW);
    const env = cliEnv(home.path, sshd.sshConfigPath);
    const imported = await runWarren(env, ['config', 'import', file]);
    expect(imported.code, imported.stderr).toBe(2);
    expect(imported.stderr).toMatch(/nested too deeply/);
    const reported = path.join(home.path, 'reported.yaml');
    await fs.writeFile(reported, REPORTED);
    const big = await runWarren(env, ['config', 'import', reported]);
    expect(big.code, big.stderr).toBe(2);
    expect(big.stderr).toMatch(/too large/);
    const validated = await runWarren(env, ['config', 'validate', file]);
    expect(validated.code, validated.stderr).toBe(2);
    expect(validated.stdout + validated.stderr).toMatch(/nested too deeply/);
    await stillServing();
  });

  it('warren config import of a file past the size limit (or /dev/zero) stops reading at the limit', async () => {
    const env = cliEnv(home.path, sshd.sshConfigPath);
    const big = path.join(home.path, 'big.yaml');
    await fs.writeFile(big, `a: "${'x'.repeat(2 * 1024 * 1024)}"\n`);
    for (const file of [big, '/dev/zero']) {
      const r = await runWarren(env, ['config', 'import', file]);
      expect(r.code, `${file}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/too large.*the limit is 128 KiB/);
    }
    await stillServing();
  });

  it('a JSON-RPC line nested 100,000 deep is refused before JSON.parse and the daemon keeps serving', async () => {
    // V8's JSON.parse is iterative, but zod, the logger and JSON.stringify recurse over the value after it.
    const deep = `{"jsonrpc":"2.0","id":1,"method":"config.update","params":{"reconnect":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const answer = (await rawCall(daemon.paths.socket, deep)) as { id: unknown; error?: { code: number; message: string } };
    expect(answer).toMatchObject({ id: null, error: { code: -32700 } });
    expect(answer.error?.message).toMatch(/the request is nested too deeply: more than 64 levels/);
    await stillServing();
  });
});
