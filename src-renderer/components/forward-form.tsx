// Add or edit a forward. Client-side checks use the contract's schemas; the daemon's refusals
// (1005 name taken, 1006 port in use, …) are shown in the form too, next to the field they concern.
import { useState, type FormEvent } from 'react';
import { ErrorCode, WarrenError, errorCodeName, type ForwardAddParams, type ForwardInfo, type HostInfo } from '../../src-shared/api/index.js';
import {
  emptyForm,
  formFromRule,
  validateAdd,
  validateUpdate,
  type FieldErrors,
  type ForwardField,
  type ForwardFormValues,
  type ForwardUpdateParams,
} from '../state/forward-form-model.js';
import { describeError } from '../state/use-warren.js';
import { Field } from './form-field.js';
import { Modal } from './modal.js';

export interface ForwardFormProps {
  hosts: HostInfo[];
  /** The rule being edited; absent when adding. */
  editing?: ForwardInfo | undefined;
  onAdd(params: ForwardAddParams): Promise<string>;
  onUpdate(params: ForwardUpdateParams): Promise<string>;
  onClose(): void;
}

/** Which field a server error is about, so it shows next to that field. */
function fieldForCode(code: number): ForwardField | undefined {
  if (code === ErrorCode.RuleAlreadyExists) return 'name';
  if (code === ErrorCode.PortConflict) return 'local_port';
  if (code === ErrorCode.HostNotFound) return 'host';
  return undefined;
}

export function ForwardForm({ hosts, editing, onAdd, onUpdate, onClose }: ForwardFormProps) {
  const [values, setValues] = useState<ForwardFormValues>(() => (editing ? formFromRule(editing) : emptyForm(hosts[0]?.name ?? '')));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [serverError, setServerError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const set = <K extends ForwardField>(key: K, value: ForwardFormValues[K]): void => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const submit = async (ev: FormEvent): Promise<void> => {
    ev.preventDefault();
    setServerError(undefined);
    const checked = editing ? validateUpdate(editing, values) : validateAdd(values);
    if (!checked.ok) return setErrors(checked.errors);
    setSaving(true);
    try {
      if (editing) await onUpdate(checked.params as ForwardUpdateParams);
      else await onAdd(checked.params as ForwardAddParams);
      onClose();
    } catch (e) {
      const field = e instanceof WarrenError ? fieldForCode(e.code) : undefined;
      if (field) setErrors((prev) => ({ ...prev, [field]: describeError(e) }));
      setServerError(e instanceof WarrenError ? `${errorCodeName(e.code)} (${e.code}): ${e.message}` : describeError(e));
    } finally {
      setSaving(false);
    }
  };

  const dynamic = values.type === 'dynamic';
  const hostKnown = hosts.some((h) => h.name === values.host);
  return (
    <Modal title={editing ? `Edit ${editing.name}` : 'Add forward'} testId="forward-form" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="grid2">
          <Field label="Host" errorTestId="form-error-host" error={errors.host}>
            <select value={values.host} onChange={(e) => set('host', e.target.value)} data-testid="form-host">
              {!hostKnown && <option value={values.host}>{values.host || '— choose —'}</option>}
              {hosts.map((h) => (
                <option key={h.name} value={h.name}>
                  {h.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Type" errorTestId="form-error-type" error={errors.type}>
            <select value={values.type} onChange={(e) => set('type', e.target.value as ForwardFormValues['type'])} data-testid="form-type">
              <option value="local">local (-L)</option>
              <option value="remote">remote (-R)</option>
              <option value="dynamic">dynamic SOCKS (-D)</option>
            </select>
          </Field>
          <Field label="Local port" errorTestId="form-error-local_port" error={errors.local_port}>
            <input inputMode="numeric" value={values.local_port} onChange={(e) => set('local_port', e.target.value)} data-testid="form-local-port" placeholder="8080" />
          </Field>
          <Field label="Name" errorTestId="form-error-name" error={errors.name} hint={editing ? undefined : 'optional: host-type-port'}>
            <input value={values.name} onChange={(e) => set('name', e.target.value)} data-testid="form-name" placeholder={`${values.host || 'host'}-${values.type}-${values.local_port || 'port'}`} />
          </Field>
          {!dynamic && (
            <>
              <Field label={values.type === 'remote' ? 'Remote bind address' : 'Remote host'} errorTestId="form-error-remote_host" error={errors.remote_host}>
                <input value={values.remote_host} onChange={(e) => set('remote_host', e.target.value)} data-testid="form-remote-host" placeholder="localhost" />
              </Field>
              <Field label="Remote port" errorTestId="form-error-remote_port" error={errors.remote_port}>
                <input inputMode="numeric" value={values.remote_port} onChange={(e) => set('remote_port', e.target.value)} data-testid="form-remote-port" placeholder="80" />
              </Field>
            </>
          )}
        </div>
        <label className="check">
          <input type="checkbox" checked={values.auto_connect} onChange={(e) => set('auto_connect', e.target.checked)} data-testid="form-auto-connect" />
          Start automatically with Warren
        </label>
        {serverError && (
          <div className="form-error" role="alert" data-testid="form-error">
            {serverError}
          </div>
        )}
        <div className="buttons">
          <button type="button" onClick={onClose} data-testid="form-cancel">
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving} data-testid="form-submit">
            {editing ? 'Save' : 'Add'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
