// The engine's `conduit` transport: one TLS link per router (shared by the tunnels to it), dialed
// with the client key and pin the rule names.
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { parseHostPort } from '../../../src-shared/logic/source-pattern.js';
import type { Transport } from '../../core/link.js';
import { defaultClientKeyPath, knownRoutersPath, loadClientKeys } from './client-key-store.js';
import type { ConduitLink } from './conduit-link.js';
import { connectRouter } from './connect-router.js';
import { parsePin } from './identity/index.js';

/** What a conduit link is made from (the link key combines all three). */
export interface ConduitTarget {
  router: string;
  routerKey?: string | undefined;
  privateKeyPath?: string | undefined;
}

export function conduitLinkKey(t: ConduitTarget): string {
  return `conduit:${t.router}|${t.routerKey ?? ''}|${t.privateKeyPath ?? ''}`;
}

export interface ConduitTransport extends Transport<ConduitTarget> {
  connect(target: ConduitTarget, signal: AbortSignal): Promise<ConduitLink>;
}

export function createConduitTransport(opts: { home: string; handshakeTimeoutMs?: number }): ConduitTransport {
  return {
    async connect(target, signal) {
      let pin: string | undefined;
      if (target.routerKey) {
        try {
          pin = parsePin(target.routerKey);
        } catch (e) {
          throw new WarrenError(ErrorCode.InvalidParams, `router_key: ${(e as Error).message}`);
        }
      }
      const keys = loadClientKeys(target.privateKeyPath ?? defaultClientKeyPath(opts.home));
      return connectRouter({
        router: parseHostPort(target.router),
        keys,
        ...(pin ? { pin } : {}),
        knownRoutersFile: knownRoutersPath(opts.home),
        signal,
        ...(opts.handshakeTimeoutMs ? { handshakeTimeoutMs: opts.handshakeTimeoutMs } : {}),
      });
    },
  };
}
