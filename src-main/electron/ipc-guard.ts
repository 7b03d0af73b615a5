// The Electron-free half of the IPC door: which sender URLs are ours, what a call payload must look
// like, and the envelopes that carry results back. Kept apart so it is unit-tested without Electron.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ErrorCode, describeIssues, type BridgeEnvelope, type RpcError } from '../../src-shared/api/index.js';

/** What the preload sends on IPC_CALL_CHANNEL. Anything else is refused before dispatch. */
export const ipcCallPayloadSchema = z
  .object({
    method: z.string().min(1).max(256),
    params: z.unknown().optional(),
  })
  .strict();
export type IpcCallPayload = z.infer<typeof ipcCallPayloadSchema>;

export type PayloadCheck = { ok: true; payload: IpcCallPayload } | { ok: false; envelope: BridgeEnvelope };

export function parseIpcPayload(raw: unknown): PayloadCheck {
  const parsed = ipcCallPayloadSchema.safeParse(raw);
  if (parsed.success) return { ok: true, payload: parsed.data };
  const detail = describeIssues(parsed.error.issues, 'payload');
  return { ok: false, envelope: errorEnvelope({ code: ErrorCode.InvalidRequest, message: `invalid IPC call: ${detail}` }) };
}

export function resultEnvelope(result: unknown): BridgeEnvelope {
  return { result };
}

export function errorEnvelope(error: RpcError): BridgeEnvelope {
  return error.data === undefined ? { error: { code: error.code, message: error.message } } : { error };
}

export interface TrustedOrigins {
  /** Absolute directory holding the built renderer (dist/renderer); any file inside it is ours. */
  rendererDir: string;
  /** WARREN_DEV_SERVER_URL when the renderer is served by Vite in development. */
  devServerUrl?: string | undefined;
}

/**
 * Is `url` a page of our own renderer? file: URLs must resolve inside the renderer directory (no
 * `..` escapes, no other host); http(s) URLs must have exactly the dev server's origin. Everything
 * else — about:blank, data:, a remote site a link navigated to — is refused.
 */
export function isTrustedRendererUrl(url: string, trusted: TrustedOrigins): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') {
    if (parsed.host !== '' && parsed.host !== 'localhost') return false;
    let file: string;
    try {
      file = fileURLToPath(parsed);
    } catch {
      return false;
    }
    const root = path.resolve(trusted.rendererDir);
    const rel = path.relative(root, path.resolve(file));
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  }
  if (trusted.devServerUrl && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) {
    let dev: URL;
    try {
      dev = new URL(trusted.devServerUrl);
    } catch {
      return false;
    }
    return parsed.origin === dev.origin;
  }
  return false;
}
