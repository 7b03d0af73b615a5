// Unknown host key (1008): show the fingerprint and let the user trust it. A changed key (1009)
// may mean someone is in the middle: warn, and offer no way to accept it from here.
import { useState } from 'react';
import type { HostKeyInfo } from '../../src-shared/api/index.js';
import { describeError } from '../state/use-warren.js';
import { Modal } from './modal.js';

function KeyFacts({ info }: { info: HostKeyInfo }) {
  return (
    <dl className="facts">
      <dt>Host</dt>
      <dd>
        {info.host} ({info.hostname}:{info.port})
      </dd>
      <dt>Key type</dt>
      <dd>{info.key_type}</dd>
      <dt>Fingerprint</dt>
      <dd className="mono fingerprint" data-testid="trust-fingerprint">
        {info.fingerprint}
      </dd>
      <dt>known_hosts</dt>
      <dd className="mono">{info.known_hosts_file}</dd>
    </dl>
  );
}

export function UnknownHostKeyDialog(props: { info: HostKeyInfo; onTrust(): Promise<void>; onCancel(): void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const trust = async (): Promise<void> => {
    setBusy(true);
    try {
      await props.onTrust();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };
  return (
    <Modal title="Unknown host key" testId="trust-dialog" onClose={props.onCancel}>
      <p>Warren has not seen this server before. Check the fingerprint with the server's owner before you trust it.</p>
      <KeyFacts info={props.info} />
      {error && (
        <div className="form-error" role="alert" data-testid="trust-error">
          {error}
        </div>
      )}
      <div className="buttons">
        <button onClick={props.onCancel} data-testid="trust-cancel">
          Cancel
        </button>
        <button className="primary" onClick={() => void trust()} disabled={busy} data-testid="trust-accept">
          Trust and connect
        </button>
      </div>
    </Modal>
  );
}

export function ChangedHostKeyDialog(props: { info: HostKeyInfo; onClose(): void }) {
  return (
    <Modal title="Host key changed!" testId="hostkey-changed-dialog" onClose={props.onClose} tone="danger">
      <p className="warning">
        The key this server offered is not the one recorded in known_hosts. Someone may be intercepting the connection, or the server was
        reinstalled. Warren will not connect. If the change is expected, remove the old line from known_hosts and try again.
      </p>
      <KeyFacts info={props.info} />
      <div className="buttons">
        <button onClick={props.onClose} data-testid="hostkey-changed-close">
          Close
        </button>
      </div>
    </Modal>
  );
}
