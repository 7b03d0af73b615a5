// Shown while the window cannot reach the daemon; the carrier keeps retrying in the background.
import type { ConnectionStatus } from '../api/carrier.js';

export function ConnectionBanner(props: { status: ConnectionStatus; loaded: boolean }) {
  if (props.status === 'open') return null;
  const text = props.status === 'connecting' && !props.loaded ? 'Connecting to Warren…' : 'Reconnecting to Warren…';
  return (
    <div className="banner" role="status" data-testid="connection-banner">
      <span className="spinner" aria-hidden="true" /> {text}
    </div>
  );
}
