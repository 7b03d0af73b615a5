// A WarrenClient for callers inside the engine's own process (the tray, the Electron IPC door):
// same contract, same validation, no serialisation.
import { randomUUID } from 'node:crypto';
import { createClient, type RpcCarrier, type WarrenClient } from '../../src-shared/api/index.js';
import type { ClientContext, Dispatcher } from './dispatcher.js';

export function createInProcessClient(dispatcher: Dispatcher, door: ClientContext['door'] = 'internal'): WarrenClient & { dispose(): void } {
  const listeners = new Set<(method: string, params: unknown) => void>();
  const ctx: ClientContext = {
    clientId: `${door}-${randomUUID()}`,
    door,
    notify(name, payload) {
      for (const l of listeners) {
        try {
          l(name, payload);
        } catch {
          // a listener's failure must not break delivery to the others
        }
      }
    },
  };
  const carrier: RpcCarrier = {
    call: (method, params) => dispatcher.call(method as never, params, ctx),
    onNotification(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const client = createClient(carrier);
  return {
    ...client,
    dispose() {
      listeners.clear();
      dispatcher.releaseClient(ctx.clientId);
    },
  };
}
