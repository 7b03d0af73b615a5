// What the Routers view says about a router link, this client's standing there, and this machine's
// key, as plain data: the components only lay it out, and these rules are unit-tested.
import type { ClientInfo, ConduitKeyStatus, ResultOf, RouterLinkInfo } from '../../src-shared/api/index.js';

export type Tone = 'ok' | 'warn' | 'bad' | 'muted';

export interface Note {
  tone: Tone;
  text: string;
}

/** Everything one poll of the Routers view brings back. */
export interface RoutersSnapshot {
  routers: RouterLinkInfo[];
  status: ResultOf<'conduit.status'>;
}

export function linkTone(state: RouterLinkInfo['state']): Tone {
  if (state === 'connected') return 'ok';
  if (state === 'error') return 'bad';
  return state === 'disconnected' ? 'muted' : 'warn';
}

/** Health words shared by the router, its sources and their endpoints. */
export function healthTone(status: string): Tone {
  if (status === 'ok' || status === 'up' || status === 'closed') return 'ok';
  if (status === 'degraded' || status === 'half_open' || status === 'unknown') return 'warn';
  return 'bad';
}

/** The router's view of this client's key, when it is worth a word. */
export function clientKeyNote(client: ClientInfo): Note | undefined {
  if (client.key_status === 'grace') {
    const until = client.grace_until ? ` until ${client.grace_until}` : '';
    return {
      tone: 'warn',
      text: `This router still knows this client by its previous key, accepted only${until} (rotation grace). Reconnect so it learns the new key before then.`,
    };
  }
  if (client.key_status === 'expired') return { tone: 'bad', text: "This router considers this client's key expired: ask its operator to renew the entry in authorized_clients." };
  return undefined;
}

/** This machine's conduit key: the warnings to show (missing key, rotation due, …). */
export function keyNotes(key: ConduitKeyStatus): Note[] {
  const notes: Note[] = [];
  if (!key.exists) notes.push({ tone: 'bad', text: `No conduit key at ${key.path}: run \`warren conduit init\` to make one.` });
  const rotation = key.warnings.some((w) => /rotat/i.test(w));
  if (key.rotation_due && !rotation) notes.push({ tone: 'warn', text: 'The key is due for rotation: run `warren conduit keys rotate`.' });
  // The daemon's warnings already name the fix; a missing key says it once above.
  for (const w of key.warnings) if (key.exists) notes.push({ tone: /rotat/i.test(w) ? 'warn' : 'muted', text: w });
  if (key.rotation_pending) {
    const by = key.acknowledged_by.length ? ` (so far: ${key.acknowledged_by.join(', ')})` : '';
    notes.push({ tone: 'muted', text: `A rotation is in progress: routers learn the new key as tunnels reconnect${by}.` });
  }
  return notes;
}

/** Routers in a stable order (by address), so cards do not jump between polls. */
export function sortedRouters(routers: RouterLinkInfo[]): RouterLinkInfo[] {
  return [...routers].sort((a, b) => a.router.localeCompare(b.router));
}
