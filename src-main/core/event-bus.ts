// In-process fan-out of API notifications. Subscriptions (per client) hang off this.
import type { NotificationName, NotificationPayload } from '../../src-shared/api/index.js';

export type BusListener = <N extends NotificationName>(name: N, payload: NotificationPayload<N>) => void;

export class EventBus {
  private readonly listeners = new Set<BusListener>();

  on(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<N extends NotificationName>(name: N, payload: NotificationPayload<N>): void {
    for (const l of this.listeners) {
      try {
        l(name, payload);
      } catch {
        // one broken subscriber must not starve the others
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
