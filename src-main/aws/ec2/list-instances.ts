// `ec2 instances`: every instance of a profile/region with its SSM agent status. Both lists follow
// their paginators to the end (DescribeInstanceInformation returns at most 50 per page, so one call
// loses the agent status of every instance past the 50th). The agent status is extra: when
// DescribeInstanceInformation is denied or fails, the instances are still shown, marked unknown,
// with the reason.
import { paginateDescribeInstances, type Instance } from '@aws-sdk/client-ec2';
import { paginateDescribeInstanceInformation, type InstanceInformation } from '@aws-sdk/client-ssm';
import type { Ec2Instance } from '../../../src-shared/api/index.js';
import { awsErrorRow } from '../../../src-shared/aws/error-table.js';
import type { AwsClients } from '../aws-clients.js';
import { awsError, describeAwsFailure } from '../aws-error.js';

export interface InstanceListing {
  instances: Ec2Instance[];
  /** Set when the agent status could not be read: why, and what to try. */
  agent_status_error?: string;
}

// DescribeInstances: 5–1000 per page when MaxResults is given; the largest page means the fewest calls.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html
const EC2_PAGE = 1000;
// DescribeInstanceInformation: MaxResults 5–50.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstanceInformation.html
const SSM_PAGE = 50;

async function allInstances(clients: AwsClients): Promise<Instance[]> {
  const out: Instance[] = [];
  for await (const page of paginateDescribeInstances({ client: clients.ec2, pageSize: EC2_PAGE }, {}))
    for (const r of page.Reservations ?? []) out.push(...(r.Instances ?? []));
  return out;
}

async function allAgents(clients: AwsClients): Promise<InstanceInformation[]> {
  const out: InstanceInformation[] = [];
  for await (const page of paginateDescribeInstanceInformation({ client: clients.ssm, pageSize: SSM_PAGE }, {})) out.push(...(page.InstanceInformationList ?? []));
  return out;
}

function view(i: Instance, agents: ReadonlyMap<string, InstanceInformation> | undefined): Ec2Instance {
  const out: Ec2Instance = { instance_id: i.InstanceId ?? '', state: i.State?.Name ?? 'unknown' };
  const name = i.Tags?.find((t) => t.Key === 'Name')?.Value;
  if (name) out.name = name;
  if (i.Platform) out.platform = i.Platform;
  if (i.PrivateIpAddress) out.private_ip = i.PrivateIpAddress;
  const agent = agents?.get(out.instance_id);
  if (agent?.PingStatus) out.ssm_ping = agent.PingStatus;
  if (agent?.AgentVersion) out.agent_version = agent.AgentVersion;
  return out;
}

export async function listInstances(clients: AwsClients): Promise<InstanceListing> {
  // Started together; the agent list may fail on its own without failing the listing.
  const agentsP = allAgents(clients).then(
    (list) => ({ ok: true as const, agents: new Map(list.map((a) => [a.InstanceId ?? '', a])) }),
    (e: unknown) => ({ ok: false as const, error: e }),
  );
  let instances: Instance[];
  try {
    instances = await allInstances(clients);
  } catch (e) {
    await agentsP;
    throw awsError(e, 'listing EC2 instances');
  }
  const agents = await agentsP;
  if (agents.ok) return { instances: instances.map((i) => view(i, agents.agents)) };
  const row = awsErrorRow(agents.error instanceof Error ? agents.error.name : '');
  return {
    instances: instances.map((i) => view(i, undefined)),
    agent_status_error: `SSM agent status unknown: ${describeAwsFailure(agents.error)}; ${row.hint}`,
  };
}
