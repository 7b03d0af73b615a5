// The engine's `ssm` transport: StartSession (AWS-StartPortForwardingSession, or …ToRemoteHost
// when a remote host is given) through the real SDK, then the native data channel and its link.
// When the WebSocket drops, ResumeSession gets a new token and the channel continues with the same
// sequence state (no byte lost or repeated); an empty token means the session timed out.
import { ResumeSessionCommand, StartSessionCommand, TerminateSessionCommand } from '@aws-sdk/client-ssm';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import type { Transport } from '../../core/link.js';
import type { AwsClientCache } from '../../aws/aws-clients.js';
import { SsmDataChannel } from './data-channel/data-channel.js';
import { SsmLink } from './data-channel/ssm-link.js';
import { awsError } from './aws-errors.js';

export interface SsmTarget {
  instanceId: string;
  remotePort: number;
  remoteHost?: string | undefined;
  profile?: string | undefined;
  region?: string | undefined;
}

/** The plugin's resume policy: exponential from 150 ms, ratio 2, at most 5 s, 5 attempts. */
export const RESUME_POLICY = { firstMs: 150, ratio: 2, maxMs: 5000, attempts: 5 } as const;

export interface SsmTransportOptions {
  clients: AwsClientCache;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
  handshakeTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export function createSsmTransport(opts: SsmTransportOptions): Transport<SsmTarget> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return {
    async connect(target, signal) {
      const aws = opts.clients.get({ profile: target.profile, region: target.region });
      const documentName = target.remoteHost ? 'AWS-StartPortForwardingSessionToRemoteHost' : 'AWS-StartPortForwardingSession';
      const parameters: Record<string, string[]> = { portNumber: [String(target.remotePort)], localPortNumber: ['0'] };
      if (target.remoteHost) parameters['host'] = [target.remoteHost];
      let started;
      try {
        started = await aws.ssm.send(new StartSessionCommand({ Target: target.instanceId, DocumentName: documentName, Parameters: parameters, Reason: 'Warren port forward' }), {
          abortSignal: signal,
        });
      } catch (e) {
        throw awsError(e, `starting an SSM session to ${target.instanceId}`, { instance_id: target.instanceId });
      }
      const { SessionId: sessionId, TokenValue: token, StreamUrl: streamUrl } = started;
      if (!sessionId || !token || !streamUrl) throw new WarrenError(ErrorCode.AwsRequestFailed, `StartSession for ${target.instanceId} returned no session`);
      if (signal.aborted) throw new WarrenError(ErrorCode.ConnectionFailed, 'connecting was cancelled');
      let channel: SsmDataChannel;
      try {
        channel = await SsmDataChannel.open({ streamUrl, tokenValue: token, sessionId, ...(opts.handshakeTimeoutMs ? { handshakeTimeoutMs: opts.handshakeTimeoutMs } : {}) });
      } catch (e) {
        // Do not leave a session counting against the instance's limit.
        await aws.ssm.send(new TerminateSessionCommand({ SessionId: sessionId })).catch(() => undefined);
        throw e;
      }
      channel.onDisconnect((info) => {
        opts.log?.warn({ session: sessionId, code: info.code, reason: info.reason }, 'SSM data channel dropped; resuming');
        void resume(channel, sessionId).catch((e: unknown) => channel.close(e instanceof Error ? e : new Error(String(e))));
      });
      return new SsmLink(channel, sessionId);

      async function resume(ch: SsmDataChannel, id: string): Promise<void> {
        let delay: number = RESUME_POLICY.firstMs;
        let last: unknown;
        for (let attempt = 1; attempt <= RESUME_POLICY.attempts && !ch.closed; attempt++) {
          try {
            const r = await aws.ssm.send(new ResumeSessionCommand({ SessionId: id }));
            if (!r.TokenValue) throw new WarrenError(ErrorCode.NotConnected, `SSM session ${id} timed out and cannot be resumed`);
            await ch.resume(r.TokenValue, r.StreamUrl ?? undefined);
            opts.log?.info({ session: id, attempt }, 'SSM data channel resumed');
            return;
          } catch (e) {
            if (e instanceof WarrenError && e.code === ErrorCode.NotConnected) throw e;
            last = e;
            await sleep(delay);
            delay = Math.min(delay * RESUME_POLICY.ratio, RESUME_POLICY.maxMs);
          }
        }
        throw awsError(last ?? new Error('resume gave up'), `resuming SSM session ${id}`);
      }
    },
  };
}
