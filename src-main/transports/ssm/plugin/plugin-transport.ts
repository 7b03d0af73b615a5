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
import { PluginProcess } from './plugin-process.js';
import { versionCache } from './plugin-version.js';

export const DEFAULT_READY_TIMEOUT_MS = 30_000;

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
        const port = await proc.waitReady(localPort, readyTimeoutMs, signal);
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
