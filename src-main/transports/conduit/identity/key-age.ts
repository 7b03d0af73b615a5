// How old a key is, for `status` to suggest a rotation (Conduit's design: every 30 days).
import type { ConduitIdentity } from './conduit-identity.js';

export const DEFAULT_ROTATION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days since the key was made; 0 if the clock says it was made in the future. */
export function keyAgeDays(identity: Pick<ConduitIdentity, 'createdAt'>, now: Date = new Date()): number {
  return Math.max(0, Math.floor((now.getTime() - identity.createdAt.getTime()) / DAY_MS));
}

export function rotationDue(identity: Pick<ConduitIdentity, 'createdAt'>, now: Date = new Date(), maxAgeDays: number = DEFAULT_ROTATION_DAYS): boolean {
  return now.getTime() - identity.createdAt.getTime() >= maxAgeDays * DAY_MS;
}
