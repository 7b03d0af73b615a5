import { describe, expect, it } from 'vitest';
import { RouterMetrics } from './metrics.js';

describe('RouterMetrics', () => {
  it('renders every metric with its labels in Prometheus text format', async () => {
    const m = new RouterMetrics();
    m.connectionOpened('alice');
    m.connectionOpened('alice');
    m.connectionClosed('alice');
    m.connectionOpened('bob');
    m.bytes('alice', 'in', 100);
    m.bytes('alice', 'in', 23);
    m.bytes('alice', 'out', 7);
    m.handshakeFailure('bad_certificate');
    m.sourceHealth('db', '10.0.0.1:5432', true);
    m.sourceHealth('db', '10.0.0.2:5432', false);
    m.circuitState('db', '10.0.0.2:5432', 'open');
    m.circuitState('db', '10.0.0.1:5432', 'half_open');
    m.clientsConnected(2);
    const text = await m.render();
    for (const line of [
      'conduit_connections_total{client="alice"} 2',
      'conduit_connections_total{client="bob"} 1',
      'conduit_active_connections{client="alice"} 1',
      'conduit_bytes_transferred_total{direction="in",client="alice"} 123',
      'conduit_bytes_transferred_total{direction="out",client="alice"} 7',
      'conduit_handshake_failures_total{reason="bad_certificate"} 1',
      'conduit_source_up{source="db",endpoint="10.0.0.1:5432"} 1',
      'conduit_source_up{source="db",endpoint="10.0.0.2:5432"} 0',
      'conduit_circuit_state{source="db",endpoint="10.0.0.2:5432"} 2',
      'conduit_circuit_state{source="db",endpoint="10.0.0.1:5432"} 1',
      'conduit_clients_connected 2',
      '# TYPE conduit_bytes_transferred_total counter',
    ])
      expect(text.split('\n')).toContain(line);
    expect(m.contentType).toMatch(/^text\/plain/);
  });

  it('bytes accumulate between scrapes and are never counted twice', async () => {
    const m = new RouterMetrics();
    m.bytes('c', 'out', 10);
    expect(await m.render()).toContain('conduit_bytes_transferred_total{direction="out",client="c"} 10');
    expect(await m.render()).toContain('conduit_bytes_transferred_total{direction="out",client="c"} 10');
    m.bytes('c', 'out', 5);
    m.bytes('c', 'out', 0);
    m.bytes('c', 'out', Number.NaN);
    expect(await m.render()).toContain('conduit_bytes_transferred_total{direction="out",client="c"} 15');
  });

  it('two routers in one process keep separate numbers; forgotten series disappear', async () => {
    const a = new RouterMetrics();
    const b = new RouterMetrics();
    a.connectionOpened('x');
    expect(await b.render()).not.toContain('client="x"');
    a.bytes('x', 'in', 1);
    a.sourceHealth('s', 'h:1', true);
    a.forgetClient('x');
    a.forgetEndpoint('s', 'h:1');
    const text = await a.render();
    expect(text).not.toContain('client="x"');
    expect(text).not.toContain('endpoint="h:1"');
  });
});
