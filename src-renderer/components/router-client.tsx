// This client as the router sees it: its traffic through the router and the standing of its key.
import type { ClientInfo } from '../../src-shared/api/index.js';
import { formatBytes } from '../format/format.js';
import { clientKeyNote } from '../state/routers-model.js';
import { NoteLine } from './note-line.js';

export function RouterClient({ client }: { client: ClientInfo }) {
  const note = clientKeyNote(client);
  return (
    <div className="router-client" data-testid="router-client" data-bytes-in={client.bytes_in} data-bytes-out={client.bytes_out} data-streams={client.active_streams}>
      <h4>This client here</h4>
      <dl className="facts">
        <dt>Known as</dt>
        <dd>{client.name}</dd>
        <dt>Traffic</dt>
        <dd data-testid="router-client-traffic">
          <div title="bytes_in: from this machine through the router">↑ {formatBytes(client.bytes_in)} in</div>
          <div title="bytes_out: from the router to this machine">↓ {formatBytes(client.bytes_out)} out</div>
        </dd>
        <dt>Streams</dt>
        <dd data-testid="router-client-streams">
          {client.active_streams} active · {client.total_streams} total
        </dd>
        <dt>Key</dt>
        <dd data-testid="router-client-key" data-key-status={client.key_status}>
          {client.key_status}
          {client.grace_until ? ` until ${client.grace_until}` : ''}
        </dd>
      </dl>
      {note && <NoteLine note={note} testId="router-client-warning" />}
    </div>
  );
}
