// Browser mode: JSON-RPC 2.0 over one WebSocket to the browser door. The daemon may restart under
// us, so the carrier reopens the socket with backoff, re-subscribes to events on the new
// connection (subscription ids are per connection) and only then reports 'open' again.
import { ErrorCode, WarrenError, errorFromRpc, responseSchema } from '../../src-shared/api/index.js';
import { DEFAULT_JITTER, backoffDelay } from '../../src-shared/logic/backoff.js';
import type { ConnectionStatus, LiveCarrier } from './carrier.js';
import { decodeNotification, decodeResult } from './decode.js';

/** A call failed because the connection to the daemon is gone (JSON-RPC's implementation range). */
export const DISCONNECTED_CODE = -32000;

export interface SocketHandlers {
  onOpen(): void;
  onMessage(text: string): void;
  onClose(): void;
}
export interface OpenSocket {
  send(text: string): void;
  close(): void;
}
/** Opens a WebSocket; abstracted so the same carrier runs on the DOM WebSocket and on `ws` in tests. */
export type SocketOpener = (url: string, handlers: SocketHandlers) => OpenSocket;

export function browserSocketOpener(): SocketOpener {
  return (url, handlers) => {
    const ws = new WebSocket(url);
    ws.onopen = () => handlers.onOpen();
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data === 'string') handlers.onMessage(ev.data);
    };
    // An error is always followed by close, which is where reconnecting starts.
    ws.onerror = () => undefined;
    ws.onclose = () => handlers.onClose();
    return { send: (text) => ws.send(text), close: () => ws.close() };
  };
}

export interface WsCarrierOptions {
  url: string;
  open: SocketOpener;
  backoff?: { initialMs: number; maxMs: number };
  /** How long a call may wait for the connection plus its answer. */
  callTimeoutMs?: number;
}

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Subscription {
  params: unknown;
  /** The id the daemon gave on the current connection. */
  serverId: string;
}

export function createWsCarrier(options: WsCarrierOptions): LiveCarrier {
  const backoff = options.backoff ?? { initialMs: 250, maxMs: 5000 };
  const callTimeoutMs = options.callTimeoutMs ?? 60_000;
  const listeners = new Set<(method: string, params: unknown) => void>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  const pending = new Map<number, Pending>();
  const openWaiters = new Set<() => void>();
  const subscriptions = new Map<string, Subscription>();
  let status: ConnectionStatus = 'connecting';
  let socket: OpenSocket | null = null;
  let socketOpen = false;
  let attempt = 0;
  let nextId = 1;
  let closed = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  const disconnected = (why: string): WarrenError => new WarrenError(DISCONNECTED_CODE, why);

  function setStatus(next: ConnectionStatus): void {
    if (status === next) return;
    status = next;
    if (next === 'open') for (const w of [...openWaiters]) w();
    for (const l of statusListeners) l(next);
  }

  function connect(): void {
    socketOpen = false;
    const sock = options.open(options.url, {
      onOpen: () => {
        if (socket !== sock) return;
        socketOpen = true;
        attempt = 0;
        void resubscribe().then(() => {
          if (socket === sock && socketOpen) setStatus('open');
        });
      },
      onMessage: (text) => {
        if (socket === sock) receive(text);
      },
      onClose: () => {
        if (socket !== sock) return;
        socket = null;
        socketOpen = false;
        for (const [id, p] of pending) {
          clearTimeout(p.timer);
          pending.delete(id);
          p.reject(disconnected(`connection to Warren lost during ${p.method}`));
        }
        if (closed) return;
        setStatus('down');
        reconnectTimer = setTimeout(connect, backoffDelay(attempt++, { ...backoff, jitter: DEFAULT_JITTER }));
      },
    });
    socket = sock;
  }

  async function resubscribe(): Promise<void> {
    for (const sub of subscriptions.values()) {
      try {
        const r = (await send('events.subscribe', sub.params)) as { subscription_id: string };
        sub.serverId = r.subscription_id;
      } catch {
        // The socket dropped mid-way; the next open tries again.
        return;
      }
    }
  }

  function receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    for (const m of Array.isArray(message) ? message : [message]) {
      if (m && typeof m === 'object' && 'method' in m && !('id' in m)) {
        const n = decodeNotification(String((m as { method: unknown }).method), (m as { params?: unknown }).params);
        if (n) for (const l of listeners) l(n.method, n.params);
        continue;
      }
      const res = responseSchema.safeParse(m);
      if (!res.success || typeof res.data.id !== 'number') continue;
      const p = pending.get(res.data.id);
      if (!p) continue;
      pending.delete(res.data.id);
      clearTimeout(p.timer);
      if ('error' in res.data) p.reject(errorFromRpc(res.data.error));
      else {
        try {
          p.resolve(decodeResult(p.method, res.data.result));
        } catch (e) {
          p.reject(e as Error);
        }
      }
    }
  }

  /** Send on the current socket, which must be open (resubscribe uses this before status is 'open'). */
  function send(method: string, params: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (!socket || !socketOpen) return reject(disconnected('not connected to Warren'));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new WarrenError(ErrorCode.InternalError, `${method} timed out after ${callTimeoutMs} ms`));
      }, callTimeoutMs);
      pending.set(id, { method, resolve, reject, timer });
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  function whenOpen(): Promise<void> {
    if (status === 'open') return Promise.resolve();
    if (closed) return Promise.reject(disconnected('carrier closed'));
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        openWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        openWaiters.delete(done);
        reject(disconnected('Warren is not reachable'));
      }, callTimeoutMs);
      openWaiters.add(done);
    });
  }

  connect();

  return {
    get status() {
      return status;
    },
    async call(method, params) {
      await whenOpen();
      if (method === 'events.subscribe') {
        const r = (await send(method, params)) as { subscription_id: string };
        subscriptions.set(r.subscription_id, { params, serverId: r.subscription_id });
        return r;
      }
      if (method === 'events.unsubscribe' && params && typeof params === 'object') {
        const appId = String((params as { subscription_id?: unknown }).subscription_id);
        const sub = subscriptions.get(appId);
        subscriptions.delete(appId);
        if (sub) return send(method, { subscription_id: sub.serverId });
      }
      return send(method, params);
    },
    onNotification(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    close() {
      closed = true;
      clearTimeout(reconnectTimer);
      socket?.close();
      listeners.clear();
      statusListeners.clear();
    },
  };
}
