// Turns what sockets and ssh2 throw into the API's error codes, with messages that say what failed
// and what to try.
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';

const NET_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is sshd running and listening on that port?)',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'host name lookup failed temporarily (DNS)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'connection closed by peer',
};

/** "user@host:port" / "host:port" for messages. */
export function where(host: string, port: number, user?: string): string {
  const hp = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return user ? `${user}@${hp}` : hp;
}

export function connectionFailed(alias: string, hostPort: string, err: unknown): WarrenError {
  if (err instanceof WarrenError) return err;
  const e = err as NodeJS.ErrnoException & { level?: string };
  const reason = (e.code && NET_REASONS[e.code]) ?? e.message ?? String(err);
  return new WarrenError(ErrorCode.ConnectionFailed, `cannot connect to ${alias} (${hostPort}): ${reason}`, {
    host: alias,
    address: hostPort,
    ...(e.code ? { cause: e.code } : {}),
  });
}

/** The error an AbortSignal carries, as an Error. */
export function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error(typeof r === 'string' ? r : 'connect aborted');
  e.name = 'AbortError';
  return e;
}
