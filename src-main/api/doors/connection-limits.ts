// How many clients each network door serves at once. A client past the cap gets one JSON-RPC error
// saying so (LimitExceeded) and is disconnected, rather than costing us memory and descriptors.
import { ErrorCode, errorResponse, type RpcResponse } from '../../../src-shared/api/index.js';

/** CLI commands, editor integrations and scripts on the Unix socket. */
export const MAX_SOCKET_CLIENTS = 64;
/** Browser tabs (one WebSocket each). */
export const MAX_WEBSOCKET_CLIENTS = 32;

export function tooManyConnections(door: 'socket' | 'websocket', limit: number): RpcResponse {
  const where = door === 'socket' ? 'the socket' : 'browser mode';
  const fix = door === 'socket' ? 'close idle `warren` clients and try again' : 'close other Warren tabs and reload';
  return errorResponse(null, {
    code: ErrorCode.LimitExceeded,
    message: `too many connections to ${where} (at most ${limit} at once); this one is closed: ${fix}`,
    data: { what: 'connections', limit, door },
  });
}
