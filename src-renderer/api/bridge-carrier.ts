// Electron: the preload exposes window.warren; results come back as { result } / { error } envelopes.
import { errorFromRpc, rpcErrorSchema, type WarrenBridge } from '../../src-shared/api/index.js';
import type { LiveCarrier } from './carrier.js';
import { decodeNotification, decodeResult } from './decode.js';

export function createBridgeCarrier(bridge: WarrenBridge): LiveCarrier {
  return {
    // IPC to our own main process cannot drop the way a socket does.
    status: 'open',
    async call(method, params) {
      const envelope = await bridge.call(method, params);
      if ('error' in envelope) {
        const parsed = rpcErrorSchema.safeParse(envelope.error);
        throw errorFromRpc(parsed.success ? parsed.data : { code: -32603, message: 'malformed error from Warren' });
      }
      return decodeResult(method, envelope.result);
    },
    onNotification(listener) {
      return bridge.onNotification((method, params) => {
        const n = decodeNotification(method, params);
        if (n) listener(n.method, n.params);
      });
    },
    onStatus() {
      return () => undefined;
    },
    close() {},
  };
}
