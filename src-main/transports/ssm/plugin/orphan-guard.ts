// Plugin processes must not outlive Warren. close() ends them in order; this is the last resort
// for an exit that skips it (an uncaught error, process.exit). 'exit' handlers cannot wait, so
// it is SIGKILL: a SIGTERM to a hung plugin would leave it running with no one to follow up.
// A SIGKILL of Warren itself runs no handler at all; nothing in-process can cover that.
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone: nothing to do at exit.
    }
  }
  live.clear();
}

export function guardChild(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!hooked) {
    hooked = true;
    process.on('exit', killAll);
  }
}

/** Plugin processes still running (for tests and diagnostics). */
export function liveChildCount(): number {
  return live.size;
}
