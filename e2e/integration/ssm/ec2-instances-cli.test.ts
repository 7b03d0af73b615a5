// `warren ec2 instances` against the emulator, which pages DescribeInstanceInformation at 50 as AWS
// does: every page of both lists is followed (an account with more than 50 managed instances keeps
// every agent status), and a denied or failed DescribeInstanceInformation still shows the
// instances, agent status unknown, with the reason (issue 12, findings 4 and 5).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { runWarren } from '../helpers/cli.js';
import { startSsmWorld, type SsmWorld } from '../helpers/ssm-world.js';

const COUNT = 115;
const id = (n: number): string => `i-0f00000000000${n.toString(16).padStart(4, '0')}`;

interface Listing {
  instances: Array<{ instance_id: string; ssm_ping?: string }>;
  agent_status_error?: string;
}

describe('warren ec2 instances: every page, and not all-or-nothing', () => {
  let world: SsmWorld;
  let emu: AwsEmulator;

  beforeAll(async () => {
    world = await startSsmWorld({
      prefix: 'warren-ec2-pages-',
      setup: (e) => {
        for (let n = 0; n < COUNT; n++) e.addInstance({ id: id(n), name: `node-${n}`, state: 'running' });
      },
    });
    emu = world.emu;
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it(`lists all ${COUNT} instances with their agent status, following NextToken`, async () => {
    const r = await runWarren(world.env, ['ec2', 'instances', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Listing;
    expect(out.instances).toHaveLength(COUNT);
    expect(out.instances.filter((i) => i.ssm_ping === 'Online')).toHaveLength(COUNT);
    expect(out.agent_status_error).toBeUndefined();
    const pages = emu.calls.filter((c) => c.action === 'DescribeInstanceInformation' && !c.error);
    expect(pages.length).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('DescribeInstanceInformation denied: the instances still show, agent status unknown, and why', async () => {
    emu.denyAction('ssm:DescribeInstanceInformation');
    try {
      const r = await runWarren(world.env, ['ec2', 'instances', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Listing;
      expect(out.instances).toHaveLength(COUNT);
      expect(out.instances.every((i) => i.ssm_ping === undefined)).toBe(true);
      expect(out.agent_status_error).toMatch(/^SSM agent status unknown: SSM DescribeInstanceInformation failed: AccessDeniedException/);
      const text = await runWarren(world.env, ['ec2', 'instances']);
      expect(text.code).toBe(0);
      expect(text.stderr).toContain('warning: SSM agent status unknown');
      expect(text.stdout).toMatch(new RegExp(`${id(0)}\\s+node-0\\s+running\\s+unknown`));
    } finally {
      emu.allowAction('ssm:DescribeInstanceInformation');
    }
  }, 60_000);

  it('DescribeInstanceInformation answering a non-JSON 502: the instances show, and the reason names the call', async () => {
    emu.failAction('ssm:DescribeInstanceInformation', { code: 'BadGateway', status: 502, raw: '<html><h1>502 Bad Gateway</h1></html>' });
    try {
      const r = await runWarren(world.env, ['ec2', 'instances', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Listing;
      expect(out.instances).toHaveLength(COUNT);
      expect(out.agent_status_error).toContain('SSM DescribeInstanceInformation failed (HTTP 502): the answer was not an AWS response');
      expect(out.agent_status_error).not.toMatch(/\$response|Deserialization/);
    } finally {
      emu.clearFaults();
    }
  }, 60_000);
});
