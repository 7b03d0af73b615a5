// One conduit tunnel: protocol bind → router → source, live status and counters, Start/Stop and
// Remove. Everything comes from its ConduitSessionInfo (tunnels are not in forward.list).
import { formatTunnelRoute } from '../format/format.js';
import type { TunnelRow as Row } from '../state/reducer.js';
import { KindTag } from './kind-tag.js';
import { RowActions } from './row-actions.js';
import { SessionCells } from './session-cells.js';
import { RouteCell } from './route-cell.js';

export interface TunnelRowProps {
  row: Row;
  busy: boolean;
  rowError: string | undefined;
  onStart(name: string): void;
  onStop(name: string): void;
  onDelete(name: string): void;
}

export function TunnelRow({ row, busy, rowError, onStart, onStop, onDelete }: TunnelRowProps) {
  const { session, status } = row;
  const name = session.name;
  const error = rowError ?? session.last_error;
  return (
    <tr data-testid={`forward-row-${name}`} data-kind="conduit">
      <td className="name">
        <div className="name-line">{name}</div>
        <div className="sub" title={`router ${session.router}${session.router_fingerprint ? `, key ${session.router_fingerprint}` : ''}`}>
          <KindTag kind="conduit" /> {session.protocol}
        </div>
      </td>
      <RouteCell name={name} route={formatTunnelRoute(session)} routeTestId={`tunnel-route-${name}`} error={error} />
      <SessionCells name={name} status={status} session={session} />
      <td>
        <RowActions name={name} status={status} busy={busy} deleteLabel="Remove" onStart={onStart} onStop={onStop} onDelete={onDelete} />
      </td>
    </tr>
  );
}
