// `warren ec2 …` as a user runs it: the real daemon (its AWS SDK clients pointed at the emulator by
// the standard AWS_ENDPOINT_URL_* settings only), the real CLI, bytes through the local port to a
// loopback "instance port", and the reasons it gives when it cannot connect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../fixtures/ports.js';
import type { AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { runWarren } from '../helpers/cli.js';
import { waitForStatus, type DaemonHandle } from '../helpers/daemon.js';
import type { EchoServer } from '../helpers/echo-server.js';
import { startSsmWorld, type SsmWorld } from '../helpers/ssm-world.js';
import { connectThrough, echoThrough } from '../helpers/traffic.js';

const WEB = 'i-0aaaaaaaaaaaaaaa1';
const OFF = 'i-0bbbbbbbbbbbbbbb2';

describe('warren ec2 through the emulator', () => {
  let world: SsmWorld;
  let target: EchoServer;
  let daemon: DaemonHandle;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    world = await startSsmWorld({
      prefix: 'warren-ec2-',
      setup: (e: AwsEmulator) => {
        e.addInstance({ id: WEB, name: 'web', state: 'running' });
        e.addInstance({ id: OFF, name: 'batch', state: 'stopped' });
      },
    });
    ({ target, daemon, env } = world);
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it('lists instances with their SSM status, connects, and carries bytes intact', async () => {
    const list = await runWarren(env, ['ec2', 'instances', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const instances = (JSON.parse(list.stdout) as { instances: Array<{ instance_id: string; state: string; ssm_ping?: string }> }).instances;
    expect(instances.find((i) => i.instance_id === WEB)).toMatchObject({ state: 'running', ssm_ping: 'Online' });

    const port = await freePort();
    const r = await runWarren(env, ['ec2', 'connect', '--instance-id', WEB, '--local-port', String(port), '--remote-port', String(target.port), '--name', 'web-echo']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('web-echo: active');
    expect((await echoThrough(await connectThrough(port), 4 * 1024 * 1024)).intact).toBe(true);

    const status = JSON.parse((await runWarren(env, ['ec2', 'status', 'web-echo', '--json'])).stdout) as { status: string; session_id?: string; mode?: string; bytes_sent: number };
    expect(status).toMatchObject({ status: 'active', mode: 'mux' });
    expect(status.session_id).toBeTruthy();
    expect(status.bytes_sent).toBeGreaterThanOrEqual(4 * 1024 * 1024);

    const term = await runWarren(env, ['ec2', 'terminate', 'web-echo']);
    expect(term.code).toBe(0);
    await waitForStatus(daemon.client, 'web-echo', 'stopped');
  }, 60_000);

  it('offers a healthy forward for reuse, and limits sessions per instance (EC2 Connect properties 7 and 10)', async () => {
    const connect = async (name: string, extra: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      runWarren(env, ['ec2', 'connect', '--instance-id', WEB, '--local-port', String(await freePort()), '--remote-port', String(target.port), '--name', name, ...extra]);
    expect((await connect('a1')).stdout).toContain('a1: active');
    const again = await connect('a2');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/a1: active — reusing this healthy forward/);
    expect((await daemon.client.call('ec2.list')).sessions.map((x) => x.name)).not.toContain('a2');

    const set = await runWarren(env, ['config', 'set', 'session.max_sessions_per_instance', '2']);
    expect(set.code, set.stderr).toBe(0);
    expect((await connect('a3', ['--new-session'])).stdout).toContain('a3: active');
    const over = await connect('a4', ['--new-session']);
    expect(over.code).toBe(5);
    expect(over.stderr).toMatch(/already has 2 SSM forwards running \(a1, a3\), the limit is 2/);
    for (const n of ['a1', 'a3']) await runWarren(env, ['ec2', 'terminate', n]);
    await runWarren(env, ['config', 'set', 'session.max_sessions_per_instance', '3']);
  }, 60_000);

  it('says why when the instance is stopped, with the way forward', async () => {
    const port = await freePort();
    const r = await runWarren(env, ['ec2', 'connect', '--instance-id', OFF, '--local-port', String(port), '--remote-port', String(target.port), '--name', 'batch']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('batch: reconnecting');
    expect(r.stderr).toMatch(/why: .*cannot reach the instance/);
    expect(r.stderr).toContain(`warren diagnose full --instance-id ${OFF}`);
    const s = await daemon.client.call('session.get', { name: 'batch' });
    expect(s.last_error ?? '').toMatch(/cannot reach the instance.*warren diagnose/);
    await runWarren(env, ['ec2', 'terminate', 'batch']);
  }, 60_000);
});
