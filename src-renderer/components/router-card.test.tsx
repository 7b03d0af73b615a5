import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RouterCard } from './router-card.js';
import { client, router } from './test-data.js';

describe('RouterCard', () => {
  it('shows the link, the router health, each source endpoint and this client', () => {
    const html = renderToStaticMarkup(<RouterCard info={router} />);
    expect(html).toContain('data-testid="router-10.0.0.1:9999"');
    expect(html).toContain('data-state="connected"');
    expect(html).toMatch(/data-testid="router-fingerprint"[^>]*>SHA256:routerfp</);
    expect(html).toMatch(/data-testid="router-rtt"[^>]*>12 ms</);
    expect(html).toMatch(/data-testid="router-tunnels"[^>]*>db, cache</);
    expect(html).toContain('data-testid="router-health" data-status="degraded"');
    expect(html).toContain('edge-1 · v0.1.0 · up 1h 02m');
    // Sources and endpoints: health check, circuit, latency, connections.
    expect(html).toContain('data-testid="source-postgres" data-status="degraded"');
    expect(html).toContain('least connections');
    const db2 = html.slice(html.indexOf('endpoint-db2:5432'));
    expect(db2).toContain('data-value="down"');
    expect(db2).toContain('data-value="open"');
    expect(html.slice(html.indexOf('endpoint-db1:5432'))).toMatch(/data-testid="endpoint-latency"[^>]*>2 ms</);
    // This client's traffic as the router counts it.
    expect(html).toContain('data-bytes-in="3072" data-bytes-out="5242880" data-streams="2"');
    expect(html).toContain('↑ 3 KiB in');
    expect(html).toContain('↓ 5 MiB out');
    expect(html).toContain('data-key-status="current"');
    expect(html).not.toContain('router-client-warning');
  });

  it('warns when the router accepts this client only on a rotated-out key (grace)', () => {
    const grace = { ...client, key_status: 'grace' as const, grace_until: '2026-02-01T00:00:00.000Z' };
    const html = renderToStaticMarkup(<RouterCard info={{ ...router, stats: { ...router.stats!, client: grace } }} />);
    expect(html).toContain('data-testid="router-client-warning" data-tone="warn"');
    expect(html).toContain('accepted only until 2026-02-01T00:00:00.000Z');
  });

  it('without a report, shows the link and why there is no report', () => {
    const { stats: _none, ...bare } = router;
    const html = renderToStaticMarkup(<RouterCard info={{ ...bare, state: 'reconnecting', last_error: 'connect ECONNREFUSED', stats_error: 'did not answer' }} />);
    expect(html).toContain('data-state="reconnecting"');
    expect(html).toMatch(/data-testid="router-last-error"[^>]*>connect ECONNREFUSED</);
    expect(html).toContain('No report from the router: did not answer');
    expect(html).not.toContain('router-health');
    expect(html).not.toContain('router-client');
  });
});
