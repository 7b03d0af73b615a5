// One forward: its rule, live status and counters, and Start/Stop, Edit, Delete.
import { formatBytes, formatRoute, formatRtt } from '../format/format.js';
import type { ForwardRow as Row } from '../state/reducer.js';
import { StatusBadge } from './status-badge.js';

export interface ForwardRowProps {
  row: Row;
  busy: boolean;
  rowError: string | undefined;
  onStart(name: string): void;
  onStop(name: string): void;
  onEdit(name: string): void;
  onDelete(name: string): void;
}

export function ForwardRow({ row, busy, rowError, onStart, onStop, onEdit, onDelete }: ForwardRowProps) {
  const { rule, session, status } = row;
  const name = rule.name;
  const running = status !== 'stopped' && status !== 'error';
  const sent = session?.bytes_sent ?? 0;
  const received = session?.bytes_received ?? 0;
  const error = rowError ?? session?.last_error;
  return (
    <tr data-testid={`forward-row-${name}`}>
      <td className="name">
        <div className="name-line">
          {name}
          {rule.auto_connect && (
            <span className="tag" title="starts with Warren">
              auto
            </span>
          )}
        </div>
        <div className="sub">
          {rule.host} · {rule.type}
        </div>
      </td>
      <td className="route">
        <div className="mono">{formatRoute(rule)}</div>
        <div className="error-line" data-testid={`forward-error-${name}`} title={error}>
          {error ?? ''}
        </div>
      </td>
      <td>
        <StatusBadge status={status} testId={`forward-status-${name}`} title={session?.next_retry_at ? `next retry ${session.next_retry_at}` : undefined} />
      </td>
      <td className="num mono" data-testid={`forward-bytes-${name}`} data-sent={sent} data-received={received}>
        <div title="sent">↑ {formatBytes(sent)}</div>
        <div title="received">↓ {formatBytes(received)}</div>
      </td>
      <td className="num" data-testid={`forward-conns-${name}`}>
        {session?.active_connections ?? 0}
      </td>
      <td className="num" data-testid={`forward-reconnects-${name}`}>
        {session?.reconnect_count ?? 0}
      </td>
      <td className="num" data-testid={`forward-rtt-${name}`}>
        {formatRtt(session?.rtt_ms)}
      </td>
      <td>
        <div className="actions">
          <button
            className={running ? 'small' : 'small primary'}
            disabled={busy}
            onClick={() => (running ? onStop(name) : onStart(name))}
            data-testid={`forward-toggle-${name}`}
          >
            {running ? 'Stop' : 'Start'}
          </button>
          <button className="small ghost" onClick={() => onEdit(name)} data-testid={`forward-edit-${name}`} title="Edit">
            Edit
          </button>
          <button className="small ghost danger" onClick={() => onDelete(name)} data-testid={`forward-delete-${name}`} title="Delete">
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}
