// "Connect…" for one instance (ec2.connect: save an SSM forward and start it). Fields are checked
// with the contract's schema; the daemon's refusals (2001 agent not connected, 2002 access denied,
// 2003 request failed) show with the fix their message names.
import { useState, type FormEvent } from 'react';
import { WarrenError, errorCodeName, type Ec2ConnectParams, type Ec2Instance } from '../../src-shared/api/index.js';
import { emptyConnectForm, validateConnect, type AwsTarget, type ConnectErrors, type ConnectField, type ConnectFormValues } from '../state/instances-model.js';
import { describeError } from '../state/use-warren.js';
import { Field } from './form-field.js';
import { Modal } from './modal.js';

export interface ConnectFormProps {
  instance: Ec2Instance;
  target: AwsTarget;
  onConnect(params: Ec2ConnectParams): Promise<{ name: string; status: string }>;
  onDone(result: { name: string; status: string }): void;
  onClose(): void;
}

export function ConnectForm({ instance, target, onConnect, onDone, onClose }: ConnectFormProps) {
  const [values, setValues] = useState<ConnectFormValues>(emptyConnectForm);
  const [errors, setErrors] = useState<ConnectErrors>({});
  const [serverError, setServerError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const set = (key: ConnectField, value: string): void => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const submit = async (ev: FormEvent): Promise<void> => {
    ev.preventDefault();
    setServerError(undefined);
    const checked = validateConnect(instance.instance_id, target, values);
    if (!checked.ok) return setErrors(checked.errors);
    setSaving(true);
    try {
      onDone(await onConnect(checked.params));
    } catch (e) {
      setServerError(e instanceof WarrenError ? `${errorCodeName(e.code)} (${e.code}): ${e.message}` : describeError(e));
    } finally {
      setSaving(false);
    }
  };

  const input = (field: ConnectField, placeholder: string) => (
    <input value={values[field]} onChange={(e) => set(field, e.target.value)} placeholder={placeholder} data-testid={`connect-${field.replace('_', '-')}`} />
  );
  return (
    <Modal title={`Connect to ${instance.name ? `${instance.name} (${instance.instance_id})` : instance.instance_id}`} testId="connect-form" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="grid2">
          <Field label="Local port" errorTestId="connect-error-local_port" error={errors.local_port} hint="listens on 127.0.0.1">
            {input('local_port', '15432')}
          </Field>
          <Field label="Remote port" errorTestId="connect-error-remote_port" error={errors.remote_port} hint="on the instance (or on the remote host)">
            {input('remote_port', '5432')}
          </Field>
          <Field label="Remote host" errorTestId="connect-error-remote_host" error={errors.remote_host} hint="optional: a host seen from the instance">
            {input('remote_host', 'db.internal')}
          </Field>
          <Field label="Name" errorTestId="connect-error-name" error={errors.name} hint="optional: the daemon picks one">
            {input('name', 'web-db')}
          </Field>
        </div>
        {serverError && (
          <div className="form-error" role="alert" data-testid="connect-form-error">
            {serverError}
          </div>
        )}
        <div className="buttons">
          {saving && (
            <span className="note busy-note" role="status" data-testid="connect-connecting">
              <span className="spinner" aria-hidden="true" /> Starting the SSM session…
            </span>
          )}
          <button type="button" onClick={onClose} data-testid="connect-cancel">
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving} data-testid="connect-submit">
            Connect
          </button>
        </div>
      </form>
    </Modal>
  );
}
