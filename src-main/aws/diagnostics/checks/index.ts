// The item name → check table: the one place that lists what `diagnose item --item` accepts.
import type { DiagnosticCheck, DiagnosticItemName } from '../types.js';
import { checkIamPermissions } from './iam-permissions.js';
import { checkInstanceState } from './instance-state.js';
import { checkLocalPort } from './local-port.js';
import { checkNetworkConnectivity } from './network-connectivity.js';
import { checkSecurityGroups } from './security-groups.js';
import { checkSsmAgent } from './ssm-agent.js';
import { checkVpcEndpoints } from './vpc-endpoints.js';

export const CHECKS: Readonly<Record<DiagnosticItemName, DiagnosticCheck>> = {
  instance_state: checkInstanceState,
  ssm_agent: checkSsmAgent,
  iam_permissions: checkIamPermissions,
  vpc_endpoints: checkVpcEndpoints,
  security_groups: checkSecurityGroups,
  network_connectivity: checkNetworkConnectivity,
  local_port_availability: checkLocalPort,
};
