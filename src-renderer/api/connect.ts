// Pick the carrier at start: Electron's preload bridge when window.warren exists, else the browser
// door's WebSocket (same origin as the page, token from the URL hash). One bundle serves both.
import { createClient, type WarrenBridge, type WarrenClient } from '../../src-shared/api/index.js';
import { createBridgeCarrier } from './bridge-carrier.js';
import type { LiveCarrier } from './carrier.js';
import { takeBrowserToken } from './token.js';
import { browserSocketOpener, createWsCarrier } from './ws-carrier.js';

export type Connection = { ok: true; carrier: LiveCarrier; client: WarrenClient; mode: 'electron' | 'browser' } | { ok: false; error: string };

export function connectWarren(win: Window & { warren?: WarrenBridge }): Connection {
  if (win.warren) {
    const carrier = createBridgeCarrier(win.warren);
    return { ok: true, carrier, client: createClient(carrier), mode: 'electron' };
  }
  const token = takeBrowserToken({
    location: win.location,
    replaceUrl: (url) => win.history.replaceState(null, '', url),
    storage: win.sessionStorage,
  });
  if (!token) return { ok: false, error: 'No access token. Open the URL that `warren daemon run --browser-port` printed (it ends in #token=…).' };
  const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${win.location.host}/rpc?token=${encodeURIComponent(token)}`;
  const carrier = createWsCarrier({ url, open: browserSocketOpener() });
  return { ok: true, carrier, client: createClient(carrier), mode: 'browser' };
}
