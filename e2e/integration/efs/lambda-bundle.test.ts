// The EFS scaler as the design's Lambda, tested as it ships: build.mjs bundles deploy/efs-scaler
// into handler.cjs and zips it, and the BUNDLED handler runs in a plain Node child process (no
// TypeScript, no vitest transform, no node_modules next to it) against the local AWS emulator, on a
// real directory with more files than the threshold. template.yaml is checked for what the issue
// and the design ask: the schedule, one concurrent run, the VPC and access point, and IAM policies
// that grant the design's actions and nothing wider.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { crc32, inflateRawSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse, type YAMLMap, type YAMLSeq } from 'yaml';
import { ENV_VARS } from '../../../deploy/efs-scaler/handler.js';
import { decodeMountTargetParameter, lambdaExecutionResultSchema } from '../../../src-shared/efs/index.js';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';

const execFileP = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DEPLOY = path.join(ROOT, 'deploy', 'efs-scaler');

const FS = 'fs-0123456789abcdef0';
const VPC = 'vpc-0aaa0000000000001';
const SUBNET_A = 'subnet-0a00000000000000a';
const SUBNET_C = 'subnet-0c00000000000000c';
const SG = 'sg-0e0f0000000000001';
const PARAM = '/app/efs/mount-targets';
const SEED_RESULT_FIELDS = ['timestamp', 'file_count', 'threshold', 'threshold_exceeded', 'new_mount_target_created', 'new_mount_target_id', 'deployment_triggered', 'error'];

/** One zip entry as its central directory describes it, with its data inflated and checked. */
interface ZipEntry {
  name: string;
  mode: number;
  data: Buffer;
}

/** Reads a zip by its end record and central directory (no zip64, no encryption: what build.mjs writes). */
function readZip(buf: Buffer): ZipEntry[] {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('no end of central directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory header at ${p}`);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const external = buf.readUInt32LE(p + 38);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const body = buf.subarray(start, start + compressed);
    const data = method === 8 ? inflateRawSync(body) : method === 0 ? Buffer.from(body) : undefined;
    if (!data) throw new Error(`${name}: compression method ${method}`);
    if (data.length !== size || crc32(data) >>> 0 !== crc) throw new Error(`${name}: size or CRC mismatch`);
    entries.push({ name, mode: external >>> 16, data });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

// Runs the bundle's handler once per invocation, in order, in ONE process (a warm Lambda container
// reuses the module), and prints each outcome as a "@@"-prefixed JSON line among the handler's logs.
const RUNNER = String.raw`
const [bundle, plan] = process.argv.slice(2);
const { handler } = require(bundle);
(async () => {
  for (const inv of JSON.parse(plan)) {
    const started = Date.now();
    const context = { awsRequestId: inv.requestId, functionName: 'efs-scaler', getRemainingTimeInMillis: () => inv.remainingMs - (Date.now() - started) };
    let outcome;
    try {
      outcome = { ok: true, result: await handler(inv.event, context) };
    } catch (e) {
      outcome = { ok: false, name: e.name, message: e.message, result: e.result };
    }
    process.stdout.write('@@' + JSON.stringify({ ...outcome, elapsedMs: Date.now() - started }) + '\n');
  }
})();
`;

interface Outcome {
  ok: boolean;
  result?: Record<string, unknown>;
  name?: string;
  message?: string;
  elapsedMs: number;
}
type LogLine = Record<string, unknown> & { type: string; level: string; request_id: string };

describe('EFS scaler Lambda bundle (deploy/efs-scaler)', () => {
  let outDir: string;
  let bundle: string;
  let runner: string;
  let buildOutput: string;

  beforeAll(async () => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-efs-lambda-'));
    // The build script itself, as `npm run build:efs-lambda` runs it, into a temp dir.
    const r = await execFileP(process.execPath, [path.join(DEPLOY, 'build.mjs'), '--out-dir', outDir], { cwd: ROOT });
    buildOutput = r.stdout + r.stderr;
    bundle = path.join(outDir, 'handler.cjs');
    runner = path.join(outDir, 'runner.cjs');
    fs.writeFileSync(runner, RUNNER);
  });
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('zips the bundle and its source map, readable by the Lambda user', () => {
    expect(buildOutput).toMatch(/efs-scaler: .*handler\.cjs \d+ KiB .*efs-scaler\.zip \d+ KiB/);
    expect(buildOutput).not.toMatch(/warning|error/i);
    const entries = readZip(fs.readFileSync(path.join(outDir, 'efs-scaler.zip')));
    expect(entries.map((e) => e.name)).toEqual(['handler.cjs', 'handler.cjs.map']);
    expect(entries.every((e) => e.mode === 0o100644)).toBe(true);
    const code = entries[0]!.data;
    expect(code.equals(fs.readFileSync(bundle))).toBe(true);
    // Self-contained: the SDK clients are inside (not required from the runtime's copy), and no
    // native addon is required. (The handler tests below also run it from a directory with no
    // node_modules anywhere above it.)
    const text = code.toString('utf8');
    expect(text).toContain('CreateMountTargetCommand');
    expect(text).not.toMatch(/require\(["']@aws-sdk\/client-/);
    expect(text).not.toMatch(/require\(["'][^"']+\.node["']\)/);
    expect(text).toMatch(/\/\/# sourceMappingURL=handler\.cjs\.map\s*$/);
    expect(JSON.parse(entries[1]!.data.toString('utf8'))).toMatchObject({ version: 3, sources: expect.arrayContaining([expect.stringContaining('deploy/efs-scaler/handler.ts')]) });
  });

  describe('runs the bundled handler against the AWS emulator', () => {
    let emu: AwsEmulator;
    let dir: string;

    beforeEach(async () => {
      emu = await startAwsEmulator({ region: 'ap-northeast-1' });
      emu.ec2.addSubnet({ id: SUBNET_A, vpcId: VPC, availabilityZone: 'ap-northeast-1a', cidr: '10.0.1.0/24' });
      emu.ec2.addSubnet({ id: SUBNET_C, vpcId: VPC, availabilityZone: 'ap-northeast-1c', cidr: '10.0.2.0/24' });
      emu.efs.addFileSystem({ id: FS, name: 'shared' });
      emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNET_A, ipAddress: '10.0.1.100', securityGroups: [SG] });
      emu.ecs.addService({ cluster: 'apps', service: 'web', desiredCount: 2 });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-efs-lambda-files-'));
      for (let i = 0; i < 60; i++) fs.writeFileSync(path.join(dir, `f${i}.txt`), '');
      fs.mkdirSync(path.join(dir, 'sub')); // a directory is not a file
    });
    afterEach(async () => {
      await emu.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /** The design's variables for this emulator and directory (threshold 50, 60 files). */
    const seedEnv = (): Record<string, string> => ({
      EFS_FILE_SYSTEM_ID: FS,
      TARGET_DIRECTORY: dir,
      FILE_COUNT_THRESHOLD: '50',
      SSM_PARAMETER_NAME: PARAM,
      ECS_CLUSTER_NAME: 'apps',
      ECS_SERVICE_NAME: 'web',
      VPC_ID: VPC,
      SECURITY_GROUP_ID: SG,
    });

    async function invoke(env: Record<string, string | undefined>, invocations: Array<{ requestId: string; remainingMs?: number; event?: unknown }>) {
      // Only what a Lambda would have: no developer AWS_* settings, no NODE_OPTIONS from vitest.
      const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...emu.env() };
      for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
      const plan = invocations.map((i) => ({ remainingMs: 60_000, event: { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }, ...i }));
      const r = await execFileP(process.execPath, [runner, bundle, JSON.stringify(plan)], { cwd: outDir, env: childEnv, timeout: 45_000 });
      const lines = r.stdout.split('\n').filter((l) => l !== '');
      const outcomes = lines.filter((l) => l.startsWith('@@')).map((l) => JSON.parse(l.slice(2)) as Outcome);
      // Everything else the handler printed is one JSON object per line (CloudWatch Logs).
      const logs = lines.filter((l) => !l.startsWith('@@')).map((l) => JSON.parse(l) as LogLine);
      expect(outcomes).toHaveLength(invocations.length);
      return { outcomes, logs, stderr: r.stderr };
    }

    it('scales once above the threshold, then a second invocation adds nothing', async () => {
      const before = JSON.stringify({ mount_targets: [{ mount_target_id: emu.efs.mountTargets(FS)[0]!.mountTargetId, ip_address: '10.0.1.100', availability_zone: 'ap-northeast-1a', subnet_id: SUBNET_A }] });
      emu.parameters.put(PARAM, before);

      const { outcomes, logs, stderr } = await invoke(seedEnv(), [{ requestId: 'req-1' }, { requestId: 'req-2' }]);
      // Nothing on stderr but the SDK's notice that its 2027 releases need Node 22 (see README).
      expect(stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?--trace-warnings[^\n]*\n/, '')).toBe('');
      const [first, second] = outcomes as [Outcome, Outcome];

      // 1st: a new mount target in the free AZ, the parameter in the design's format, one deployment.
      expect(first.ok).toBe(true);
      const r1 = first.result!;
      expect(Object.keys(r1).every((k) => SEED_RESULT_FIELDS.includes(k))).toBe(true);
      expect(lambdaExecutionResultSchema.parse(r1)).toEqual(r1);
      expect(r1).toMatchObject({ file_count: 60, threshold: 50, threshold_exceeded: true, new_mount_target_created: true, deployment_triggered: true });
      expect(r1.error).toBeUndefined();
      const targets = emu.efs.mountTargets(FS);
      expect(targets).toHaveLength(2);
      const created = targets.find((t) => t.subnetId === SUBNET_C)!;
      expect(created).toMatchObject({ mountTargetId: r1.new_mount_target_id, lifeCycleState: 'available', securityGroups: [SG] });

      const text = emu.parameters.get(PARAM)!;
      const json = JSON.parse(text) as { mount_targets: Array<Record<string, unknown>> };
      expect(Object.keys(json)).toEqual(['mount_targets']);
      expect(json.mount_targets.map((m) => Object.keys(m).sort())).toEqual([
        ['availability_zone', 'ip_address', 'mount_target_id', 'subnet_id'],
        ['availability_zone', 'ip_address', 'mount_target_id', 'subnet_id'],
      ]);
      expect(decodeMountTargetParameter(text)).toEqual([
        { mount_target_id: targets[0]!.mountTargetId, ip_address: '10.0.1.100', availability_zone: 'ap-northeast-1a', subnet_id: SUBNET_A },
        { mount_target_id: created.mountTargetId, ip_address: created.ipAddress, availability_zone: 'ap-northeast-1c', subnet_id: SUBNET_C },
      ]);
      expect(emu.ecs.service('apps', 'web').forcedDeployments).toBe(1);
      const version = emu.parameters.info(PARAM)!.version;

      // 2nd (warm): still above the threshold, but no AZ is free: warn and end normally, change nothing.
      expect(second.ok).toBe(true);
      expect(second.result).toMatchObject({ file_count: 60, threshold_exceeded: true, new_mount_target_created: false, deployment_triggered: false });
      expect(second.result!.new_mount_target_id).toBeUndefined();
      expect(second.result!.error).toBeUndefined();
      expect(emu.efs.mountTargets(FS)).toHaveLength(2);
      expect(emu.ecs.service('apps', 'web').forcedDeployments).toBe(1);
      expect(emu.parameters.info(PARAM)!.version).toBe(version);
      expect(emu.calls.filter((c) => c.action === 'CreateMountTarget')).toHaveLength(1);
      expect(emu.calls.filter((c) => c.action === 'UpdateService')).toHaveLength(1);

      // The logs: every progress event, then the run's record, tagged with the request id.
      const of = (id: string) => logs.filter((l) => l.request_id === id);
      expect(logs.every((l) => l.request_id === 'req-1' || l.request_id === 'req-2')).toBe(true);
      const stages = of('req-1')
        .filter((l) => l.type === 'event' && l.status === 'ok')
        .map((l) => l.stage);
      expect(stages).toEqual(['count', 'describe', 'plan', 'create', 'wait', 'ssm', 'ecs', 'done']);
      const result1 = of('req-1').at(-1)!;
      expect(result1).toMatchObject({ type: 'result', level: 'info', run_id: 'req-1', trigger: 'schedule', outcome: 'scaled', new_mount_target_id: r1.new_mount_target_id });
      const result2 = of('req-2').at(-1)!;
      expect(result2).toMatchObject({ type: 'result', level: 'warn', run_id: 'req-2', outcome: 'no_subnet', warning: expect.stringContaining('no availability zone') });
    });

    it('dry_run in the event plans without changing anything', async () => {
      const { outcomes } = await invoke(seedEnv(), [{ requestId: 'dry', event: { dry_run: true } }]);
      expect(outcomes[0]).toMatchObject({ ok: true, result: { threshold_exceeded: true, new_mount_target_created: false, deployment_triggered: false } });
      expect(emu.efs.mountTargets(FS)).toHaveLength(1);
      expect(emu.parameters.get(PARAM)).toBeUndefined();
      expect(emu.ecs.service('apps', 'web').forcedDeployments).toBe(0);
    });

    it('refuses a bad environment with one error naming every bad or missing variable, before any AWS call', async () => {
      const env: Record<string, string | undefined> = { ...seedEnv(), SSM_PARAMETER_NAME: undefined, VPC_ID: 'vpc-nope', FILE_COUNT_THRESHOLD: 'lots', RECURSIVE: 'maybe' };
      const { outcomes, logs } = await invoke(env, [{ requestId: 'bad' }]);
      const o = outcomes[0]!;
      expect(o.ok).toBe(false);
      expect(o.name).toBe('LambdaConfigError');
      expect(o.message).toContain('4 problems');
      expect(o.message).toMatch(/^ {2}SSM_PARAMETER_NAME: not set \(the SSM parameter/m);
      expect(o.message).toMatch(/^ {2}VPC_ID: "vpc-nope": a VPC id like/m);
      expect(o.message).toMatch(/^ {2}FILE_COUNT_THRESHOLD: "lots" is not a whole number/m);
      expect(o.message).toMatch(/^ {2}RECURSIVE: "maybe" is not true or false/m);
      expect(logs).toEqual([{ level: 'error', type: 'config', request_id: 'bad', error: o.message }]);
      expect(emu.calls).toEqual([]);
    });

    it('stops before the Lambda timeout and fails the invocation, leaving the parameter and the service alone', async () => {
      emu.efs.availableAfterMs(60_000); // the new mount target stays "creating" past the deadline
      const { outcomes, logs } = await invoke({ ...seedEnv(), WAIT_TIMEOUT: '10m' }, [{ requestId: 'late', remainingMs: 3000 }]);
      const o = outcomes[0]!;
      expect(o.ok).toBe(false);
      expect(o.name).toBe('EfsScalerRunFailed');
      expect(o.message).toMatch(/^wait failed: stopped \d+ ms before the Lambda timeout, during "wait"/);
      expect(o.elapsedMs).toBeLessThan(3000);
      expect(o.result).toMatchObject({ threshold_exceeded: true, new_mount_target_created: true, deployment_triggered: false, error: expect.stringContaining('before the Lambda timeout') });
      expect(emu.parameters.get(PARAM)).toBeUndefined();
      expect(emu.ecs.service('apps', 'web').forcedDeployments).toBe(0);
      expect(logs.at(-1)).toMatchObject({ type: 'result', level: 'error', outcome: 'failed', failed_step: 'wait' });
    });
  });
});

// ---- template.yaml ----

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

// CloudFormation's short-form intrinsics, as the long form (!Ref X → { Ref: X }, !GetAtt A.B → { 'Fn::GetAtt': [A, B] }).
const INTRINSICS = ['Ref', 'Sub', 'GetAtt', 'If', 'Equals', 'Not', 'And', 'Or', 'Join', 'Select', 'Split', 'FindInMap', 'GetAZs', 'ImportValue', 'Base64', 'Condition', 'Cidr'];
const longName = (n: string): string => (n === 'Ref' || n === 'Condition' ? n : `Fn::${n}`);
const cfnTags = INTRINSICS.flatMap((n) => [
  { tag: `!${n}`, resolve: (v: string) => ({ [longName(n)]: n === 'GetAtt' ? v.split('.') : v }) },
  { tag: `!${n}`, collection: 'seq' as const, resolve: (v: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [longName(n)]: v.toJSON() as Json }) },
  { tag: `!${n}`, collection: 'map' as const, resolve: (v: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [longName(n)]: v.toJSON() as Json }) },
]);

// The design's IAM policies ("セキュリティ考慮事項"), action for action.
const SEED_LAMBDA_ACTIONS = [
  'elasticfilesystem:DescribeMountTargets',
  'elasticfilesystem:CreateMountTarget',
  'elasticfilesystem:DescribeFileSystems',
  'ssm:PutParameter',
  'ssm:GetParameter',
  'ecs:UpdateService',
  'ecs:DescribeServices',
  'ec2:DescribeSubnets',
  'ec2:DescribeNetworkInterfaces',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
];
const SEED_FARGATE_ACTIONS = ['ssm:GetParameter', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];
// Added to the design's Lambda policy, each explained in template.yaml: mounting the access point
// (read-only), and the two address actions Lambda's VPC documentation lists for a VPC function.
const LAMBDA_ADDITIONS = ['elasticfilesystem:ClientMount', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'];

describe('deploy/efs-scaler/template.yaml', () => {
  const t = parse(fs.readFileSync(path.join(DEPLOY, 'template.yaml'), 'utf8'), { customTags: cfnTags }) as Obj;
  const resources = t.Resources as Record<string, Obj>;
  const props = (id: string): Obj => resources[id]!.Properties as Obj;
  const fnId = Object.keys(resources).find((k) => resources[k]!.Type === 'AWS::Serverless::Function')!;
  const fn = props(fnId);
  /** Every statement, both branches of an Fn::If included (AWS::NoValue dropped). */
  const statements = (doc: Obj): Obj[] =>
    (doc.Statement as Json[]).flatMap((s) => {
      const o = s as Obj;
      if (o['Fn::If']) return ((o['Fn::If'] as Json[]).slice(1) as Obj[]).filter((b) => b.Ref !== 'AWS::NoValue');
      return [o];
    });
  const actionsOf = (sts: Obj[]): string[] => sts.flatMap((s) => (Array.isArray(s.Action) ? (s.Action as string[]) : [s.Action as string]));

  it('is a SAM template with one function, built from the zip build.mjs writes', () => {
    expect(t.Transform).toBe('AWS::Serverless-2016-10-31');
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::Serverless::Function')).toHaveLength(1);
    expect(path.resolve(DEPLOY, fn.CodeUri as string)).toBe(path.join(ROOT, 'dist', 'efs-scaler', 'efs-scaler.zip'));
    // Handler "handler.handler": the module handler(.cjs) and its export `handler`.
    expect(fn.Handler).toBe('handler.handler');
    expect(fs.readFileSync(path.join(DEPLOY, 'build.mjs'), 'utf8')).toContain("export const BUNDLE = 'handler.cjs'");
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', MemorySize: 1024, Timeout: 300, ReservedConcurrentExecutions: 1 });
  });

  it('runs every 5 minutes from an EventBridge schedule, without async retries', () => {
    const events = Object.values(fn.Events as Record<string, Obj>);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ Type: 'Schedule', Properties: { Schedule: 'rate(5 minutes)', Enabled: true } });
    expect(fn.EventInvokeConfig).toMatchObject({ MaximumRetryAttempts: 0 });
  });

  it('runs in the VPC and mounts an EFS access point at /mnt/efs', () => {
    expect(fn.VpcConfig).toEqual({ SubnetIds: { Ref: 'SubnetIds' }, SecurityGroupIds: [{ Ref: 'FunctionSecurityGroup' }] });
    const fsc = fn.FileSystemConfigs as Obj[];
    expect(fsc).toEqual([{ Arn: { 'Fn::If': ['CreateAccessPoint', { 'Fn::GetAtt': ['AccessPoint', 'Arn'] }, { Ref: 'AccessPointArn' }] }, LocalMountPath: '/mnt/efs' }]);
    expect(resources.AccessPoint).toMatchObject({ Type: 'AWS::EFS::AccessPoint', Condition: 'CreateAccessPoint', Properties: { FileSystemId: { Ref: 'FileSystemId' } } });
    const params = t.Parameters as Record<string, Obj>;
    expect(params.TargetDirectory!.Default).toBe('/mnt/efs');
    expect(params.Threshold!.Default).toBe(100000);
    expect(params.SsmParameterName!.Default).toBe('/app/efs/mount-targets');
  });

  it('sets exactly the environment variables the handler reads', () => {
    const vars = (fn.Environment as Obj).Variables as Obj;
    expect(Object.keys(vars).sort()).toEqual([...Object.keys(ENV_VARS), 'NODE_OPTIONS'].sort());
    // The design's eight, by name.
    for (const v of ['EFS_FILE_SYSTEM_ID', 'TARGET_DIRECTORY', 'FILE_COUNT_THRESHOLD', 'SSM_PARAMETER_NAME', 'ECS_CLUSTER_NAME', 'ECS_SERVICE_NAME', 'VPC_ID', 'SECURITY_GROUP_ID']) expect(vars).toHaveProperty(v);
  });

  it("gives the function the design's Lambda actions (plus the documented three), none wildcarded, each on its own resource", () => {
    expect(fn.Role).toEqual({ 'Fn::GetAtt': ['FunctionRole', 'Arn'] });
    expect(fn.Policies).toBeUndefined();
    const role = props('FunctionRole');
    const policies = role.Policies as Obj[];
    expect(policies).toHaveLength(1);
    expect(role.ManagedPolicyArns).toBeUndefined();
    const sts = statements(policies[0]!.PolicyDocument as Obj);
    const actions = actionsOf(sts);
    expect(new Set(actions).size).toBe(actions.length);
    expect([...actions].sort()).toEqual([...SEED_LAMBDA_ACTIONS, ...LAMBDA_ADDITIONS].sort());
    for (const a of actions) expect(a).toMatch(/^[a-z0-9]+:[A-Za-z]+$/);
    expect(actions).not.toContain('elasticfilesystem:ClientWrite');
    expect(sts.every((s) => s.Effect === 'Allow')).toBe(true);

    const bySid = Object.fromEntries(sts.map((s) => [s.Sid as string, s]));
    const sub = (s: Obj | undefined): string => ((s?.Resource as Obj)['Fn::Sub'] as string) ?? '';
    // Only the EC2 statement is on "*" (Describe* and Lambda's network interface calls need it).
    expect(sts.filter((s) => s.Resource === '*').map((s) => s.Sid)).toEqual(['SubnetsAndLambdaNetworkInterfaces']);
    expect(actionsOf([bySid.SubnetsAndLambdaNetworkInterfaces!]).every((a) => a.startsWith('ec2:'))).toBe(true);
    expect(sub(bySid.EfsMountTargets)).toMatch(/:file-system\/\$\{FileSystemId\}$/);
    expect(sub(bySid.EfsReadOnlyMount)).toMatch(/:file-system\/\$\{FileSystemId\}$/);
    expect(bySid.EfsReadOnlyMount!.Condition).toEqual({ StringEquals: { 'elasticfilesystem:AccessPointArn': (fn.FileSystemConfigs as Obj[])[0]!.Arn } });
    expect(sub(bySid.MountTargetParameter)).toMatch(/:ssm:\$\{AWS::Region\}:\$\{AWS::AccountId\}:parameter\$\{SsmParameterName\}$/);
    expect(sub(bySid.ForceNewDeployment)).toMatch(/:ecs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:service\/\$\{EcsClusterName\}\/\$\{EcsServiceName\}$/);
    expect(bySid.FunctionLogs!.Resource).toEqual({ 'Fn::GetAtt': ['FunctionLogGroup', 'Arn'] });
  });

  it("offers the Fargate task role the design's actions as a managed policy, reading only the one parameter", () => {
    expect(resources.FargateTaskPolicy!.Type).toBe('AWS::IAM::ManagedPolicy');
    const sts = statements(props('FargateTaskPolicy').PolicyDocument as Obj);
    expect([...actionsOf(sts)].sort()).toEqual([...SEED_FARGATE_ACTIONS].sort());
    const read = sts.find((s) => s.Sid === 'ReadMountTargetParameter')!;
    expect(read.Action).toEqual(['ssm:GetParameter']);
    expect((read.Resource as Obj)['Fn::Sub']).toMatch(/:parameter\$\{SsmParameterName\}$/);
    expect(sts.some((s) => s.Resource === '*')).toBe(false);
    expect((t.Outputs as Record<string, Obj>).FargateTaskPolicyArn!.Value).toEqual({ Ref: 'FargateTaskPolicy' });
  });
});
