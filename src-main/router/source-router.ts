// Decides where a client's OPEN goes: is the client allowed to reach it, which endpoint serves it
// (a named source group is load balanced with failover; a literal host:port is its own group of
// one), and is that endpoint's circuit closed. Then dials it. Every endpoint has a balancer entry
// so health checks, circuit breakers and alerts treat named and literal sources alike.
import net from 'node:net';
import type { SourceHealth } from '../../src-shared/api/conduit-router.js';
import { isAllowed, isSourceName, parseHostPort } from '../../src-shared/logic/source-pattern.js';
import type { ConduitErrorCode } from '../transports/conduit/protocol/messages.js';
import { SourceBalancer } from './ops/balancer.js';
import type { AuthorizedClient } from './client-keys.js';

export interface SourceGroupSpec {
  name: string;
  endpoints: string[];
  strategy: 'round_robin' | 'least_connections';
}

export interface SourceRouterOptions {
  groups: readonly SourceGroupSpec[];
  /** Literal host:port entries of allow lists: checked from the start, before anyone asks. */
  literalSources: readonly string[];
  failureThreshold: number;
  openMs: number;
  connectTimeoutMs: number;
  onCircuit?: (source: string, endpoint: string, from: string, to: string) => void;
  onSourceStatus?: (source: string, from: string, to: string) => void;
}

export class OpenRefused extends Error {
  constructor(
    readonly code: ConduitErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Literal host:port sources asked for at run time (beyond the configured ones) kept at most. */
export const MAX_DYNAMIC_SOURCES = 4096;

export class SourceRouter {
  private readonly groups = new Map<string, SourceBalancer>();
  /** Names of groups made on demand for literal requests, oldest first (bounded, see literal()). */
  private readonly dynamic = new Set<string>();

  constructor(private readonly opts: SourceRouterOptions) {
    for (const g of opts.groups) this.groups.set(g.name, this.balancer(g.name, g.endpoints, g.strategy));
    for (const s of opts.literalSources) this.groups.set(s, this.balancer(s, [s], 'round_robin'));
  }

  /** Every endpoint to health-check. */
  endpoints(): string[] {
    const out = new Set<string>();
    for (const b of this.groups.values()) for (const e of b.endpoints()) out.add(e);
    return [...out];
  }

  healthResult(endpoint: string, ok: boolean, latencyMs: number | null): void {
    const now = Date.now();
    for (const b of this.groups.values()) if (b.endpoints().includes(endpoint)) b.healthResult(endpoint, ok, latencyMs, now);
  }

  health(): SourceHealth[] {
    const now = Date.now();
    return [...this.groups.values()].map((b) => b.health(now));
  }

  /** Throws OpenRefused (not_allowed / unknown_source / bad_request) before anything is dialed. */
  authorize(client: AuthorizedClient, source: string): SourceBalancer {
    if (isSourceName(source)) {
      const group = this.groups.get(source);
      // Same answer for "not allowed" and "does not exist" would hide typos; the name is not secret
      // to someone who may reach it, so check the allow list first and only then existence.
      if (!isAllowed(client.patterns, { name: source, host: source, port: 0 }))
        throw new OpenRefused('not_allowed', `source "${source}" is not in the allow list of client "${client.name}"`);
      if (!group) throw new OpenRefused('unknown_source', `this router has no source named "${source}"`);
      return group;
    }
    let hp: { host: string; port: number };
    try {
      hp = parseHostPort(source);
    } catch (e) {
      throw new OpenRefused('bad_request', (e as Error).message);
    }
    if (!isAllowed(client.patterns, hp)) throw new OpenRefused('not_allowed', `${source} is not in the allow list of client "${client.name}"`);
    return this.literal(source);
  }

  /** Dials the source: balancer choice, failover to the next endpoint on a failed connect. */
  async connectTcp(group: SourceBalancer): Promise<{ socket: net.Socket; endpoint: string }> {
    const tried = new Set<string>();
    let lastError: Error | undefined;
    for (;;) {
      const endpoint = group.pick(Date.now(), tried);
      if (!endpoint) {
        if (lastError) throw new OpenRefused('source_unreachable', `${group.name}: ${lastError.message}`);
        throw new OpenRefused('source_unavailable', `${group.name} is unavailable (endpoints down or circuit open); retry later`);
      }
      tried.add(endpoint);
      try {
        const socket = await this.dial(endpoint);
        group.reportSuccess(endpoint, Date.now());
        group.connectionOpened(endpoint);
        socket.once('close', () => group.connectionClosed(endpoint));
        return { socket, endpoint };
      } catch (e) {
        lastError = e as Error;
        group.reportFailure(endpoint, Date.now());
      }
    }
  }

  /** For UDP there is no connect to fail: take the balancer's choice. */
  pickUdp(group: SourceBalancer): string {
    const endpoint = group.pick(Date.now());
    if (!endpoint) throw new OpenRefused('source_unavailable', `${group.name} is unavailable (endpoints down or circuit open); retry later`);
    return endpoint;
  }

  private dial(endpoint: string): Promise<net.Socket> {
    const { host, port } = parseHostPort(endpoint);
    return new Promise((resolve, reject) => {
      // Half-open: a client's FIN reaches the source while the source's reply still flows back.
      const socket = net.connect({ host, port, noDelay: true, allowHalfOpen: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer from ${endpoint} within ${this.opts.connectTimeoutMs} ms`));
      }, this.opts.connectTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new Error(`cannot connect to ${endpoint}: ${e.message}`));
      });
    });
  }

  /**
   * A literal host:port gets a group of one, so its breaker and health work like a named source's.
   * Clients granted a CIDR or a port range could ask for endless distinct addresses: groups made on
   * demand are capped, the least recently used idle one making room (it is health-checked no more).
   */
  private literal(source: string): SourceBalancer {
    let b = this.groups.get(source);
    if (b) {
      if (this.dynamic.delete(source)) this.dynamic.add(source); // most recently used last
      return b;
    }
    b = this.balancer(source, [source], 'round_robin');
    this.groups.set(source, b);
    this.dynamic.add(source);
    if (this.dynamic.size > MAX_DYNAMIC_SOURCES) {
      const now = Date.now();
      for (const name of this.dynamic) {
        const g = this.groups.get(name);
        if (g && g.health(now).endpoints.every((e) => e.active_connections === 0)) {
          this.dynamic.delete(name);
          this.groups.delete(name);
          break;
        }
      }
    }
    return b;
  }

  private balancer(name: string, endpoints: string[], strategy: SourceGroupSpec['strategy']): SourceBalancer {
    return new SourceBalancer({
      name,
      endpoints,
      strategy,
      failureThreshold: this.opts.failureThreshold,
      openMs: this.opts.openMs,
      onCircuitTransition: (ep, from, to) => this.opts.onCircuit?.(name, ep, from, to),
      onStatusChange: (from, to) => this.opts.onSourceStatus?.(name, from, to),
    });
  }
}
