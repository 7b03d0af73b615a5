// What the Electron preload exposes as `window.warren`. Results cross contextBridge as envelopes,
// because thrown errors lose their code and data on the way through.
import type { RpcError } from './errors.js';

export type BridgeEnvelope = { result: unknown } | { error: RpcError };

export interface WarrenBridge {
  call(method: string, params: unknown): Promise<BridgeEnvelope>;
  /** Notifications (event.ssh, event.forward, event.metrics) for subscriptions made via events.subscribe. */
  onNotification(listener: (method: string, params: unknown) => void): () => void;
}

/** IPC channel names shared by preload and main. */
export const IPC_CALL_CHANNEL = 'warren:call';
export const IPC_NOTIFICATION_CHANNEL = 'warren:notification';
