// Reconnect settings (config.get / config.update) with validation and a saved confirmation.
import { useState, type FormEvent } from 'react';
import type { ConfigInfo, ConfigUpdateParams } from '../../src-shared/api/index.js';
import { formatDuration } from '../format/format.js';
import { durationMs, reconnectValues, validateReconnect, type ReconnectErrors, type ReconnectValues } from '../state/settings-model.js';
import { describeError } from '../state/use-warren.js';

/** The first few waits the reconnector will use, so the numbers mean something. */
function schedulePreview(v: ReconnectValues): string | undefined {
  const first = durationMs(v.initial_delay);
  const max = durationMs(v.max_delay);
  if (!Number.isFinite(first) || !Number.isFinite(max) || first <= 0) return undefined;
  const waits: string[] = [];
  for (let i = 0, d = first; i < 6; i++, d *= 2) waits.push(formatDuration(Math.min(d, max)));
  return `Waits ${waits.join(', ')}…`;
}

export function SettingsPanel(props: { config: ConfigInfo; onSave(params: ConfigUpdateParams): Promise<void> }) {
  const [values, setValues] = useState<ReconnectValues>(() => reconnectValues(props.config));
  const [errors, setErrors] = useState<ReconnectErrors>({});
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const set = <K extends keyof ReconnectValues>(key: K, value: ReconnectValues[K]): void => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
    setStatus(undefined);
  };
  const submit = async (ev: FormEvent): Promise<void> => {
    ev.preventDefault();
    const checked = validateReconnect(values);
    if (!checked.ok) return setErrors(checked.errors);
    try {
      await props.onSave(checked.params);
      setStatus({ ok: true, text: 'Saved.' });
    } catch (e) {
      setStatus({ ok: false, text: describeError(e) });
    }
  };
  const err = (field: keyof ReconnectValues) =>
    errors[field] && (
      <span className="field-error" data-testid={`settings-error-${field.replace('_', '-')}`}>
        {errors[field]}
      </span>
    );
  const preview = schedulePreview(values);
  return (
    <section className="settings" data-testid="settings-panel">
      <h2>Reconnect</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label className="check">
          <input type="checkbox" checked={values.enabled} onChange={(e) => set('enabled', e.target.checked)} data-testid="settings-enabled" />
          Reconnect dropped forwards automatically
        </label>
        <div className="grid3">
          <label className={`field ${errors.max_retries ? 'has-error' : ''}`}>
            <span className="label">Max retries</span>
            <input inputMode="numeric" value={values.max_retries} onChange={(e) => set('max_retries', e.target.value)} data-testid="settings-max-retries" />
            {err('max_retries') || <span className="hint">0 = unlimited</span>}
          </label>
          <label className={`field ${errors.initial_delay ? 'has-error' : ''}`}>
            <span className="label">Initial delay</span>
            <input value={values.initial_delay} onChange={(e) => set('initial_delay', e.target.value)} data-testid="settings-initial-delay" />
            {err('initial_delay')}
          </label>
          <label className={`field ${errors.max_delay ? 'has-error' : ''}`}>
            <span className="label">Max delay</span>
            <input value={values.max_delay} onChange={(e) => set('max_delay', e.target.value)} data-testid="settings-max-delay" />
            {err('max_delay')}
          </label>
        </div>
        {preview && values.enabled && <p className="hint">{preview}</p>}
        <div className="buttons left">
          <button type="submit" className="primary" data-testid="settings-save">
            Save
          </button>
          {status && (
            <span className={status.ok ? 'saved' : 'form-error inline'} role="status" data-testid={status.ok ? 'settings-saved' : 'settings-save-error'}>
              {status.text}
            </span>
          )}
        </div>
      </form>
      <p className="hint">
        ssh config: <span className="mono">{props.config.ssh_config_path}</span>
      </p>
    </section>
  );
}
