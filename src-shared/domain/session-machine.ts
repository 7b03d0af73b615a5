// The forward session state machine (MolePort's diagram) as a pure table, so the engine can only
// make transitions that are written down here and property tests can walk it.
import type { SessionStatus } from '../api/models.js';

export type SessionEvent =
  /** User or auto-start asks for the session. */
  | 'start'
  /** Listener bound and link up: traffic flows. */
  | 'ready'
  /** Start failed for a reason retrying will not fix (port taken, auth, host key). */
  | 'fail'
  /** Start failed or the link died for a reason retrying may fix; the reconnector takes over. */
  | 'link_lost'
  /** The reconnector brought the link back and the forward is re-established. */
  | 'relinked'
  /** The reconnector gave up (max_retries spent, or reconnect disabled). */
  | 'retries_exhausted'
  /** User stops the session. */
  | 'stop'
  /** User dismisses an error. */
  | 'dismiss';

export const SESSION_EVENTS: readonly SessionEvent[] = [
  'start',
  'ready',
  'fail',
  'link_lost',
  'relinked',
  'retries_exhausted',
  'stop',
  'dismiss',
];
export const SESSION_STATES: readonly SessionStatus[] = ['stopped', 'starting', 'active', 'reconnecting', 'error'];

const table: Record<SessionStatus, Partial<Record<SessionEvent, SessionStatus>>> = {
  stopped: { start: 'starting' },
  starting: { ready: 'active', fail: 'error', link_lost: 'reconnecting', stop: 'stopped' },
  active: { stop: 'stopped', link_lost: 'reconnecting' },
  // A session whose link is being retried keeps its listener bound; 'fail' covers a retry that hit
  // a permanent error (e.g. the host key changed while it was away).
  reconnecting: { relinked: 'active', retries_exhausted: 'error', fail: 'error', stop: 'stopped' },
  error: { start: 'starting', dismiss: 'stopped', stop: 'stopped' },
};

/** The next state, or undefined when the event is not allowed in this state. */
export function nextSessionState(state: SessionStatus, event: SessionEvent): SessionStatus | undefined {
  return table[state][event];
}

export function allowedSessionEvents(state: SessionStatus): SessionEvent[] {
  return SESSION_EVENTS.filter((e) => table[state][e] !== undefined);
}

/** States in which the local listener is (or is being) held. */
export function holdsListener(state: SessionStatus): boolean {
  return state === 'starting' || state === 'active' || state === 'reconnecting';
}
