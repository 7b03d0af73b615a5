// One way from the benchmark to the echo target: a port to connect to, the processes that carry
// the traffic (for RSS), and how to take it down.
import fs from 'node:fs';
import path from 'node:path';

export interface TunnelPath {
  /** Where the benchmark connects (127.0.0.1). */
  readonly port: number;
  /** The processes on either side of the tunnel, when there are any; their RSS is this path's. */
  readonly pids: { readonly server?: number; readonly client?: number };
  /** The tunnel processes' last output line, to explain a failure. */
  lastLog?(): string;
  stop(): Promise<void>;
}

export type PathKey = 'direct' | 'socat' | 'stunnel' | 'ssh' | 'warren';

/** A path in the run: started, or skipped with the reason (shown in the table instead of figures). */
export type PathSlot = { key: PathKey; label: string } & ({ path: TunnelPath; skipped?: undefined } | { path?: undefined; skipped: string });

/** First of `names` found as an absolute path or on $PATH; undefined if none is installed. */
export function findBinary(...names: string[]): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(path.delimiter).filter(Boolean);
  for (const name of names) {
    const candidates = path.isAbsolute(name) ? [name] : dirs.map((d) => path.join(d, name));
    for (const c of candidates) {
      try {
        fs.accessSync(c, fs.constants.X_OK);
        return c;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The last non-empty line of some output, prefixed with who said it; '' if there is none. */
export function lastLine(who: string, output: string): string {
  const line = output.trim().split('\n').pop()?.trim();
  return line ? `${who}: ${line}` : '';
}

export function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\s+/g, ' ').trim().slice(0, 300);
}
