// The `ssm` transport through an installed session-manager-plugin, for users whose environment
// needs AWS's own client: StartSession through the SDK exactly as the native transport does, but
// with the local port chosen here and carried in the document's localPortNumber (the plugin takes
// its port from the agent's handshake, not from argv), then the plugin spawned the way the AWS CLI
// spawns it (see plugin-contract.ts for the sources checked), and a link over its local port.
import { StartSessionCommand, TerminateSessionCommand } from '@aws-sdk/client-ssm';
import { ErrorCode, WarrenError } from '../../../../src-shared/api/index.js';
import type { Transport } from '../../../core/link.js';
import type { AwsClientCache } from '../../../aws/aws-clients.js';
import { awsError } from '../aws-errors.js';
import type { SsmTarget } from '../ssm-transport.js';
import { freeLoopbackPort } from './loopback.js';
import { buildPluginInvocation, type StartSessionRequest } from './plugin-contract.js';
import { assertSafeExecutable } from './executable-check.js';
import { PluginSsmLink } from './plugin-link.js';
import { NOT_READY, PluginProcess } from './plugin-process.js';
import { versionCache } from './plugin-version.js';

export const DEFAULT_READY_TIMEOUT_MS = 30_000;
/**
 * A plugin that is alive but never says it listens, this many connects in a row for one target,
 * is not a network blip: its output is not what this transport understands (a plugin build or
 * mode it does not know). Retrying would stall for the full ready timeout each time, forever, so
 * the last one is a permanent error (the reconnector stops and the session shows it).
 */
export const MAX_NOT_READY_IN_A_ROW = 3;

export interface PluginSsmTransportOptions {
  clients: AwsClientCache;
  /** Read at every connect, so a settings change applies to the next session. */
  pluginPath: () => string;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
  /** From spawn to "Waiting for connections..." plus a working TCP connect; default 30 s. */
  readyTimeoutMs?: number;
}

export function createPluginSsmTransport(opts: PluginSsmTransportOptions): Transport<SsmTarget> {
  const pluginVersion = versionCache();
  const readyTimeoutMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const notReady = new Map<string, number>();
  return {
    async connect(target, signal) {
      const path = opts.pluginPath();
      // Before StartSession: a missing plugin fails fast and leaves no session behind.
      await assertSafeExecutable(path); // before anything runs it, `--version` included
      const version = await pluginVersion(path);
      const aws = opts.clients.get({ profile: target.profile, region: target.region });
      const localPort = await freeLoopbackPort();
      const documentName = target.remoteHost ? 'AWS-StartPortForwardingSessionToRemoteHost' : 'AWS-StartPortForwardingSession';
      const parameters: Record<string, string[]> = { portNumber: [String(target.remotePort)], localPortNumber: [String(localPort)] };
      if (target.remoteHost) parameters['host'] = [target.remoteHost];
      const request: StartSessionRequest = { Target: target.instanceId, DocumentName: documentName, Parameters: parameters, Reason: 'Warren port forward' };

      const command = new StartSessionCommand(request);
      // The plugin makes its own ResumeSession/TerminateSession calls, so it must get the endpoint
      // this client really used (the CLI passes client.meta.endpoint_url); the SDK resolves it
      // from rules and settings, so read it off the signed request.
      let endpoint = '';
      command.middlewareStack.add(
        (next) => async (args) => {
          const req = args.request as { protocol?: string; hostname?: string; port?: number; path?: string };
          if (req.hostname) endpoint = `${req.protocol ?? 'https:'}//${req.hostname}${req.port ? `:${req.port}` : ''}${req.path && req.path !== '/' ? req.path : ''}`;
          return next(args);
        },
        { step: 'finalizeRequest', name: 'warrenPluginEndpointCapture' },
      );
      let started;
      try {
        started = await aws.ssm.send(command, { abortSignal: signal });
      } catch (e) {
        throw awsError(e, `starting an SSM session to ${target.instanceId}`, { instance_id: target.instanceId });
      }
      const { SessionId: sessionId, TokenValue: token, StreamUrl: streamUrl } = started;
      if (!sessionId || !token || !streamUrl) throw new WarrenError(ErrorCode.AwsRequestFailed, `StartSession for ${target.instanceId} returned no session`);
      const terminate = async (): Promise<void> => {
        await aws.ssm.send(new TerminateSessionCommand({ SessionId: sessionId }));
      };

      let proc: PluginProcess | undefined;
      try {
        if (signal.aborted) throw new WarrenError(ErrorCode.ConnectionFailed, 'connecting was cancelled');
        const region = await aws.ssm.config.region();
        const call = buildPluginInvocation({
          response: { SessionId: sessionId, TokenValue: token, StreamUrl: streamUrl },
          region,
          profile: target.profile,
          request,
          endpoint,
          responseInEnv: version.responseInEnv,
        });
        await assertSafeExecutable(path); // again: StartSession took a while
        proc = new PluginProcess(path, call.args, { ...process.env, ...call.env });
        opts.log?.info({ session: sessionId, pid: proc.pid, plugin: path, version: version.version, port: localPort }, 'session-manager-plugin started');
        const key = `${path}\0${target.instanceId}`;
        let port: number;
        try {
          port = await proc.waitReady(localPort, readyTimeoutMs, signal);
          notReady.delete(key);
        } catch (e) {
          throw boundNotReady(e, key, notReady, path);
        }
        return new PluginSsmLink({ proc, port, sessionId, terminate, log: opts.log });
      } catch (e) {
        // Neither the process nor the session may outlive a failed connect.
        await proc?.kill(1_000);
        await terminate().catch(() => undefined);
        throw e;
      }
    },
  };
}

/** Counts not-ready timeouts per plugin and target; the MAX_NOT_READY_IN_A_ROW-th becomes permanent. */
function boundNotReady(e: unknown, key: string, counts: Map<string, number>, path: string): unknown {
  const data = e instanceof WarrenError && typeof e.data === 'object' && e.data !== null ? (e.data as Record<string, unknown>) : undefined;
  if (!(e instanceof WarrenError) || data?.['reason'] !== NOT_READY) return e;
  const n = (counts.get(key) ?? 0) + 1;
  if (n < MAX_NOT_READY_IN_A_ROW) {
    counts.set(key, n);
    return e;
  }
  counts.delete(key);
  return new WarrenError(
    ErrorCode.ProtocolMismatch,
    `${e.message}. It started ${n} times in a row and never said it was listening, so Warren stopped retrying: ` +
      `check that ${path} is AWS's session-manager-plugin (\`${path} --version\`), or set ssm.use_session_manager_plugin to false to use Warren's own data channel`,
    { ...data, attempts: n },
  );
}
