// 1010: the identity file is encrypted. The passphrase goes to host.unlock and stays in the
// daemon's memory only; the field is cleared as soon as it has been sent.
import { useState, type FormEvent } from 'react';
import { describeError } from '../state/use-warren.js';
import { Modal } from './modal.js';

export function PassphraseDialog(props: { host: string; keyPath: string; onUnlock(passphrase: string): Promise<void>; onCancel(): void }) {
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (ev: FormEvent): Promise<void> => {
    ev.preventDefault();
    setBusy(true);
    const value = passphrase;
    setPassphrase('');
    try {
      await props.onUnlock(value);
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };
  return (
    <Modal title="Passphrase required" testId="passphrase-dialog" onClose={props.onCancel}>
      <form onSubmit={(e) => void submit(e)}>
        <p>
          The key <span className="mono">{props.keyPath}</span> for <b>{props.host}</b> is encrypted.
        </p>
        <input type="password" autoFocus autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} data-testid="passphrase-input" />
        {error && (
          <div className="form-error" role="alert" data-testid="passphrase-error">
            {error}
          </div>
        )}
        <div className="buttons">
          <button type="button" onClick={props.onCancel} data-testid="passphrase-cancel">
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || passphrase === ''} data-testid="passphrase-submit">
            Unlock
          </button>
        </div>
      </form>
    </Modal>
  );
}
