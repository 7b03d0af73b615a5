// One SSH forward: its rule, live status and counters, and Start/Stop, Edit, Delete.
import { formatRoute } from '../format/format.js';
import type { ForwardRow as Row } from '../state/reducer.js';
import { KindTag } from './kind-tag.js';
import { RowActions } from './row-actions.js';
import { SessionCells } from './session-cells.js';
import { RouteCell } from './route-cell.js';

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
  const error = rowError ?? session?.last_error;
  return (
    <tr data-testid={`forward-row-${name}`} data-kind="ssh">
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
          <KindTag kind="ssh" /> {rule.host} · {rule.type}
        </div>
      </td>
      <RouteCell name={name} route={formatRoute(rule)} error={error} />
      <SessionCells name={name} status={status} session={session} />
      <td>
        <RowActions name={name} status={status} busy={busy} deleteLabel="Delete" onStart={onStart} onStop={onStop} onEdit={onEdit} onDelete={onDelete} />
      </td>
    </tr>
  );
}
