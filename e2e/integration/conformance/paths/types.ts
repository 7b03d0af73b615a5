// What a path is to the cases: a way from a client to a target server. Each path module starts its
// forwards for every target server and hands back where a client connects; the cases never know
// which tunnel they run through, only its semantics.
import type { Endpoint } from '../client.js';
import type { ServerKind } from '../servers.js';
import type { World } from '../world.js';

/**
 * 'tcp': half-close travels and the other direction keeps flowing (ssh, Conduit).
 * 'fin-ends-both': smux/basic mode (SSM) has no half-close; a FIN either way ends both directions.
 */
export type Semantics = 'tcp' | 'fin-ends-both';

export interface PathInfo {
  readonly name: string;
  readonly semantics: Semantics;
  /** False where the path carries one connection at a time (SSM basic mode). */
  readonly parallel: boolean;
}

/** Ways to break the link under a running path (the fault cases use them). */
export interface PathFaults {
  /** The link under every connection of this path dies abruptly. */
  killLink(): Promise<void>;
  /** The user stops the forward(s) of this path while connections are open. */
  stopForward?(): Promise<void>;
}

export interface OpenPath extends PathInfo {
  endpoint(kind: ServerKind): Endpoint;
  readonly faults: PathFaults | undefined;
  stop(): Promise<void>;
}

export interface PathDef extends PathInfo {
  open(world: World): Promise<OpenPath>;
}

export const SERVER_KINDS: readonly ServerKind[] = ['echo', 'speakFirst', 'sink', 'resetAfter', 'firehose'];
