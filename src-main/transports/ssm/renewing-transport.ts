// Wraps an SSM transport (the native data channel or the installed plugin) so that each link it
// returns replaces its own session before the session's deadline (see renewing-link.ts).
import type { Link, Transport } from '../../core/link.js';
import { RenewingLink, type SessionLink } from './renewing-link.js';
import type { SsmTarget } from './ssm-transport.js';

export interface RenewalOptions {
  deadline: (target: SsmTarget, openedAt: number) => Promise<number | undefined>;
  renewBeforeMs: () => number;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

function isSessionLink(link: Link): link is SessionLink {
  return typeof (link as Partial<SessionLink>).sessionId === 'string';
}

export function withRenewal(inner: Transport<SsmTarget>, opts: RenewalOptions): Transport<SsmTarget> {
  return {
    async connect(target, signal) {
      const first = await inner.connect(target, signal);
      if (!isSessionLink(first)) return first;
      return new RenewingLink<SessionLink>({
        first,
        deadline: (openedAt) => opts.deadline(target, openedAt),
        renewBeforeMs: opts.renewBeforeMs,
        open: async (sig) => {
          const next = await inner.connect(target, sig);
          if (!isSessionLink(next)) {
            await next.close();
            throw new Error('the SSM transport returned a link without a session id');
          }
          return next;
        },
        ...(opts.log ? { log: opts.log } : {}),
      });
    },
  };
}
