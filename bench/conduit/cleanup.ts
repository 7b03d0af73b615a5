// Everything the conduit benchmark starts is registered here, so that it is all gone when the run
// ends: normally (stopAll in a finally), by an exception, by Ctrl-C, or by process.exit anywhere.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
const exitHooks = new Set<() => void>();

/** Send `signal` to the child's whole process group (socat forks one process per connection). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * spawn(), in its own process group (so its forks can be ended with it), registered for cleanup.
 * Output the caller does not pipe is discarded.
 */
export function spawnTracked(command: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: 'ignore', ...opts, detached: true });
  children.add(child);
  child.once('exit', () => children.delete(child));
  // A failed exec (ENOENT) arrives as 'error'; callers learn of it from their own waits.
  child.on('error', () => undefined);
  return child;
}

/** Stop one child: SIGTERM to its group, SIGKILL after graceMs; resolves once it has exited. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
  // What the leader forked may outlive it (socat's per-connection children): end the group too.
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // nothing left
  }
}

/** A temp dir to remove at the end, also when the run is interrupted. */
export function trackDir(dir: string): void {
  dirs.add(dir);
}

/**
 * For what a fixture started, which this file cannot stop by itself: run `hook` (synchronously)
 * if the process exits before the returned function is called.
 */
export function onAbnormalExit(hook: () => void): () => void {
  exitHooks.add(hook);
  return () => exitHooks.delete(hook);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

let installed = false;

/** Last-resort cleanup: synchronous, because 'exit' handlers cannot wait. */
export function installExitCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const c of children) signalGroup(c, 'SIGKILL');
    for (const hook of exitHooks) {
      try {
        hook();
      } catch {
        // best effort: the others must still run
      }
    }
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      console.error(`\n${sig}: stopping every process the benchmark started`);
      process.exit(130);
    });
  }
}
