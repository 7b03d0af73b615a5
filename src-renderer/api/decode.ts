// Everything that arrives from the daemon is checked against the contract before the UI sees it.
import { isMethodName, methods, notifications, WarrenError, ErrorCode, type NotificationName } from '../../src-shared/api/index.js';

/** Validate a method's result; throws a WarrenError when the daemon sent something off-contract. */
export function decodeResult(method: string, result: unknown): unknown {
  if (!isMethodName(method)) return result;
  const parsed = methods[method].result.safeParse(result);
  if (!parsed.success) throw new WarrenError(ErrorCode.InternalError, `daemon sent an invalid result for ${method}: ${parsed.error.message}`);
  return parsed.data;
}

function isNotificationName(name: string): name is NotificationName {
  return Object.prototype.hasOwnProperty.call(notifications, name);
}

/** Validate a notification's payload; returns undefined for unknown or malformed ones (they are dropped). */
export function decodeNotification(method: string, params: unknown): { method: NotificationName; params: unknown } | undefined {
  if (!isNotificationName(method)) return undefined;
  const parsed = notifications[method].safeParse(params);
  return parsed.success ? { method, params: parsed.data } : undefined;
}
