// Where a Conduit client's key lives and how the transport reads it: the default path under
// $WARREN_HOME/keys, read fresh on every connect (so `warren conduit keys rotate` takes effect at
// the next reconnect without restarting Warren), with the rotation bookkeeping the connector needs.
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import type { ClientKeys } from './connect-router.js';
import { loadKeyFile, loadPreviousKey, markAcknowledged, normalizeRouterAddress, readKeyMeta } from './identity/index.js';

export const CLIENT_KEY_FILE = 'conduit.key';
export const ROUTER_KEY_FILE = 'router.key';
export const KNOWN_ROUTERS_FILE = 'known_routers';

export function defaultClientKeyPath(home: string): string {
  return path.join(home, 'keys', CLIENT_KEY_FILE);
}
export function defaultRouterKeyPath(home: string): string {
  return path.join(home, 'keys', ROUTER_KEY_FILE);
}
export function knownRoutersPath(home: string): string {
  return path.join(home, KNOWN_ROUTERS_FILE);
}

/** Reads the key at keyPath (and its predecessor while a rotation is being handed out). */
export function loadClientKeys(keyPath: string): ClientKeys {
  if (!fs.existsSync(keyPath))
    throw new WarrenError(ErrorCode.KeyMissing, `no conduit key at ${keyPath}: run \`warren conduit init\` and send the printed public key to the router's operator`, {
      path: keyPath,
    });
  let current;
  try {
    current = loadKeyFile(keyPath);
  } catch (e) {
    throw new WarrenError(ErrorCode.KeyMissing, (e as Error).message, { path: keyPath });
  }
  const previous = loadPreviousKey(keyPath);
  return {
    current,
    ...(previous ? { previous } : {}),
    needsRotation: (router) => {
      if (!previous) return false;
      const acked = readKeyMeta(keyPath)?.acknowledged_by ?? [];
      return !acked.map(normalizeRouterAddress).includes(normalizeRouterAddress(router));
    },
    acknowledged: (router) => {
      markAcknowledged(keyPath, normalizeRouterAddress(router));
    },
  };
}
