// Conduit's remote error codes → the API's WarrenErrors, with the cause and the fix in the text.
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { ConduitRemoteError } from './protocol/mux.js';

export function toWarrenError(e: unknown, where: string, source?: string): WarrenError {
  if (e instanceof WarrenError) return e;
  if (e instanceof ConduitRemoteError) {
    switch (e.code) {
      case 'unauthorized':
      case 'key_expired':
        return new WarrenError(ErrorCode.ClientNotAuthorized, `${where} refused this client's key: ${e.message}`);
      case 'not_allowed':
        return new WarrenError(
          ErrorCode.SourceNotAllowed,
          `${where} does not allow this client to reach ${source ?? 'that source'}: ${e.message}. Ask the router's operator to add it to the client's allow list in authorized_clients.`,
          { source },
        );
      case 'unknown_source':
      case 'source_unavailable':
      case 'source_unreachable':
        return new WarrenError(ErrorCode.SourceUnavailable, `${where}: ${e.message}`, { source });
      case 'unsupported_version':
      case 'protocol_error':
        return new WarrenError(ErrorCode.ProtocolMismatch, `${where}: ${e.message}`);
      default:
        return new WarrenError(ErrorCode.ConnectionFailed, `${where}: ${e.message}`);
    }
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new WarrenError(ErrorCode.ConnectionFailed, `${where}: ${msg}`);
}

/** Codes where asking again may succeed (the source may come back, the breaker may half-open). */
export function isRetryableOpenError(e: unknown): boolean {
  return e instanceof ConduitRemoteError && (e.code === 'source_unreachable' || e.code === 'source_unavailable' || e.code === 'stream_limit');
}
