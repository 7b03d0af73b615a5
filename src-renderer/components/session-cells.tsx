// The live part of a row, the same for every kind of session: status, traffic, connections,
// reconnects and round trip. Test ids carry the rule name (names are unique across kinds).
import type { SessionInfo } from '../../src-shared/api/index.js';
import { formatBytes, formatRtt } from '../format/format.js';
import { StatusBadge } from './status-badge.js';

export function SessionCells({ name, status, session }: { name: string; status: SessionInfo['status']; session: SessionInfo | undefined }) {
  const sent = session?.bytes_sent ?? 0;
  const received = session?.bytes_received ?? 0;
  return (
    <>
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
    </>
  );
}
