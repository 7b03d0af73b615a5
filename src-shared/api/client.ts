// A typed client generated from the contract. Every face (renderer, tray, CLI, tests) uses it over
// its own carrier: Electron IPC, the Unix socket or the WebSocket.
import type { RpcError } from './errors.js';
import { WarrenError } from './errors.js';
import type { MethodName, NotificationName, NotificationPayload, ParamsOf, ResultOf } from './contract.js';

/** What a carrier must do: send one call and resolve with its result or reject with its error. */
export interface RpcCarrier {
  call(method: string, params: unknown): Promise<unknown>;
  /** Register for notifications; returns an unregister function. */
  onNotification(listener: (method: string, params: unknown) => void): () => void;
}

export type WarrenClient = {
  call<M extends MethodName>(method: M, ...params: {} extends ParamsOf<M> ? [params?: ParamsOf<M>] : [params: ParamsOf<M>]): Promise<ResultOf<M>>;
  on<N extends NotificationName>(name: N, listener: (payload: NotificationPayload<N>) => void): () => void;
};

export function createClient(carrier: RpcCarrier): WarrenClient {
  return {
    async call(method, ...rest) {
      const params = rest[0] ?? {};
      return (await carrier.call(method, params)) as never;
    },
    on(name, listener) {
      return carrier.onNotification((method, params) => {
        if (method === name) listener(params as never);
      });
    },
  };
}

/** Turn an error that crossed the wire as data back into a WarrenError. */
export function errorFromRpc(e: RpcError): WarrenError {
  return new WarrenError(e.code, e.message, e.data);
}
