// A row's buttons: Start/Stop (forward.start / forward.stop), Edit when the kind has an editor,
// and Delete/Remove (forward.delete), for SSH forwards and conduit tunnels alike.
import type { SessionInfo } from '../../src-shared/api/index.js';

export interface RowActionsProps {
  name: string;
  status: SessionInfo['status'];
  busy: boolean;
  deleteLabel: string;
  onStart(name: string): void;
  onStop(name: string): void;
  onEdit?: ((name: string) => void) | undefined;
  onDelete(name: string): void;
}

export function isRunning(status: SessionInfo['status']): boolean {
  return status !== 'stopped' && status !== 'error';
}

/**
 * A row is busy while its start or stop call is in flight. A start call lasts as long as the
 * handshake (a host that never answers: until its timeout), so Stop stays usable while `starting`:
 * stopping is how the user gives up on it. Stopping twice is harmless.
 */
export function toggleDisabled(status: SessionInfo['status'], busy: boolean): boolean {
  return busy && status !== 'starting';
}

export function RowActions({ name, status, busy, deleteLabel, onStart, onStop, onEdit, onDelete }: RowActionsProps) {
  const running = isRunning(status);
  return (
    <div className="actions">
      <button className={running ? 'small' : 'small primary'} disabled={toggleDisabled(status, busy)} onClick={() => (running ? onStop(name) : onStart(name))} data-testid={`forward-toggle-${name}`}>
        {running ? 'Stop' : 'Start'}
      </button>
      {onEdit && (
        <button className="small ghost" onClick={() => onEdit(name)} data-testid={`forward-edit-${name}`} title="Edit">
          Edit
        </button>
      )}
      <button className="small ghost danger" onClick={() => onDelete(name)} data-testid={`forward-delete-${name}`} title={deleteLabel}>
        {deleteLabel}
      </button>
    </div>
  );
}
