// One router Warren has a link to: the link (state, router key, RTT, tunnels on it) and, when the
// router answered over the tunnel, its health, its sources and this client's standing there.
import type { RouterLinkInfo } from '../../src-shared/api/index.js';
import { formatDuration, formatRtt } from '../format/format.js';
import { healthTone, linkTone } from '../state/routers-model.js';
import { RouterClient } from './router-client.js';
import { SourceHealth } from './source-health.js';

export function RouterCard({ info }: { info: RouterLinkInfo }) {
  const stats = info.stats;
  const fingerprint = info.fingerprint ?? stats?.info.fingerprint;
  return (
    <section className="card router" data-testid={`router-${info.router}`}>
      <div className="router-head">
        <span className={`dot dot-${info.state}`} aria-hidden="true" />
        <h3 className="mono">{info.router}</h3>
        <span className={`pill tone-${linkTone(info.state)}`} data-testid="router-state" data-state={info.state}>
          {info.state}
        </span>
        {stats && (
          <span className={`pill tone-${healthTone(stats.health.status)}`} data-testid="router-health" data-status={stats.health.status} title="router health">
            health {stats.health.status}
          </span>
        )}
      </div>
      <dl className="facts">
        <dt>Router key</dt>
        <dd className="mono fingerprint" data-testid="router-fingerprint">
          {fingerprint ?? '—'}
        </dd>
        <dt>RTT</dt>
        <dd data-testid="router-rtt">{formatRtt(info.rtt_ms)}</dd>
        <dt>Tunnels</dt>
        <dd data-testid="router-tunnels">{info.tunnels.length ? info.tunnels.join(', ') : '—'}</dd>
        {stats && (
          <>
            <dt>Router</dt>
            <dd data-testid="router-info">
              {stats.info.name} · v{stats.info.version} · up {formatDuration(stats.info.uptime_s * 1000)} · {stats.health.clients_connected} client
              {stats.health.clients_connected === 1 ? '' : 's'} connected
            </dd>
          </>
        )}
      </dl>
      {info.last_error && (
        <div className="error-line block" data-testid="router-last-error">
          {info.last_error}
        </div>
      )}
      {info.stats_error && (
        <div className="note-line tone-warn" data-testid="router-stats-error">
          No report from the router: {info.stats_error}
        </div>
      )}
      {stats && (
        <div className="router-body">
          <div className="sources">
            <h4>Sources</h4>
            {stats.health.sources.length === 0 && <div className="hint">The router reports no sources.</div>}
            {stats.health.sources.map((s) => (
              <SourceHealth key={s.name} source={s} />
            ))}
          </div>
          <RouterClient client={stats.client} />
        </div>
      )}
    </section>
  );
}
