// One SSM forward: :local → remote_port on the instance (or remote_host:port via it), its SSM
// session id and mode, connect time and inactivity, live status and counters, Start/Stop and Remove. Everything comes from its
// SsmSessionInfo (SSM forwards are not in forward.list); no SSH-only field is read.
import { formatSsmRoute } from '../format/format.js';
import type { SsmRow as Row } from '../state/reducer.js';
import { KindTag } from './kind-tag.js';
import { RowActions } from './row-actions.js';
import { SessionCells } from './session-cells.js';
import { RouteCell } from './route-cell.js';

/** Time of day for a near-future instant (a replacement is at most hours away). */
function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Connect time, inactivity (EC2 Connect property 8) and the next make-before-break replacement. */
function SsmActivity({ name, session }: { name: string; session: Row['session'] }) {
  const parts: string[] = [];
  if (session.connect_ms !== undefined) parts.push(`connected in ${Math.round(session.connect_ms)} ms`);
  if (session.inactive) parts.push(`inactive since ${session.last_activity_at ? clock(session.last_activity_at) : '?'}`);
  if (session.renew_at) parts.push(`new session at ${clock(session.renew_at)}`);
  if (parts.length === 0) return null;
  return (
    <div className="sub" data-testid={`ssm-activity-${name}`} data-inactive={session.inactive ? 'true' : 'false'}>
      {parts.join(' · ')}
    </div>
  );
}

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
        <SsmActivity name={name} session={session} />
      </td>
      <RouteCell name={name} route={formatSsmRoute(session)} routeTestId={`ssm-route-${name}`} error={error} />
      <SessionCells name={name} status={status} session={session} />
      <td>
        <RowActions name={name} status={status} busy={busy} deleteLabel="Remove" onStart={onStart} onStop={onStop} onDelete={onDelete} />
      </td>
    </tr>
  );
}
