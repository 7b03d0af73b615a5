// `warren diagnose …` / `warren precheck` as a user runs them: the real daemon (its AWS SDK clients
// pointed at the emulator by emulator.env() only, no other AWS_* setting), the real CLI; reports in
// text/JSON/YAML, exit 3 when the connection is unlikely, progress from event.diagnose, and the
// runs kept in the daemon's store (diagnose.history).
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { DiagnoseEvent } from '../../../src-shared/api/diagnose-contract.js';
import { diagnosticItemNames, type DiagnosticReport } from '../../../src-shared/api/diagnostics.js';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { runWarren } from '../helpers/cli.js';
import { cliEnv, startDaemon, type DaemonHandle } from '../helpers/daemon.js';

const WEB = 'i-0d1a9c0ffee000001';
const OFF = 'i-0d1a9c0ffee000002';

type Report = DiagnosticReport & { run_id: string };

describe('warren diagnose through the emulator', () => {
  const saved = { ...process.env };
  let home: TempDir;
  let emu: AwsEmulator;
  let daemon: DaemonHandle;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    home = await makeTempDir('warren-diagnose-');
    emu = await startAwsEmulator({ region: 'eu-west-1' });
    emu.addInstance({ id: WEB, name: 'web', state: 'running', vpcEndpoints: true, publicIp: '203.0.113.10' });
    emu.addInstance({ id: OFF, name: 'batch', state: 'stopped', vpcEndpoints: true, publicIp: '203.0.113.11' });
    // Only the emulator's settings reach the daemon and the CLI: no developer profile or keys.
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    const awsEnv = emu.env() as unknown as Record<string, string>;
    const sshConfig = path.join(home.path, 'ssh_config');
    await fs.writeFile(sshConfig, '');
    env = cliEnv(home.path, sshConfig, awsEnv);
    daemon = await startDaemon({ home: home.path, sshConfigPath: sshConfig, env: awsEnv });
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
    await emu?.close();
    await home?.remove();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('a healthy instance: full --format json has every item passing, likelihood 100, exit 0', async () => {
    const r = await runWarren(env, ['diagnose', 'full', '--instance-id', WEB, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report).toMatchObject({ instance_id: WEB, region: 'eu-west-1', mode: 'full', likelihood_percent: 100 });
    expect(report.results.map((x) => x.item).sort()).toEqual([...diagnosticItemNames].sort());
    expect(report.results.every((x) => x.status === 'pass' || x.status === 'skip')).toBe(true);
    // One progress line per finished item, on stderr.
    for (const item of diagnosticItemNames) expect(r.stderr).toContain(`${item}: `);
  });

  it('a stopped instance: CRITICAL instance_state, the start command, exit 3', async () => {
    const r = await runWarren(env, ['diagnose', 'full', '--instance-id', OFF]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/instance_state\s+fail\s+CRITICAL/);
    expect(r.stdout).toContain(`$ aws ec2 start-instances --instance-ids ${OFF} --region eu-west-1`);
    expect(r.stdout).toMatch(/connection likelihood: (\d|10)%/);

    const pre = await runWarren(env, ['precheck', '--instance-id', OFF, '--format', 'json']);
    expect(pre.code, pre.stderr).toBe(3);
    const report = JSON.parse(pre.stdout) as Report;
    expect(report.mode).toBe('precheck');
    expect(report.results.map((x) => x.item)).toEqual(['instance_state', 'ssm_agent', 'local_port_availability']);
  });

  it('preventive --abort-on-critical stops after the ec2 stage, with stage progress lines', async () => {
    const r = await runWarren(env, ['diagnose', 'preventive', '--instance-id', OFF, '--abort-on-critical']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('stage 1/4 (ec2): instance_state: fail CRITICAL');
    expect(r.stderr).not.toContain('stage 2/4');
    expect(r.stdout).toContain('stopped after the ec2 stage');
  });

  it('--output FILE writes the report as yaml; item runs one check', async () => {
    const file = path.join(home.path, 'report.yaml');
    const r = await runWarren(env, ['diagnose', 'item', '--item', 'instance_state', '--instance-id', WEB, '--format', 'yaml', '--output', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const report = parseYaml(await fs.readFile(file, 'utf8')) as Report;
    expect(report).toMatchObject({ instance_id: WEB, mode: 'item', likelihood_percent: 100 });
    expect(report.results).toEqual([expect.objectContaining({ item: 'instance_state', status: 'pass' })]);

    const bad = await runWarren(env, ['diagnose', 'item', '--item', 'nope', '--instance-id', WEB]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown diagnostic item "nope"');
  });

  it('diagnose list shows the seven items', async () => {
    const text = await runWarren(env, ['diagnose', 'list']);
    expect(text.code, text.stderr).toBe(0);
    for (const item of diagnosticItemNames) expect(text.stdout).toContain(item);
    const json = JSON.parse((await runWarren(env, ['diagnose', 'list', '--format', 'json'])).stdout) as { items: Array<{ item: string; description: string }> };
    expect(json.items.map((i) => i.item)).toEqual([...diagnosticItemNames]);
    expect(json.items.every((i) => i.description.length > 0)).toBe(true);
  });

  it('diagnose.run sends event.diagnose progress and every run is in diagnose.history', async () => {
    const events: DiagnoseEvent[] = [];
    const off = daemon.client.on('event.diagnose', (e) => void events.push(e));
    const { subscription_id } = await daemon.client.call('events.subscribe', { types: ['diagnose'] });
    const run = await daemon.client.call('diagnose.run', { instance_id: OFF, mode: 'preventive' });
    await daemon.client.call('events.unsubscribe', { subscription_id });
    off();
    expect(events.map((e) => [e.run_id, e.item, e.stage_number])).toEqual(run.results.map((x, i) => [run.run_id, x.item, [1, 2, 3, 4, 4, 4, 4][i]]));

    const healthy = await daemon.client.call('diagnose.run', { instance_id: WEB, mode: 'precheck' });
    const all = await daemon.client.call('diagnose.history', {});
    expect(all.runs.slice(0, 2)).toEqual([
      { run_id: healthy.run_id, instance_id: WEB, mode: 'precheck', likelihood_percent: 100, started_at: healthy.started_at },
      { run_id: run.run_id, instance_id: OFF, mode: 'preventive', likelihood_percent: run.likelihood_percent, started_at: run.started_at, worst_severity: 'CRITICAL' },
    ]);
    const web = await daemon.client.call('diagnose.history', { instance_id: WEB, limit: 50 });
    expect(web.runs[0]?.run_id).toBe(healthy.run_id);
    expect(web.runs.every((x) => x.instance_id === WEB)).toBe(true);

    const cli = await runWarren(env, ['diagnose', 'history', '--instance-id', OFF, '--format', 'json']);
    expect((JSON.parse(cli.stdout) as { runs: Array<{ run_id: string }> }).runs[0]?.run_id).toBe(run.run_id);
  });
});
