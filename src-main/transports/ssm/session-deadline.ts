// When an SSM session has to be gone: the service's maximum session duration (ssm.max_session_duration,
// or with "auto" the account's Session Manager preferences, read once per profile and region) and the
// expiry of the credentials that started it (after which it could no longer be resumed).
import { GetDocumentCommand } from '@aws-sdk/client-ssm';
import type { AwsClientCache, AwsTarget } from '../../aws/aws-clients.js';

/** The document the console's "Session Manager preferences" page writes. */
export const PREFERENCES_DOCUMENT = 'SSM-SessionManagerRunShell';
const PREFERENCES_TTL_MS = 15 * 60_000;

/** maxSessionDuration from the preferences document's content, in ms (minutes 1–1440 on AWS). */
export function maxSessionFromPreferences(content: string | undefined): number | undefined {
  if (!content) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    return undefined;
  }
  const inputs = (doc as { inputs?: Record<string, unknown> } | null)?.inputs;
  const raw = inputs?.['maxSessionDuration'];
  const minutes = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : undefined;
  return minutes !== undefined && minutes >= 1 && minutes <= 1440 ? minutes * 60_000 : undefined;
}

export interface SessionDeadlineOptions {
  clients: AwsClientCache;
  maxSessionMs: () => number | 'auto' | 'none';
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
  now?: () => number;
}

export function createSessionDeadlines(opts: SessionDeadlineOptions): (target: AwsTarget, openedAt: number) => Promise<number | undefined> {
  const now = opts.now ?? Date.now;
  const preferences = new Map<string, { at: number; ms: Promise<number | undefined> }>();

  function preferenceMs(target: AwsTarget): Promise<number | undefined> {
    const key = `${target.profile ?? ''}\u0000${target.region ?? ''}`;
    const cached = preferences.get(key);
    if (cached && now() - cached.at < PREFERENCES_TTL_MS) return cached.ms;
    const ms = opts.clients
      .get(target)
      .ssm.send(new GetDocumentCommand({ Name: PREFERENCES_DOCUMENT }))
      .then(
        (r) => maxSessionFromPreferences(r.Content),
        (e: unknown) => {
          // No preferences document (never configured) or no ssm:GetDocument: no known maximum.
          opts.log?.info({ profile: target.profile, err: e instanceof Error ? e.message : String(e) }, 'Session Manager preferences not readable; no maximum session duration known');
          return undefined;
        },
      );
    preferences.set(key, { at: now(), ms });
    return ms;
  }

  return async (target, openedAt) => {
    const setting = opts.maxSessionMs();
    const maxMs = setting === 'none' ? undefined : setting === 'auto' ? await preferenceMs(target) : setting;
    let expiry: number | undefined;
    try {
      expiry = (await opts.clients.get(target).credentials()).expiration?.getTime();
    } catch {
      expiry = undefined; // the session itself got credentials; a failure here is the next connect's business
    }
    const candidates = [maxMs === undefined ? undefined : openedAt + maxMs, expiry].filter((v): v is number => v !== undefined);
    return candidates.length ? Math.min(...candidates) : undefined;
  };
}
