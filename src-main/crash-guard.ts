// The last line of defence: an exception or rejection nobody caught is logged with its stack and,
// when it can be traced to a session or link (core/fault-context.ts), fails just that one. Warren
// holds every tunnel of the user in one process; a misbehaving peer or a bug in one path must not
// take the others down. Errors from peers are meant to be handled where they arise (every emitter
// has an 'error' listener); reaching this guard is a bug worth a log line at level error.
import { faultOwner } from './core/fault-context.js';

export interface CrashGuardLog {
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface CrashGuard {
  dispose(): void;
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(`non-Error thrown: ${String(reason)}`);
}

export function installCrashGuard(log: CrashGuardLog, proc: NodeJS.Process = process): CrashGuard {
  const handle = (kind: 'uncaught exception' | 'unhandled rejection', reason: unknown): void => {
    const err = asError(reason);
    const owner = faultOwner();
    log.error({ err: err.message, stack: err.stack, owner: owner?.label }, `${kind} (Warren keeps running)`);
    if (!owner) return;
    try {
      owner.fail(err);
    } catch (e) {
      const inner = asError(e);
      log.error({ err: inner.message, stack: inner.stack, owner: owner.label }, 'failing the owner of an uncaught error failed too');
    }
  };
  const onException = (err: unknown): void => handle('uncaught exception', err);
  const onRejection = (reason: unknown): void => handle('unhandled rejection', reason);
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return {
    dispose() {
      proc.off('uncaughtException', onException);
      proc.off('unhandledRejection', onRejection);
    },
  };
}
