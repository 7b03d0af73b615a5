// JSON-RPC 2.0 envelopes. Pure: used by every door and every client.
import { z } from 'zod';
import { rpcErrorSchema, type RpcError } from './errors.js';

export const requestIdSchema = z.union([z.string().max(256), z.number().int(), z.null()]);
export type RequestId = z.infer<typeof requestIdSchema>;

export const requestSchema = z.object({
  jsonrpc: z.literal('2.0'),
  id: requestIdSchema.optional(),
  method: z.string().min(1).max(256),
  params: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
});
export type RpcRequest = z.infer<typeof requestSchema>;

export const responseSchema = z.union([
  z.object({ jsonrpc: z.literal('2.0'), id: requestIdSchema, result: z.unknown() }),
  z.object({ jsonrpc: z.literal('2.0'), id: requestIdSchema, error: rpcErrorSchema }),
]);

export const notificationSchema = z.object({
  jsonrpc: z.literal('2.0'),
  method: z.string(),
  params: z.unknown().optional(),
});

export type RpcResponse =
  | { jsonrpc: '2.0'; id: RequestId; result: unknown }
  | { jsonrpc: '2.0'; id: RequestId; error: RpcError };

export function okResponse(id: RequestId, result: unknown): RpcResponse {
  return { jsonrpc: '2.0', id, result };
}
export function errorResponse(id: RequestId, error: RpcError): RpcResponse {
  return { jsonrpc: '2.0', id, error };
}
