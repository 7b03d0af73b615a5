// What the store needs from a carrier beyond RpcCarrier: whether the daemon is reachable right now.
import type { RpcCarrier } from '../../src-shared/api/index.js';

export type ConnectionStatus = 'connecting' | 'open' | 'down';

export interface LiveCarrier extends RpcCarrier {
  readonly status: ConnectionStatus;
  /** Called on every status change; after a reconnect ('open' again) the store reloads its data. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  close(): void;
}
