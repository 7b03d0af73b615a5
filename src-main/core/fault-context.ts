// Who owns the code that is running, so an error nobody caught can be traced to a session or link.
// Node keeps an AsyncLocalStorage context across every callback of what was created inside it
// (sockets, ssh2 clients, timers, promises), and the process-wide 'uncaughtException' and
// 'unhandledRejection' handlers still see it. The crash guard (src-main/crash-guard.ts) asks
// faultOwner() and fails just that owner instead of the whole process.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface FaultOwner {
  /** For the log: "session db", "link ssh:web". */
  readonly label: string;
  /** An uncaught error was traced here: fail with it (the owner decides what that means). */
  fail(err: Error): void;
}

const owners = new AsyncLocalStorage<FaultOwner>();

/** Run `fn` (and everything it starts) as `owner`'s work. */
export function runOwnedBy<T>(owner: FaultOwner, fn: () => T): T {
  return owners.run(owner, fn);
}

/** The owner of the running code, if any. */
export function faultOwner(): FaultOwner | undefined {
  return owners.getStore();
}
