// The sessions table: SSH forwards, conduit tunnels and SSM forwards side by side, one group per kind.
import type { SessionInfo } from '../../src-shared/api/index.js';
import type { ForwardRow as SshRow, SsmRow as SsmRowData, TunnelRow as ConduitRow } from '../state/reducer.js';
import { ForwardRow } from './forward-row.js';
import { SsmRow } from './ssm-row.js';
import { TunnelRow } from './tunnel-row.js';

export interface ForwardsTableProps {
  rows: SshRow[];
  tunnels: ConduitRow[];
  /** SSM forwards; optional so callers without any need not pass it. */
  ssm?: SsmRowData[];
  busy: Record<string, boolean>;
  rowErrors: Record<string, string>;
  onStart(name: string): void;
  onStop(name: string): void;
  onEdit(name: string): void;
  onDelete(name: string, kind: SessionInfo['kind']): void;
}

const COLUMNS = 8;

function GroupHead({ kind, title, count }: { kind: SessionInfo['kind']; title: string; count: number }) {
  return (
    <tr className="group" data-testid={`group-${kind}`}>
      <th colSpan={COLUMNS}>
        {title} <span className="count">{count}</span>
      </th>
    </tr>
  );
}

export function ForwardsTable(props: ForwardsTableProps) {
  const ssm = props.ssm ?? [];
  if (props.rows.length === 0 && props.tunnels.length === 0 && ssm.length === 0)
    return (
      <div className="empty" data-testid="forwards-empty">
        No forwards yet. Add one to keep a port open through SSH, a conduit tunnel through a router, or connect to an EC2 instance from Instances.
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
        {props.rows.length > 0 && (
          <tbody>
            <GroupHead kind="ssh" title="SSH forwards" count={props.rows.length} />
            {props.rows.map((row) => (
              <ForwardRow
                key={row.rule.name}
                row={row}
                busy={props.busy[row.rule.name] ?? false}
                rowError={props.rowErrors[row.rule.name]}
                onStart={props.onStart}
                onStop={props.onStop}
                onEdit={props.onEdit}
                onDelete={(name) => props.onDelete(name, 'ssh')}
              />
            ))}
          </tbody>
        )}
        {props.tunnels.length > 0 && (
          <tbody>
            <GroupHead kind="conduit" title="Conduit tunnels" count={props.tunnels.length} />
            {props.tunnels.map((row) => (
              <TunnelRow
                key={row.session.name}
                row={row}
                busy={props.busy[row.session.name] ?? false}
                rowError={props.rowErrors[row.session.name]}
                onStart={props.onStart}
                onStop={props.onStop}
                onDelete={(name) => props.onDelete(name, 'conduit')}
              />
            ))}
          </tbody>
        )}
        {ssm.length > 0 && (
          <tbody>
            <GroupHead kind="ssm" title="SSM forwards" count={ssm.length} />
            {ssm.map((row) => (
              <SsmRow
                key={row.session.name}
                row={row}
                busy={props.busy[row.session.name] ?? false}
                rowError={props.rowErrors[row.session.name]}
                onStart={props.onStart}
                onStop={props.onStop}
                onDelete={(name) => props.onDelete(name, 'ssm')}
              />
            ))}
          </tbody>
        )}
      </table>
    </div>
  );
}
