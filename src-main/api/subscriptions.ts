// events.subscribe / events.unsubscribe: each subscription belongs to one client and ends when the
// client goes away (socket closed, WebSocket closed, window destroyed).
import { randomUUID } from 'node:crypto';
import { ErrorCode, WarrenError, notificationForType, type EventType, type NotificationName } from '../../src-shared/api/index.js';
import type { EventBus } from '../core/event-bus.js';
import type { ClientContext, Dispatcher } from './dispatcher.js';

interface Subscription {
  clientId: string;
  names: Set<NotificationName>;
  off: () => void;
}

export class Subscriptions {
  private readonly subs = new Map<string, Subscription>();

  constructor(private readonly bus: EventBus) {}

  /** End the subscriptions of clients the dispatcher's doors report gone. */
  follow(dispatcher: Dispatcher): () => void {
    return dispatcher.onClientReleased((clientId) => this.releaseClient(clientId));
  }

  releaseClient(clientId: string): void {
    for (const [id, s] of this.subs) if (s.clientId === clientId) this.remove(id);
  }

  subscribe(types: EventType[], ctx: ClientContext): string {
    const id = randomUUID();
    const names = new Set(types.map((t) => notificationForType[t]));
    const off = this.bus.on((name, payload) => {
      if (names.has(name)) ctx.notify(name, payload);
    });
    this.subs.set(id, { clientId: ctx.clientId, names, off });
    return id;
  }

  unsubscribe(id: string, ctx: ClientContext): void {
    const s = this.subs.get(id);
    if (!s || s.clientId !== ctx.clientId) throw new WarrenError(ErrorCode.InvalidParams, `no subscription ${id} on this connection`);
    this.remove(id);
  }

  get count(): number {
    return this.subs.size;
  }

  dispose(): void {
    for (const id of [...this.subs.keys()]) this.remove(id);
  }

  private remove(id: string): void {
    this.subs.get(id)?.off();
    this.subs.delete(id);
  }
}
