// The diagnostics window for one instance: choose preventive (staged, stops at the first CRITICAL
// stage) or full, optional ports, Run; progress arrives as event.diagnose while diagnose.run runs.
import { useEffect, useReducer, useState } from 'react';
import type { WarrenClient } from '../../src-shared/api/index.js';
import { diagnoseReducer, idleRun, validateDiagnose, type DiagnoseFormValues, type DiagnoseMode } from '../state/diagnose-model.js';
import type { AwsTarget } from '../state/instances-model.js';
import { describeError } from '../state/use-warren.js';
import { DiagnoseReport } from './diagnose-report.js';
import { Field } from './form-field.js';
import { Modal } from './modal.js';

export interface DiagnosePanelProps {
  client: WarrenClient;
  instanceId: string;
  instanceName?: string | undefined;
  target: AwsTarget;
  onClose(): void;
}

export function DiagnosePanel({ client, instanceId, instanceName, target, onClose }: DiagnosePanelProps) {
  const [run, dispatch] = useReducer(diagnoseReducer, instanceId, (id) => idleRun(id));
  const [values, setValues] = useState<DiagnoseFormValues>({ mode: 'preventive', local_port: '', remote_port: '' });
  const [errors, setErrors] = useState<Partial<Record<'local_port' | 'remote_port', string>>>({});

  // The window subscribes to 'diagnose' events (use-warren); this panel listens while it is open.
  useEffect(() => client.on('event.diagnose', (event) => dispatch({ type: 'event', event })), [client]);

  const start = async (): Promise<void> => {
    const checked = validateDiagnose(instanceId, target, values);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    dispatch({ type: 'start', instanceId, mode: values.mode });
    try {
      dispatch({ type: 'finished', report: await client.call('diagnose.run', checked.params) });
    } catch (e) {
      dispatch({ type: 'failed', error: describeError(e) });
    }
  };
  const running = run.phase === 'running';
  const [signingIn, setSigningIn] = useState(false);
  // A check that could not run for rejected credentials: sign in (IAM Identity Center), then run again.
  const ssoLogin = async (): Promise<void> => {
    setSigningIn(true);
    try {
      await client.call('aws.sso_login', target.profile ? { profile: target.profile } : {});
    } catch (e) {
      setSigningIn(false);
      return dispatch({ type: 'failed', error: describeError(e) });
    }
    setSigningIn(false);
    await start();
  };
  const set = (key: keyof DiagnoseFormValues, value: string): void => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };

  return (
    <Modal title={`Diagnose ${instanceName ? `${instanceName} (${instanceId})` : instanceId}`} testId="diagnose-panel" onClose={onClose} wide>
      <form
        className="diag-form"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
        noValidate
      >
        <div className="grid3">
          <Field label="Mode" errorTestId="diag-error-mode" error={undefined}>
            <select value={values.mode} onChange={(e) => set('mode', e.target.value as DiagnoseMode)} disabled={running} data-testid="diag-mode">
              <option value="preventive">preventive (staged)</option>
              <option value="full">full</option>
            </select>
          </Field>
          <Field label="Local port" errorTestId="diag-error-local_port" error={errors.local_port} hint="optional: is it free here?">
            <input value={values.local_port} onChange={(e) => set('local_port', e.target.value)} disabled={running} data-testid="diag-local-port" />
          </Field>
          <Field label="Remote port" errorTestId="diag-error-remote_port" error={errors.remote_port} hint="optional">
            <input value={values.remote_port} onChange={(e) => set('remote_port', e.target.value)} disabled={running} data-testid="diag-remote-port" />
          </Field>
        </div>
        <div className="buttons">
          <button type="button" onClick={onClose} data-testid="diag-close">
            Close
          </button>
          <button type="submit" className="primary" disabled={running} data-testid="diag-run">
            {run.phase === 'idle' ? 'Run diagnostics' : 'Run again'}
          </button>
        </div>
      </form>
      {run.phase !== 'idle' && <DiagnoseReport run={run} actions={{ busy: running || signingIn, retry: () => void start(), ssoLogin: () => void ssoLogin() }} />}
    </Modal>
  );
}
