// One dispatcher for every door: method name → zod-validated params → handler → validated result.
// Errors cross as data ({ code, message, data }); nothing a client sends can throw out of here.
import {
  ErrorCode,
  MAX_EXPENSIVE_PER_CLIENT,
  describeIssues,
  doorRefusal,
  policyOf,
  WarrenError,
  errorResponse,
  isMethodName,
  methods,
  okResponse,
  requestSchema,
  type MethodName,
  type NotificationName,
  type NotificationPayload,
  type ParsedParamsOf,
  type RequestId,
  type ResultOf,
  type RpcError,
  type RpcResponse,
  type Door,
} from '../../src-shared/api/index.js';
import { parseJsonBounded } from '../../src-shared/logic/parse-limits.js';

/** A batch is one line or frame: more entries than this are refused whole, none of them run. */
export const MAX_BATCH_ENTRIES = 100;

/** Who is calling: one per connection (socket line stream, WebSocket, renderer frame). */
export interface ClientContext {
  readonly clientId: string;
  /** Which door the call came through: door-policy.ts says what each may do. */
  readonly door: Door;
  /** Deliver a notification to this client. Must never throw. */
  notify<N extends NotificationName>(name: N, payload: NotificationPayload<N>): void;
}

export type Handler<M extends MethodName> = (params: ParsedParamsOf<M>, ctx: ClientContext) => Promise<ResultOf<M>> | ResultOf<M>;
export type Handlers = { [M in MethodName]: Handler<M> };

export interface DispatcherLog {
  error(obj: Record<string, unknown>, msg: string): void;
}


export class Dispatcher {
  private readonly clients = new Set<string>();
  private readonly releaseHooks = new Set<(clientId: string) => void>();
  /** Expensive calls in flight per client (door-policy.ts marks them). */
  private readonly expensiveInFlight = new Map<string, number>();

  constructor(
    private readonly handlers: Handlers,
    private readonly log?: DispatcherLog,
  ) {}

  /** Doors call this when a client connects, so daemon.status can count them. */
  attachClient(clientId: string): void {
    this.clients.add(clientId);
  }

  /** Doors call this when a client goes away: its subscriptions and other per-client state end. */
  releaseClient(clientId: string): void {
    this.clients.delete(clientId);
    for (const hook of this.releaseHooks) hook(clientId);
  }

  onClientReleased(hook: (clientId: string) => void): () => void {
    this.releaseHooks.add(hook);
    return () => this.releaseHooks.delete(hook);
  }

  get connectedClients(): number {
    return this.clients.size;
  }

  /** Call a method with already-typed params (for in-process callers such as the tray). */
  async call<M extends MethodName>(method: M, params: unknown, ctx: ClientContext): Promise<ResultOf<M>> {
    // The door first (a refused method's params are not worth reading), then its params' paths.
    const denied = doorRefusal(method, undefined, ctx.door);
    if (denied) throw denied;
    const spec = methods[method];
    const parsed = spec.params.safeParse(params ?? {});
    if (!parsed.success)
      throw new WarrenError(ErrorCode.InvalidParams, `invalid params for ${method}: ${describeIssues(parsed.error.issues, 'params')}`);
    const deniedParam = doorRefusal(method, parsed.data, ctx.door);
    if (deniedParam) throw deniedParam;
    const handler = this.handlers[method] as Handler<M>;
    // Taken before the first await, so calls of one batch count against each other.
    const release = policyOf(method)?.expensive ? this.takeExpensiveSlot(method, ctx.clientId) : undefined;
    try {
      return await handler(parsed.data as ParsedParamsOf<M>, ctx);
    } finally {
      release?.();
    }
  }

  private takeExpensiveSlot(method: string, clientId: string): () => void {
    const running = this.expensiveInFlight.get(clientId) ?? 0;
    if (running >= MAX_EXPENSIVE_PER_CLIENT)
      throw new WarrenError(
        ErrorCode.LimitExceeded,
        `${method} refused: this client already has ${running} expensive calls running (diagnose, fix, efs.run, SSO sign-in; at most ${MAX_EXPENSIVE_PER_CLIENT} at once). Wait for one to finish and call again`,
        { what: 'expensive_calls', limit: MAX_EXPENSIVE_PER_CLIENT, method },
      );
    this.expensiveInFlight.set(clientId, running + 1);
    return () => {
      const left = (this.expensiveInFlight.get(clientId) ?? 1) - 1;
      if (left > 0) this.expensiveInFlight.set(clientId, left);
      else this.expensiveInFlight.delete(clientId);
    };
  }

  /**
   * Handle one decoded JSON value (a request, a notification or a batch). Returns what to send back,
   * or null when nothing is owed (notifications).
   */
  async handleMessage(message: unknown, ctx: ClientContext): Promise<RpcResponse | RpcResponse[] | null> {
    if (Array.isArray(message)) {
      if (message.length === 0) return errorResponse(null, { code: ErrorCode.InvalidRequest, message: 'empty batch' });
      // One answer for the whole batch and nothing run: a partial run would be worse to recover from.
      if (message.length > MAX_BATCH_ENTRIES)
        return errorResponse(null, {
          code: ErrorCode.LimitExceeded,
          message: `batch of ${message.length} requests refused: at most ${MAX_BATCH_ENTRIES} per batch; nothing was run. Split it into smaller batches`,
          data: { what: 'batch', limit: MAX_BATCH_ENTRIES, size: message.length },
        });
      const out = (await Promise.all(message.map((m) => this.handleOne(m, ctx)))).filter((r): r is RpcResponse => r !== null);
      return out.length ? out : null;
    }
    return this.handleOne(message, ctx);
  }

  /** Decode one line/frame of text and handle it. Parse errors get -32700 with id null. */
  async handleText(text: string, ctx: ClientContext): Promise<RpcResponse | RpcResponse[] | null> {
    let message: unknown;
    try {
      message = parseJsonBounded(text, 'the request'); // size and depth first: see src-shared/logic/parse-limits.ts
    } catch (e) {
      return errorResponse(null, { code: ErrorCode.ParseError, message: `parse error: ${(e as Error).message}` });
    }
    return this.handleMessage(message, ctx);
  }

  private async handleOne(message: unknown, ctx: ClientContext): Promise<RpcResponse | null> {
    const req = requestSchema.safeParse(message);
    if (!req.success) {
      const id = extractId(message);
      return errorResponse(id, {
        code: ErrorCode.InvalidRequest,
        message: `invalid request: ${describeIssues(req.error.issues, 'request')}`,
      });
    }
    const { id, method, params } = req.data;
    const isNotification = id === undefined;
    const respond = (r: RpcResponse): RpcResponse | null => (isNotification ? null : r);
    if (!isMethodName(method))
      return respond(errorResponse(id ?? null, { code: ErrorCode.MethodNotFound, message: `method not found: ${method}` }));
    if (Array.isArray(params))
      return respond(
        errorResponse(id ?? null, { code: ErrorCode.InvalidParams, message: `${method} takes named params (an object), not an array` }),
      );
    try {
      const result = await this.call(method, params ?? {}, ctx);
      return respond(okResponse(id ?? null, result));
    } catch (e) {
      return respond(errorResponse(id ?? null, this.toRpcError(e, method)));
    }
  }

  toRpcError(e: unknown, method: string): RpcError {
    if (e instanceof WarrenError) return e.toRpc();
    this.log?.error({ err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e), method }, 'handler failed');
    return { code: ErrorCode.InternalError, message: `internal error in ${method}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function extractId(message: unknown): RequestId {
  if (message && typeof message === 'object' && 'id' in message) {
    const id = (message as { id: unknown }).id;
    if (typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id))) return id;
  }
  return null;
}
