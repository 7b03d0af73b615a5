// One source as the router sees it: overall status, balancing, and each endpoint's health check,
// circuit breaker, latency and connections.
import type { SourceHealth as Source } from '../../src-shared/api/index.js';
import { formatRtt } from '../format/format.js';
import { healthTone } from '../state/routers-model.js';

function Pill({ value, testId }: { value: string; testId: string }) {
  return (
    <span className={`pill tone-${healthTone(value)}`} data-testid={testId} data-value={value}>
      {value.replace('_', ' ')}
    </span>
  );
}

export function SourceHealth({ source }: { source: Source }) {
  return (
    <div className="source" data-testid={`source-${source.name}`} data-status={source.status}>
      <div className="source-head">
        <span className="mono source-name">{source.name}</span>
        <Pill value={source.status} testId="source-status" />
        <span className="hint">{source.strategy.replace('_', ' ')}</span>
      </div>
      <table className="endpoints">
        <thead>
          <tr>
            <th>Endpoint</th>
            <th>Check</th>
            <th>Circuit</th>
            <th className="num">Latency</th>
            <th className="num" title="active connections">Conns</th>
            <th className="num" title="failures in a row">Fails</th>
          </tr>
        </thead>
        <tbody>
          {source.endpoints.map((e) => (
            <tr key={e.address} data-testid={`endpoint-${e.address}`}>
              <td className="mono">{e.address}</td>
              <td>
                <Pill value={e.status} testId="endpoint-status" />
              </td>
              <td>
                <Pill value={e.circuit} testId="endpoint-circuit" />
              </td>
              <td className="num" data-testid="endpoint-latency">
                {formatRtt(e.latency_ms ?? undefined)}
              </td>
              <td className="num" data-testid="endpoint-conns">
                {e.active_connections}
              </td>
              <td className="num">{e.consecutive_failures}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
