// The router's small state file: client key rotations it accepted, so a restart keeps honouring
// the new keys (and the old ones until their grace ends). Written whole, atomically, 0600.
import { z } from 'zod';
import { conduitConfigError } from '../../transports/conduit/config/config-error.js';
import { readIfExists, writePrivateFile } from '../../fs/private-file.js';

const isoTime = z.iso.datetime({ offset: true });

// Not strict: a newer Warren may add fields, and an older one should still read its rotations.
export const rotatedKeySchema = z.object({
  client: z.string().min(1),
  public_key: z.string().min(1),
  previous_public_key: z.string().min(1),
  accepted_at: isoTime,
  grace_until: isoTime,
});
export type RotatedKey = z.infer<typeof rotatedKeySchema>;

export const routerStateSchema = z.object({ rotated_keys: z.array(rotatedKeySchema).default([]) });
export type RouterState = z.infer<typeof routerStateSchema>;

export const emptyRouterState = (): RouterState => ({ rotated_keys: [] });

/** A missing file is an empty state (a router that never saw a rotation). */
export function readRouterState(statePath: string): RouterState {
  const text = readIfExists(statePath);
  if (text === undefined) return emptyRouterState();
  const damaged = (why: string) =>
    conduitConfigError([`router state ${statePath} is damaged (${why}); move it aside to start afresh (rotations recorded in it are then forgotten and those clients must present their keys again)`]);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw damaged((e as Error).message);
  }
  const parsed = routerStateSchema.safeParse(json);
  if (!parsed.success) throw damaged(parsed.error.issues.map((i) => `${i.path.join('.') || 'state'}: ${i.message}`).join('; '));
  return parsed.data;
}

export function writeRouterState(statePath: string, state: RouterState): void {
  const valid = routerStateSchema.parse(state);
  writePrivateFile(statePath, `${JSON.stringify(valid, null, 2)}\n`);
}
