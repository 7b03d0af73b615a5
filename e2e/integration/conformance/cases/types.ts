// What a case is, and the small helpers every case uses: the deadline for a size, the server-side
// record of the case's connection, and failures that say what was expected and what happened.
import type { Endpoint } from '../client.js';
import type { PathInfo } from '../paths/index.js';
import type { ServerConn, ServerKind, TargetServer, TargetServers } from '../servers.js';
import { waitFor } from '../../../fixtures/ports.js';

export const KiB = 1024;
export const MiB = 1024 * 1024;

export interface CaseContext {
  path: PathInfo;
  servers: TargetServers;
  endpoint(kind: ServerKind): Endpoint;
}

export type CaseId = 'half-close-client' | 'half-close-server' | 'write-then-close' | 'server-first-close' | 'reset-by-server' | 'reset-by-client' | 'backpressure' | 'many-short';

export interface ConformanceCase {
  readonly id: CaseId;
  readonly name: string;
  /** Payload sizes (or, for the reset cases, bytes before the reset). */
  readonly sizes: readonly number[];
  /** Runs per size: enough to catch races, few enough to stay fast. */
  repeat(size: number): number;
  /** Resolves when the case held; throws a CaseFailure saying expected vs got. */
  run(ctx: CaseContext, size: number): Promise<void>;
}

export class CaseFailure extends Error {}

/** Fail unless `ok`: "expected <expected>, got <got>". */
export function expectThat(ok: boolean, expected: string, got: string): void {
  if (!ok) throw new CaseFailure(`expected ${expected}; got ${got}`);
}

/** How long a transfer of `bytes` may take on a loaded 2-core machine before it counts as a hang. */
export const deadlineFor = (bytes: number): number => 3000 + Math.ceil(bytes / MiB) * 1000;

/** Default repeats: small sizes race more often, big ones cost more. */
export const repeatBySize = (size: number): number => (size <= 64 * KiB ? 5 : 2);

/** The server-side record of the first connection the case made (seq >= from). */
export async function serverConn(server: TargetServer, from: number, timeoutMs: number): Promise<ServerConn> {
  try {
    await waitFor(() => server.conns.some((c) => c.seq >= from), `a connection at the ${server.kind} server`, timeoutMs, 10);
  } catch {
    throw new CaseFailure(`expected the connection to reach the ${server.kind} server within ${timeoutMs} ms; it never arrived`);
  }
  return server.conns.find((c) => c.seq >= from) as ServerConn;
}

/** Resolves true if the promise settles within ms. */
export async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const describeServer = (c: ServerConn): string =>
  `server received ${c.received} bytes${c.sawEnd ? ' then a clean end' : ''}${c.error ? `, error ${c.error}` : ''}`;

/**
 * Where the far end dials the target only on the client's first byte (SSM basic mode), a case whose
 * server speaks first sends one byte to get the connection made at all; elsewhere nothing.
 * Returns what was sent.
 */
export function pokeIfNeeded(ctx: CaseContext, s: { write(b: Buffer): boolean }): Buffer {
  if (!ctx.path.dialsOnFirstByte) return Buffer.alloc(0);
  const poke = Buffer.from('P');
  s.write(poke);
  return poke;
}

/** Whether a connection that sends `size` bytes reaches the server at all on this path. */
export const reachesServer = (ctx: CaseContext, size: number): boolean => size > 0 || !ctx.path.dialsOnFirstByte;
