// Waits for the instance's SSM agent to show Online: after a start it takes a minute or two for
// the agent to boot and register. Polls DescribeInstanceInformation (EC2 Connect: every 3 s, up
// to 5 min) and reports each check, so the user sees elapsed time and the check count.
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import type { AwsClients } from '../aws-clients.js';

export interface WaitProgress {
  elapsedMs: number;
  checks: number;
  pingStatus: string | undefined;
}

export interface WaitOptions {
  intervalMs: number;
  timeoutMs: number;
  onCheck?: (p: WaitProgress) => void;
  /** Injectable for unit tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface WaitOutcome extends WaitProgress {
  online: boolean;
}

export async function waitForSsmOnline(aws: Pick<AwsClients, 'ssm'>, instanceId: string, opts: WaitOptions): Promise<WaitOutcome> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const start = now();
  let checks = 0;
  for (;;) {
    const out = await aws.ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [instanceId] }] }));
    checks += 1;
    const pingStatus = out.InstanceInformationList?.find((i) => i.InstanceId === instanceId)?.PingStatus;
    const progress = { elapsedMs: now() - start, checks, pingStatus };
    opts.onCheck?.(progress);
    if (pingStatus === 'Online') return { ...progress, online: true };
    if (progress.elapsedMs + opts.intervalMs > opts.timeoutMs) return { ...progress, online: false };
    await sleep(opts.intervalMs);
  }
}
