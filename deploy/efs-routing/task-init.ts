// The task's entrypoint step (dist/efs-routing/efs-task-init.cjs): read the mount target list, mount
// each target, write the ones that mounted to EFS_MOUNTS_FILE for the application (which routes with
// the library), and exit 0; exit 1 with the reason when none mounted, so ECS restarts the task.
//
// Where the list comes from (the design's Fargate error table):
//   EFS_MOUNT_TARGETS_JSON   the parameter's JSON itself (tests, or a task definition secret), else
//   SSM_PARAMETER_NAME       GetParameter (task role: ssm:GetParameter on it), and if that fails
//   EFS_DEFAULT_MOUNT_TARGETS  the initial list, so the task still starts (design 6.4).
// EFS_FILE_SYSTEM_ID, when set, mounts with amazon-efs-utils over TLS instead of plain NFS.
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import fs from 'node:fs';
import { mountAll } from './task-mounts.js';

function log(o: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...o })}\n`);
}

async function parameterText(env: NodeJS.ProcessEnv): Promise<string> {
  if (env['EFS_MOUNT_TARGETS_JSON']) return env['EFS_MOUNT_TARGETS_JSON'];
  const name = env['SSM_PARAMETER_NAME'];
  if (!name) throw new Error('set SSM_PARAMETER_NAME (or EFS_MOUNT_TARGETS_JSON) so the task knows its mount targets');
  const client = new SSMClient({});
  try {
    const r = await client.send(new GetParameterCommand({ Name: name }));
    if (!r.Parameter?.Value) throw new Error(`parameter ${name} has no value`);
    return r.Parameter.Value;
  } catch (e) {
    const fallback = env['EFS_DEFAULT_MOUNT_TARGETS'];
    if (!fallback) throw new Error(`reading ${name} failed (${e instanceof Error ? e.message : String(e)}) and EFS_DEFAULT_MOUNT_TARGETS is not set`, { cause: e });
    log({ level: 'warn', msg: 'SSM parameter unreadable; starting with the default mount targets', parameter: name, err: e instanceof Error ? e.message : String(e) });
    return fallback;
  } finally {
    client.destroy();
  }
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const m = await mountAll(await parameterText(env), env['EFS_FILE_SYSTEM_ID'] ? { fileSystemId: env['EFS_FILE_SYSTEM_ID'] } : {});
    for (const s of m.skipped) log({ level: 'warn', msg: 'mount failed; skipping this mount target', mount_target_id: s.mount_target_id, mount_point: `/mnt/efs-${s.index}`, err: s.error });
    const mounts = m.usable.map((u) => ({ mount_target_id: u.mount_target_id, mount_point: `/mnt/efs-${u.index}`, index: u.index }));
    const file = env['EFS_MOUNTS_FILE'] || '/tmp/efs-mounts.json';
    fs.writeFileSync(file, JSON.stringify({ mounts }, null, 2));
    log({ level: 'info', msg: 'mounted', mounted: mounts.length, skipped: m.skipped.length, mounts_file: file });
    return 0;
  } catch (e) {
    log({ level: 'error', msg: e instanceof Error ? e.message : String(e) });
    return 1;
  }
}

// Run when executed (node efs-task-init.cjs), not when imported by a test.
if (process.argv[1] && /efs-task-init\.c?js$|task-init\.ts$/.test(process.argv[1])) void main().then((code) => process.exit(code));
