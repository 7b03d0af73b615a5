// Configure (or edit) the EFS scaler: the design's Lambda settings plus the schedule's interval and
// the AWS profile/region. Each field is checked with the contract's schema before anything is sent;
// the daemon's refusal (EfsConfigInvalid names its fields) shows in the form too.
import { useState, type FormEvent } from 'react';
import type { EfsConfigureParams, EfsScalerConfig } from '../../src-shared/api/index.js';
import {
  efsFormFromConfig,
  efsServerErrors,
  emptyEfsForm,
  validateEfsForm,
  type EfsField,
  type EfsFieldErrors,
  type EfsFormValues,
  type EfsTextField,
} from '../state/efs-model.js';
import { Field } from './form-field.js';

const LABELS: Record<EfsTextField, { label: string; placeholder: string; hint?: string }> = {
  file_system_id: { label: 'File system id', placeholder: 'fs-0123456789abcdef0' },
  directory: { label: 'Mounted directory', placeholder: '/mnt/efs/data', hint: 'absolute path on this machine' },
  threshold: { label: 'Threshold (files)', placeholder: '100000', hint: 'scale when the count is above it' },
  interval: { label: 'Interval', placeholder: '5m', hint: 'how often the schedule runs' },
  ssm_parameter: { label: 'SSM parameter', placeholder: '/app/efs/mount-targets' },
  ecs_cluster: { label: 'ECS cluster', placeholder: 'apps' },
  ecs_service: { label: 'ECS service', placeholder: 'web' },
  vpc_id: { label: 'VPC id', placeholder: 'vpc-0123456789abcdef0' },
  security_group_id: { label: 'Security group id', placeholder: 'sg-0123456789abcdef0', hint: 'for new mount targets' },
  profile: { label: 'AWS profile', placeholder: 'default', hint: 'optional' },
  region: { label: 'AWS region', placeholder: 'eu-west-1', hint: 'optional' },
};

const testId = (field: EfsField): string => `efs-${field.replaceAll('_', '-')}`;

export interface EfsConfigFormViewProps {
  values: EfsFormValues;
  errors: EfsFieldErrors;
  serverError?: string | undefined;
  saving: boolean;
  editing: boolean;
  onChange<K extends EfsField>(field: K, value: EfsFormValues[K]): void;
  onSubmit(): void;
  onCancel?: (() => void) | undefined;
}

/** The form as its props say; the state lives in EfsConfigForm (so this renders in tests). */
export function EfsConfigFormView(props: EfsConfigFormViewProps) {
  const { values, errors } = props;
  return (
    <form
      className="efs-form"
      data-testid="efs-config-form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        props.onSubmit();
      }}
      noValidate
    >
      <div className="grid3 efs-grid">
        {(Object.keys(LABELS) as EfsTextField[]).map((field) => (
          <Field key={field} label={LABELS[field].label} errorTestId={`efs-error-${field}`} error={errors[field]} hint={LABELS[field].hint}>
            <input
              value={values[field]}
              onChange={(e) => props.onChange(field, e.target.value)}
              placeholder={LABELS[field].placeholder}
              disabled={props.saving}
              aria-invalid={errors[field] ? true : undefined}
              data-testid={testId(field)}
            />
          </Field>
        ))}
      </div>
      <label className="check">
        <input type="checkbox" checked={values.recursive} onChange={(e) => props.onChange('recursive', e.target.checked)} disabled={props.saving} data-testid="efs-recursive" />
        Count the whole tree (recursive); otherwise only the directory’s own entries
      </label>
      {errors.recursive && (
        <span className="field-error" data-testid="efs-error-recursive">
          {errors.recursive}
        </span>
      )}
      {props.serverError && (
        <div className="form-error" role="alert" data-testid="efs-form-error">
          {props.serverError}
        </div>
      )}
      <div className="buttons">
        {props.saving && (
          <span className="note busy-note" role="status" data-testid="efs-saving">
            <span className="spinner" aria-hidden="true" /> Saving…
          </span>
        )}
        {props.onCancel && (
          <button type="button" onClick={props.onCancel} disabled={props.saving} data-testid="efs-cancel">
            Cancel
          </button>
        )}
        <button type="submit" className="primary" disabled={props.saving} data-testid="efs-save">
          {props.editing ? 'Save' : 'Configure'}
        </button>
      </div>
    </form>
  );
}

export interface EfsConfigFormProps {
  /** The saved settings when editing; absent for a new scaler. */
  config?: EfsScalerConfig | undefined;
  onSave(params: EfsConfigureParams): Promise<void>;
  onCancel?: (() => void) | undefined;
}

export function EfsConfigForm({ config, onSave, onCancel }: EfsConfigFormProps) {
  const [values, setValues] = useState<EfsFormValues>(() => (config ? efsFormFromConfig(config) : emptyEfsForm()));
  const [errors, setErrors] = useState<EfsFieldErrors>({});
  const [serverError, setServerError] = useState<string>();
  const [saving, setSaving] = useState(false);

  const submit = async (): Promise<void> => {
    setServerError(undefined);
    const checked = validateEfsForm(values, config);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    setSaving(true);
    try {
      await onSave(checked.params);
    } catch (e) {
      const refused = efsServerErrors(e);
      setErrors(refused.fields);
      setServerError(refused.message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <EfsConfigFormView
      values={values}
      errors={errors}
      serverError={serverError}
      saving={saving}
      editing={config !== undefined}
      onChange={(field, value) => {
        setValues((v) => ({ ...v, [field]: value }));
        setErrors((e) => ({ ...e, [field]: undefined }));
      }}
      onSubmit={() => void submit()}
      onCancel={onCancel}
    />
  );
}
