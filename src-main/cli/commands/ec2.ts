// warren ec2 connect|list|status|terminate|instances|history: EC2 Connect's connection commands. Forwards
// go through SSM natively (no AWS CLI, no session-manager-plugin); the daemon's engine runs them.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { formatBytes, formatKeyValues, formatTable, paintStatus, uptimeSince } from '../format.js';
import { callAnsweringPrompts } from './aws.js';
import { registerEc2History } from './ec2-history.js';
import { describeSsm } from './session.js';
import { parseIntOption, withJson, type JsonFlag } from './shared.js';

interface AwsFlags {
  profile?: string;
  region?: string;
}

function awsOptions(cmd: Command): Command {
  return cmd.option('--profile <name>', 'AWS profile (default: AWS_PROFILE or "default")').option('--region <region>', 'AWS region (default: AWS_REGION or the profile\'s)');
}

function awsParams(f: AwsFlags): { profile?: string; region?: string } {
  return { ...(f.profile ? { profile: f.profile } : {}), ...(f.region ? { region: f.region } : {}) };
}

export function registerEc2(program: Command, ctx: CliContext): void {
  const ec2 = program.command('ec2').description('EC2 port forwards through AWS SSM (EC2 Connect)');

  withJson(
    awsOptions(
      ec2
        .command('connect')
        .description('forward 127.0.0.1:--local-port to --remote-port on an instance through SSM')
        .requiredOption('--instance-id <id>', 'the instance, e.g. i-0123456789abcdef0')
        .requiredOption('--local-port <port>', 'port on this machine', parseIntOption('--local-port', 1, 65535))
        .requiredOption('--remote-port <port>', 'port on the instance (or on --remote-host)', parseIntOption('--remote-port', 1, 65535))
        .option('--remote-host <host>', 'a host the instance can reach (AWS-StartPortForwardingSessionToRemoteHost)')
        .option('--name <name>', 'forward name (default <instance>-<localport>)')
        .option('--auto-connect', 'start this forward whenever Warren starts')
        .option('--new-session', 'open a new SSM session even if a healthy forward to the same instance and port exists'),
    ),
  ).action(
    async (f: AwsFlags & JsonFlag & { instanceId: string; localPort: number; remotePort: number; remoteHost?: string; name?: string; autoConnect?: boolean; newSession?: boolean }) => {
      const p = ctx.progress(`connecting to ${f.instanceId} through SSM …`);
      let r;
      try {
        // The first connect resolves credentials: it may ask for an MFA code or an SSO sign-in.
        r = await callAnsweringPrompts(ctx, 'ec2.connect', {
          instance_id: f.instanceId,
          local_port: f.localPort,
          remote_port: f.remotePort,
          auto_connect: f.autoConnect === true,
          new_session: f.newSession === true,
          ...(f.remoteHost ? { remote_host: f.remoteHost } : {}),
          ...(f.name ? { name: f.name } : {}),
          ...awsParams(f),
        });
      } finally {
        p.done();
      }
      if (r.status !== 'active') ctx.exitCode = 3; // not forwarding yet: scripts must not carry on as if it were
      if (f.json) return ctx.json(r);
      if (r.reused) {
        ctx.out(`${r.name}: ${paintStatus(r.status, ctx.colour)} — reusing this healthy forward to ${f.instanceId}:${f.remotePort} on 127.0.0.1:${r.reused.local_port} (pass --new-session to open another)`);
        return;
      }
      ctx.out(`${r.name}: ${paintStatus(r.status, ctx.colour)} (127.0.0.1:${f.localPort} → ${f.remoteHost ? `${f.remoteHost}:` : ''}${f.remotePort} via ${f.instanceId})`);
      if (r.status !== 'active') {
        // Still retrying (e.g. the instance is stopped): say why now rather than leave the user guessing.
        const s = await ctx.withClient((c) => c.call('ec2.status', { name: r.name }));
        if (s.last_error) ctx.err(`why: ${s.last_error}`);
        ctx.err(`Warren keeps retrying; \`warren ec2 terminate ${r.name}\` stops it, \`warren diagnose full --instance-id ${f.instanceId}\` says what to fix.`);
      }
    },
  );

  withJson(ec2.command('list').description('SSM forwards with their state and traffic')).action(async (f: JsonFlag) => {
    const r = await ctx.withClient((c) => c.call('ec2.list'));
    if (f.json) return ctx.json(r);
    if (r.sessions.length === 0) return ctx.out('no SSM forwards (start one with `warren ec2 connect`)');
    const now = Date.now();
    ctx.out(
      formatTable(
        ['NAME', 'FORWARD', 'STATUS', 'UPTIME', 'SENT', 'RECEIVED', 'CONNS', 'RECONNECTS', 'SSM SESSION', 'LAST ERROR'],
        r.sessions.map((s) => [
          s.name,
          describeSsm(s),
          paintStatus(s.status, ctx.colour),
          s.status === 'active' ? uptimeSince(s.connected_at, now) : '-',
          formatBytes(s.bytes_sent),
          formatBytes(s.bytes_received),
          String(s.active_connections),
          String(s.reconnect_count),
          s.session_id ? `${s.session_id}${s.mode ? ` (${s.mode})` : ''}` : '-',
          s.last_error ?? '',
        ]),
      ),
    );
  });

  withJson(ec2.command('status <name>').description('one SSM forward in detail')).action(async (name: string, f: JsonFlag) => {
    ctx.subject = { name };
    const s = await ctx.withClient((c) => c.call('ec2.status', { name }));
    if (f.json) return ctx.json(s);
    ctx.out(
      formatKeyValues([
        ['name', s.name],
        ['forward', describeSsm(s)],
        ['status', paintStatus(s.status, ctx.colour)],
        ['profile', s.profile ?? '(default)'],
        ['region', s.region ?? '(from profile)'],
        ['ssm session', s.session_id ? `${s.session_id}${s.mode ? ` (${s.mode})` : ''}` : '-'],
        ['sent', formatBytes(s.bytes_sent)],
        ['received', formatBytes(s.bytes_received)],
        ['connections', String(s.active_connections)],
        ['reconnects', String(s.reconnect_count)],
        ...(s.connect_ms !== undefined ? ([['connect time', `${s.connect_ms} ms`]] as Array<[string, string]>) : []),
        ...(s.rtt_ms !== undefined ? ([['latency', `${s.rtt_ms} ms`]] as Array<[string, string]>) : []),
        ...(s.inactive !== undefined ? ([['activity', s.inactive ? `inactive since ${s.last_activity_at ?? '?'}` : 'active']] as Array<[string, string]>) : []),
        ...(s.renew_at ? ([['replaced at', `${s.renew_at} (before the session's deadline)`]] as Array<[string, string]>) : []),
        ...(s.last_error ? ([['last error', s.last_error]] as Array<[string, string]>) : []),
      ]),
    );
  });

  withJson(ec2.command('terminate <name>').description('end an SSM forward (the rule stays saved)')).action(async (name: string, f: JsonFlag) => {
    ctx.subject = { name };
    const r = await ctx.withClient((c) => c.call('ec2.terminate', { name }));
    if (f.json) return ctx.json(r);
    ctx.out(`${r.name}: ${paintStatus(r.status, ctx.colour)}`);
  });

  withJson(awsOptions(ec2.command('instances').description('instances of a profile/region with their SSM agent status'))).action(async (f: AwsFlags & JsonFlag) => {
    const r = await callAnsweringPrompts(ctx, 'ec2.instances', awsParams(f));
    if (f.json) return ctx.json(r);
    // The instances came back but their agent status did not: say so rather than "not managed".
    if (r.agent_status_error) ctx.err(`warning: ${r.agent_status_error}`);
    if (r.instances.length === 0) return ctx.out('no instances');
    ctx.out(
      formatTable(
        ['INSTANCE', 'NAME', 'STATE', 'SSM', 'AGENT', 'PRIVATE IP'],
        r.instances.map((i) => [i.instance_id, i.name ?? '', i.state, i.ssm_ping ?? (r.agent_status_error ? 'unknown' : 'not managed'), i.agent_version ?? '', i.private_ip ?? '']),
      ),
    );
  });

  registerEc2History(ec2, ctx);
}
