// "Are you sure?" for destructive actions (deleting a forward stops it first).
import { useState } from 'react';
import { describeError } from '../state/use-warren.js';
import { Modal } from './modal.js';

export function ConfirmDialog(props: { title: string; message: string; confirmLabel: string; onConfirm(): Promise<void>; onClose(): void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const confirm = async (): Promise<void> => {
    setBusy(true);
    try {
      await props.onConfirm();
      props.onClose();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={props.title} testId="confirm-dialog" onClose={props.onClose} tone="danger">
      <p>{props.message}</p>
      {error && (
        <div className="form-error" role="alert" data-testid="confirm-error">
          {error}
        </div>
      )}
      <div className="buttons">
        <button onClick={props.onClose} data-testid="confirm-cancel">
          Cancel
        </button>
        <button className="danger-fill" onClick={() => void confirm()} disabled={busy} data-testid="confirm-accept">
          {props.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
