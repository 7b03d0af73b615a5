// What a path is to the cases: a way from a client to a target server. Each path module starts its
// forwards for every target server and hands back where a client connects; the cases never know
// which tunnel they run through, only its semantics.
import type { CaseId } from '../cases/types.js';
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
  /**
   * The far end dials the target only when the client's first byte arrives (SSM basic mode:
   * port_basic.go dials on first data), so a server that speaks first needs a byte from the client
   * to be reached at all, and a client that sends nothing never reaches the server.
   */
  readonly dialsOnFirstByte: boolean;
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
  /**
   * Cases the path's protocol cannot keep, with the reason (the cell is skipped and says why).
   * Only for limits of the protocol itself, never for a bug: a bug is a failing cell.
   */
  readonly limits?: Partial<Record<CaseId, string>>;
  open(world: World): Promise<OpenPath>;
}

export const SERVER_KINDS: readonly ServerKind[] = ['echo', 'speakFirst', 'sink', 'resetAfter', 'firehose'];
