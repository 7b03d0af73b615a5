// Hosts from ssh config with their live connection state, and a Reload button (host.reload).
import { useState } from 'react';
import type { HostInfo } from '../../src-shared/api/index.js';
import { describeError } from '../state/use-warren.js';

export function HostsPanel(props: { hosts: HostInfo[]; onReload(): Promise<{ total: number; added: string[]; removed: string[] }> }) {
  const [note, setNote] = useState<string>();
  const [busy, setBusy] = useState(false);
  const reload = async (): Promise<void> => {
    setBusy(true);
    try {
      const r = await props.onReload();
      setNote(`${r.total} hosts` + (r.added.length ? `, +${r.added.length}` : '') + (r.removed.length ? `, −${r.removed.length}` : ''));
    } catch (e) {
      setNote(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <aside className="hosts" data-testid="hosts-panel">
      <div className="panel-head">
        <h2>Hosts</h2>
        <button className="small" onClick={() => void reload()} disabled={busy} data-testid="hosts-reload">
          Reload
        </button>
      </div>
      {note && (
        <div className="note" data-testid="hosts-reload-result">
          {note}
        </div>
      )}
      {props.hosts.length === 0 && <div className="empty">No hosts in ssh config.</div>}
      <ul>
        {props.hosts.map((h) => (
          <li key={h.name} data-testid={`host-row-${h.name}`} title={h.last_error ?? `${h.user ? h.user + '@' : ''}${h.hostname}:${h.port}`}>
            <span className={`dot dot-${h.state}`} aria-hidden="true" />
            <span className="host-name">{h.name}</span>
            <span className="host-addr">
              {h.hostname}:{h.port}
            </span>
            <span className="host-state" data-testid={`host-state-${h.name}`}>
              {h.state}
              {h.active_forward_count > 0 ? ` · ${h.active_forward_count}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </aside>
  );
}
