// Sample API values for the component tests (shapes as the daemon sends them).
import { efsRunSchema, type ClientInfo, type ConduitKeyStatus, type ConduitSessionInfo, type EfsRun, type ForwardInfo, type RouterLinkInfo, type SshSessionInfo, type SsmSessionInfo } from '../../src-shared/api/index.js';

export const sshRule: ForwardInfo = { kind: 'ssh', name: 'web', host: 'prod', type: 'local', local_port: 8080, remote_host: 'localhost', remote_port: 80, auto_connect: true };

export const sshSession: SshSessionInfo = {
  id: 'prod-local-8080', name: 'web', kind: 'ssh', host: 'prod', type: 'local', local_port: 8080, remote_host: 'localhost', remote_port: 80,
  status: 'active', bytes_sent: 2048, bytes_received: 4096, active_connections: 1, reconnect_count: 0, rtt_ms: 3,
};

export const tunnelSession: ConduitSessionInfo = {
  id: '10.0.0.1-15432', name: 'db', kind: 'conduit', router: '10.0.0.1:9999', source: 'db.internal:5432', bind: '127.0.0.1:15432', protocol: 'tcp',
  router_fingerprint: 'SHA256:routerfp', status: 'active', bytes_sent: 1536, bytes_received: 10 * 1024 * 1024, active_connections: 2, reconnect_count: 3, rtt_ms: 12.4,
  last_error: 'router 10.0.0.1:9999 does not allow this client to reach db.internal:5433',
};

export const client: ClientInfo = {
  id: 'SHA256:me', name: 'laptop', fingerprint: 'SHA256:me', connected: true, remote_address: '127.0.0.1:50000', connected_at: '2026-01-01T00:00:00.000Z',
  last_seen_at: '2026-01-01T00:01:00.000Z', active_streams: 2, total_streams: 9, bytes_in: 3 * 1024, bytes_out: 5 * 1024 * 1024, allow: ['db.internal:5432'],
  key_status: 'current', grace_until: null,
};

export const router: RouterLinkInfo = {
  router: '10.0.0.1:9999',
  state: 'connected',
  fingerprint: 'SHA256:routerfp',
  rtt_ms: 12.4,
  tunnels: ['db', 'cache'],
  stats: {
    info: { name: 'edge-1', version: '0.1.0', protocol_version: 1, fingerprint: 'SHA256:routerfp', bind: '0.0.0.0:9999', api_bind: '', started_at: '2026-01-01T00:00:00.000Z', uptime_s: 3720 },
    health: {
      status: 'degraded',
      clients_connected: 1,
      sources: [
        {
          name: 'postgres',
          strategy: 'least_connections',
          status: 'degraded',
          endpoints: [
            { address: 'db1:5432', status: 'up', last_check_at: null, last_ok_at: null, latency_ms: 1.6, consecutive_failures: 0, circuit: 'closed', active_connections: 2 },
            { address: 'db2:5432', status: 'down', last_check_at: null, last_ok_at: null, latency_ms: null, consecutive_failures: 5, circuit: 'open', active_connections: 0 },
          ],
        },
      ],
    },
    client,
  },
};

export const keyStatus: ConduitKeyStatus = {
  path: '/home/me/.warren/keys/conduit.key', exists: true, fingerprint: 'SHA256:me', public_key: 'conduit-ed25519 AAAA', created_at: '2025-11-01T00:00:00.000Z',
  age_days: 61, rotation_due: true, rotation_pending: false, acknowledged_by: [], warnings: ['the key is 61 days old (rotation age 30 days): run `warren conduit keys rotate`'],
};

export const ssmSession: SsmSessionInfo = {
  id: 'web-ssm', name: 'web-ssm', kind: 'ssm', instance_id: 'i-0123456789abcdef0', profile: 'prod', region: 'eu-west-1', local_port: 15432, remote_port: 5432,
  session_id: 'warren-0a1b2c3d4e', mode: 'mux', status: 'active', bytes_sent: 3072, bytes_received: 2 * 1024 * 1024, active_connections: 4, reconnect_count: 1, rtt_ms: 25,
  last_error: 'SSM agent on i-0123456789abcdef0 is not connected',
};

export const efsFileSystemId = 'fs-0123456789abcdef0';

/** An EFS run record the contract accepts (its refinements too): a dry run, with what a test changes. */
export function makeEfsRun(over: Partial<EfsRun> = {}): EfsRun {
  return efsRunSchema.parse({
    run_id: 'run-1',
    name: 'default',
    trigger: 'manual',
    file_system_id: efsFileSystemId,
    timestamp: '2025-03-04T05:06:07.000Z',
    file_count: 30,
    threshold: 20,
    threshold_exceeded: true,
    new_mount_target_created: false,
    deployment_triggered: false,
    dry_run: true,
    outcome: 'dry_run',
    duration_ms: 42,
    plan: { action: 'create', availability_zone: 'ap-northeast-1b', subnet_id: 'subnet-0b00000000000000b' },
    actions: [],
    ...over,
  });
}
