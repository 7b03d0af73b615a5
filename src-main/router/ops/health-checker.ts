// Periodic reachability checks of the sources a router serves (conduit-spec "ヘルスチェック・監視":
// the router dials each `--source` endpoint inside its own network). A check is a plain TCP connect,
// closed as soon as it succeeds: it proves the port answers without speaking the service's protocol.
// Results go to one callback; the balancer turns them into endpoint status and circuit input.
import net from 'node:net';
import { splitEndpointAddress } from '../../../src-shared/api/conduit-router.js';

/** Resolves with the connect time in ms; rejects when the endpoint does not answer in time. */
export type ProbeFn = (host: string, port: number, timeoutMs: number, signal: AbortSignal) => Promise<number>;

export interface HealthCheckerOptions {
  /** The endpoints ("host:port") to check, read again on every round so config changes apply. */
  endpoints: () => string[];
  intervalMs: number;
  timeoutMs: number;
  /** Default: a real TCP connect, then destroy. */
  probe?: ProbeFn;
  onResult: (address: string, ok: boolean, latencyMs: number | null, error?: Error) => void;
}

/** Connect, measure, hang up. Resolves with milliseconds. */
export function tcpProbe(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect({ host, port });
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(performance.now() - started);
    };
    const onAbort = (): void => finish(new Error('health check cancelled'));
    const timer = setTimeout(() => finish(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish());
    socket.once('error', (err) => finish(err));
    if (signal.aborted) onAbort();
  });
}

export class HealthChecker {
  private readonly probe: ProbeFn;
  private timer: NodeJS.Timeout | undefined;
  /** One check per endpoint at a time: a slow endpoint is skipped by later rounds, not piled on. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private stopping = new AbortController();

  constructor(private readonly options: HealthCheckerOptions) {
    this.probe = options.probe ?? tcpProbe;
  }

  /** Check at once, then every intervalMs. The timer does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    this.timer = setInterval(() => void this.checkNow(), Math.max(1, this.options.intervalMs));
    this.timer.unref();
    void this.checkNow();
  }

  /** Stop the timer and cancel checks under way (their results are dropped). Resolves when they have ended. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await Promise.all([...this.inFlight.values()]);
  }

  /** Check every endpoint not already being checked; resolves when this round's checks (and any joined) end. */
  checkNow(): Promise<void> {
    let addresses: string[];
    try {
      addresses = [...new Set(this.options.endpoints())];
    } catch {
      addresses = [];
    }
    return Promise.all(addresses.map((a) => this.inFlight.get(a) ?? this.checkOne(a))).then(() => undefined);
  }

  private checkOne(address: string): Promise<void> {
    const run = this.runProbe(address).finally(() => this.inFlight.delete(address));
    this.inFlight.set(address, run);
    return run;
  }

  private async runProbe(address: string): Promise<void> {
    const signal = this.stopping.signal;
    if (signal.aborted) return;
    const target = splitEndpointAddress(address);
    if (!target) {
      this.report(address, false, null, new Error(`not a host:port endpoint: ${address}`));
      return;
    }
    const { timeoutMs } = this.options;
    // The probe is asked to honour the timeout and the signal, and is held to both here too, so a
    // custom probe that hangs can neither leave an endpoint "being checked" forever nor delay stop().
    const check = new AbortController();
    const cancel = (): void => check.abort(new Error('health check cancelled'));
    signal.addEventListener('abort', cancel, { once: true });
    const deadline = setTimeout(() => check.abort(new Error(`no answer from ${address} within ${timeoutMs} ms`)), timeoutMs);
    deadline.unref();
    const cut = new Promise<never>((_, reject) => {
      check.signal.addEventListener('abort', () => reject(check.signal.reason as Error), { once: true });
    });
    cut.catch(() => undefined); // it only ever loses the race or is cut after it
    try {
      const latency = await Promise.race([this.probe(target.host, target.port, timeoutMs, check.signal), cut]);
      if (!signal.aborted) this.report(address, true, Math.max(0, latency));
    } catch (err) {
      if (!signal.aborted) this.report(address, false, null, err instanceof Error ? err : new Error(String(err)));
    } finally {
      clearTimeout(deadline);
      signal.removeEventListener('abort', cancel);
      // Ends the `cut` promise's listener; a probe that already settled ignores it.
      if (!check.signal.aborted) check.abort(new Error('health check done'));
    }
  }

  private report(address: string, ok: boolean, latencyMs: number | null, error?: Error): void {
    try {
      this.options.onResult(address, ok, latencyMs, error);
    } catch {
      // A throwing listener must not stop the other endpoints' checks or the timer.
    }
  }
}
