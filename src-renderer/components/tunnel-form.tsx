// Add a conduit tunnel (conduit.start: save it and start it). Field checks use the contract's
// schemas; the daemon's refusals (3001 router key mismatch, 3002 not authorised, 3003 source not
// allowed, 3004 source unavailable, 3006 no key, …) show in the form with the fix their message names.
import { useState, type FormEvent } from 'react';
import { WarrenError, errorCodeName, type ConduitStartParams } from '../../src-shared/api/index.js';
import { emptyTunnelForm, tunnelFieldForCode, validateTunnel, type TunnelField, type TunnelFieldErrors, type TunnelFormValues } from '../state/tunnel-form-model.js';
import { describeError } from '../state/use-warren.js';
import { Field } from './form-field.js';
import { Modal } from './modal.js';

export interface TunnelFormProps {
  onStart(params: ConduitStartParams): Promise<string>;
  onClose(): void;
}

export function TunnelForm({ onStart, onClose }: TunnelFormProps) {
  const [values, setValues] = useState<TunnelFormValues>(emptyTunnelForm);
  const [errors, setErrors] = useState<TunnelFieldErrors>({});
  const [serverError, setServerError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const set = <K extends TunnelField>(key: K, value: TunnelFormValues[K]): void => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const submit = async (ev: FormEvent): Promise<void> => {
    ev.preventDefault();
    setServerError(undefined);
    const checked = validateTunnel(values);
    if (!checked.ok) return setErrors(checked.errors);
    setSaving(true);
    try {
      await onStart(checked.params);
      onClose();
    } catch (e) {
      const field = e instanceof WarrenError ? tunnelFieldForCode(e.code) : undefined;
      if (field) setErrors((prev) => ({ ...prev, [field]: errorCodeName((e as WarrenError).code) }));
      setServerError(e instanceof WarrenError ? `${errorCodeName(e.code)} (${e.code}): ${e.message}` : describeError(e));
    } finally {
      setSaving(false);
    }
  };

  const input = (field: Exclude<TunnelField, 'protocol'>, placeholder: string) => (
    <input value={values[field]} onChange={(e) => set(field, e.target.value)} placeholder={placeholder} data-testid={`tunnel-${field.replace('_', '-')}`} />
  );
  return (
    <Modal title="Add conduit tunnel" testId="tunnel-form" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="grid2">
          <Field label="Router" errorTestId="tunnel-error-router" error={errors.router} hint="host:port of the conduit router">
            {input('router', 'router.example.com:9999')}
          </Field>
          <Field label="Source" errorTestId="tunnel-error-source" error={errors.source} hint="host:port seen from the router, or a source name">
            {input('source', 'db.internal:5432')}
          </Field>
          <Field label="Bind" errorTestId="tunnel-error-bind" error={errors.bind} hint="local host:port (a port alone: 127.0.0.1)">
            {input('bind', '127.0.0.1:15432')}
          </Field>
          <Field label="Protocol" errorTestId="tunnel-error-protocol" error={errors.protocol}>
            <select value={values.protocol} onChange={(e) => set('protocol', e.target.value as TunnelFormValues['protocol'])} data-testid="tunnel-protocol">
              <option value="tcp">tcp</option>
              <option value="udp">udp</option>
            </select>
          </Field>
          <Field label="Name" errorTestId="tunnel-error-name" error={errors.name} hint="optional: routerhost-bindport">
            {input('name', 'db')}
          </Field>
          <Field label="Router key pin" errorTestId="tunnel-error-router_key" error={errors.router_key} hint="optional: SHA256:… (otherwise trusted on first use)">
            {input('router_key', 'SHA256:…')}
          </Field>
        </div>
        {serverError && (
          <div className="form-error" role="alert" data-testid="tunnel-form-error">
            {serverError}
          </div>
        )}
        <div className="buttons">
          {saving && (
            <span className="note busy-note" role="status" data-testid="tunnel-connecting">
              <span className="spinner" aria-hidden="true" /> Connecting to the router…
            </span>
          )}
          <button type="button" onClick={onClose} data-testid="tunnel-cancel">
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving} data-testid="tunnel-submit">
            Add and start
          </button>
        </div>
      </form>
    </Modal>
  );
}
