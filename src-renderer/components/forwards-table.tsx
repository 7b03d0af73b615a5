// The forwards/sessions table.
import type { ForwardRow as Row } from '../state/reducer.js';
import { ForwardRow } from './forward-row.js';

export interface ForwardsTableProps {
  rows: Row[];
  busy: Record<string, boolean>;
  rowErrors: Record<string, string>;
  onStart(name: string): void;
  onStop(name: string): void;
  onEdit(name: string): void;
  onDelete(name: string): void;
}

export function ForwardsTable(props: ForwardsTableProps) {
  if (props.rows.length === 0)
    return (
      <div className="empty" data-testid="forwards-empty">
        No forwards yet. Add one to keep a port open through SSH.
      </div>
    );
  return (
    <div className="table-wrap">
      <table className="forwards" data-testid="forwards-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Route</th>
            <th>Status</th>
            <th className="num">Traffic</th>
            <th className="num" title="active connections">Conns</th>
            <th className="num" title="reconnects">Retries</th>
            <th className="num">RTT</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <ForwardRow
              key={row.rule.name}
              row={row}
              busy={props.busy[row.rule.name] ?? false}
              rowError={props.rowErrors[row.rule.name]}
              onStart={props.onStart}
              onStop={props.onStop}
              onEdit={props.onEdit}
              onDelete={props.onDelete}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
