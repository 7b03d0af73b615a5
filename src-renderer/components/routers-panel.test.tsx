import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { RoutersSnapshot } from '../state/routers-model.js';
import { RoutersView } from './routers-panel.js';
import { keyStatus, router } from './test-data.js';

const status: RoutersSnapshot['status'] = { key: keyStatus, tunnels: { total: 1, active: 1, reconnecting: 0, error: 0, stopped: 0 }, routers: [] };

describe('RoutersView', () => {
  it('shows a spinner with words until the first answer', () => {
    const html = renderToStaticMarkup(<RoutersView polled={{ loading: true }} />);
    expect(html).toContain('data-testid="routers-loading"');
    expect(html).toContain('class="spinner"');
    expect(html).toContain('Asking the routers…');
  });

  it("shows this machine's key with its rotation warning, then each router in address order", () => {
    const b = { ...router, router: '10.0.0.2:9999' };
    const html = renderToStaticMarkup(<RoutersView polled={{ loading: false, data: { routers: [b, router], status } }} />);
    expect(html).toMatch(/data-testid="conduit-key-fingerprint"[^>]*>SHA256:me</);
    expect(html).toContain('61 days');
    expect(html).toContain('data-testid="conduit-key-warning" data-tone="warn"');
    expect(html).toContain('warren conduit keys rotate');
    expect(html.indexOf('router-10.0.0.1:9999')).toBeLessThan(html.indexOf('router-10.0.0.2:9999'));
    expect(html).not.toContain('routers-loading');
  });

  it('keeps the last answer on screen when a later poll fails, and says there are no links', () => {
    const html = renderToStaticMarkup(<RoutersView polled={{ loading: false, error: 'connection to Warren lost', data: { routers: [], status } }} />);
    expect(html).toMatch(/data-testid="routers-error"[^>]*>connection to Warren lost</);
    expect(html).toContain('data-testid="routers-empty"');
    expect(html).toContain('data-testid="conduit-key"');
  });
});
