// One SSM forward: :local → remote_port on the instance (or remote_host:port via it), its SSM
// session id and mode, live status and counters, Start/Stop and Remove. Everything comes from its
// SsmSessionInfo (SSM forwards are not in forward.list); no SSH-only field is read.
import { formatSsmRoute } from '../format/format.js';
import type { SsmRow as Row } from '../state/reducer.js';
import { KindTag } from './kind-tag.js';
import { RowActions } from './row-actions.js';
import { SessionCells } from './session-cells.js';
import { RouteCell } from './route-cell.js';

export interface SsmRowProps {
  row: Row;
  busy: boolean;
  rowError: string | undefined;
  onStart(name: string): void;
  onStop(name: string): void;
  onDelete(name: string): void;
}

export function SsmRow({ row, busy, rowError, onStart, onStop, onDelete }: SsmRowProps) {
  const { session, status } = row;
  const name = session.name;
  const error = rowError ?? session.last_error;
  const where = [session.profile && `profile ${session.profile}`, session.region].filter(Boolean).join(', ');
  return (
    <tr data-testid={`forward-row-${name}`} data-kind="ssm">
      <td className="name">
        <div className="name-line">{name}</div>
        <div className="sub" title={where || undefined}>
          <KindTag kind="ssm" />{' '}
          <span data-testid={`ssm-session-${name}`} data-session-id={session.session_id ?? ''} data-mode={session.mode ?? ''}>
            {session.session_id ? `${session.session_id}${session.mode ? ` · ${session.mode}` : ''}` : (session.mode ?? '')}
          </span>
        </div>
      </td>
      <RouteCell name={name} route={formatSsmRoute(session)} routeTestId={`ssm-route-${name}`} error={error} />
      <SessionCells name={name} status={status} session={session} />
      <td>
        <RowActions name={name} status={status} busy={busy} deleteLabel="Remove" onStart={onStart} onStop={onStop} onDelete={onDelete} />
      </td>
    </tr>
  );
}
