// Can the instance's subnet reach SSM's public endpoints without VPC endpoints? Its route table
// says: the one associated with the subnet, or else the VPC's main table (AWS reports no association
// for a subnet that uses the main table implicitly). A default route (0.0.0.0/0) to a NAT gateway
// reaches the internet; to an internet gateway only with a public IP.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRouteTables.html
// https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html
import { paginateDescribeRouteTables, type RouteTable } from '@aws-sdk/client-ec2';
import type { CheckContext } from './types.js';

export type RouteOut = { via: 'nat'; id: string; table: string } | { via: 'igw'; id: string; table: string } | { via: 'none'; table: string | undefined };

async function tables(ctx: CheckContext, filters: Array<{ Name: string; Values: string[] }>): Promise<RouteTable[]> {
  const out: RouteTable[] = [];
  for await (const page of paginateDescribeRouteTables({ client: ctx.aws.ec2 }, { Filters: filters })) out.push(...(page.RouteTables ?? []));
  return out;
}

/** The default route out of the subnet, read from its route table. Errors reject (the caller decides). */
export async function routeOut(ctx: CheckContext, vpcId: string, subnetId: string | undefined): Promise<RouteOut> {
  const explicit = subnetId ? await tables(ctx, [{ Name: 'association.subnet-id', Values: [subnetId] }]) : [];
  const table =
    explicit[0] ??
    (
      await tables(ctx, [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'association.main', Values: ['true'] },
      ])
    )[0];
  const def = table?.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0' && (r.State ?? 'active') === 'active');
  const id = table?.RouteTableId ?? '';
  if (def?.NatGatewayId) return { via: 'nat', id: def.NatGatewayId, table: id };
  if (def?.GatewayId?.startsWith('igw-')) return { via: 'igw', id: def.GatewayId, table: id };
  return { via: 'none', table: table?.RouteTableId };
}
