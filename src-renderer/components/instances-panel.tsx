// The Instances view: EC2 instances of a profile/region (ec2.instances) with their SSM agent, a
// one-click "Connect…" (ec2.connect) and "Diagnose" (diagnose.run) per instance.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Ec2ConnectParams, Ec2Instance, WarrenClient } from '../../src-shared/api/index.js';
import { instanceStateTone, pingText, pingTone, sortInstances, validateTarget, type AwsTarget, type AwsTargetValues } from '../state/instances-model.js';
import type { Note } from '../state/routers-model.js';
import { describeError } from '../state/use-warren.js';
import { ConnectForm } from './connect-form.js';
import { DiagnosePanel } from './diagnose-panel.js';
import { Field } from './form-field.js';
import { Loading } from './loading.js';
import { NoteLine } from './note-line.js';

export interface InstancesViewProps {
  values: AwsTargetValues;
  errors: Partial<Record<keyof AwsTargetValues, string>>;
  loading: boolean;
  error?: string | undefined;
  instances?: Ec2Instance[] | undefined;
  /** The last connect's outcome, e.g. "web-echo: active" (warn when it is not active yet). */
  flash?: Note | undefined;
  onChange(field: keyof AwsTargetValues, value: string): void;
  onRefresh(): void;
  onConnect(instance: Ec2Instance): void;
  onDiagnose(instance: Ec2Instance): void;
}

export function InstancesView(props: InstancesViewProps) {
  const { values, errors, loading, instances } = props;
  return (
    <section className="instances" data-testid="instances-panel">
      <form
        className="instances-head"
        onSubmit={(e) => {
          e.preventDefault();
          props.onRefresh();
        }}
        noValidate
      >
        <Field label="Profile" errorTestId="instances-error-profile" error={errors.profile} hint="optional">
          <input value={values.profile} onChange={(e) => props.onChange('profile', e.target.value)} placeholder="default" data-testid="instances-profile" />
        </Field>
        <Field label="Region" errorTestId="instances-error-region" error={errors.region} hint="optional">
          <input value={values.region} onChange={(e) => props.onChange('region', e.target.value)} placeholder="eu-west-1" data-testid="instances-region" />
        </Field>
        <button type="submit" className="primary" disabled={loading} data-testid="instances-refresh">
          Refresh
        </button>
      </form>
      {loading && <Loading text="Listing instances…" testId="instances-loading" />}
      {props.error && (
        <div className="form-error" role="alert" data-testid="instances-error">
          {props.error}
        </div>
      )}
      {props.flash && <NoteLine note={props.flash} testId="connect-result" />}
      {instances && instances.length === 0 && (
        <div className="empty" data-testid="instances-empty">
          No instances in this profile and region.
        </div>
      )}
      {instances && instances.length > 0 && (
        <div className="table-wrap">
          <table className="forwards" data-testid="instances-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Instance</th>
                <th>State</th>
                <th>SSM</th>
                <th>Agent</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {sortInstances(instances).map((i) => (
                <tr key={i.instance_id} data-testid={`instance-row-${i.instance_id}`}>
                  <td className="name">{i.name ?? <span className="note">—</span>}</td>
                  <td className="mono">
                    {i.instance_id}
                    {i.private_ip && <div className="sub">{i.private_ip}</div>}
                  </td>
                  <td>
                    <span className={`pill tone-${instanceStateTone(i.state)}`} data-testid="instance-state" data-value={i.state}>
                      {i.state}
                    </span>
                  </td>
                  <td>
                    <span className={`pill tone-${pingTone(i.ssm_ping)}`} data-testid="instance-ping" data-value={i.ssm_ping ?? ''}>
                      {pingText(i.ssm_ping)}
                    </span>
                  </td>
                  <td className="mono" data-testid="instance-agent">
                    {i.agent_version ?? '—'}
                  </td>
                  <td>
                    <div className="actions">
                      <button className="small primary" onClick={() => props.onConnect(i)} data-testid={`instance-connect-${i.instance_id}`}>
                        Connect…
                      </button>
                      <button className="small" onClick={() => props.onDiagnose(i)} data-testid={`instance-diagnose-${i.instance_id}`}>
                        Diagnose
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function InstancesPanel({ client, onConnect }: { client: WarrenClient; onConnect(params: Ec2ConnectParams): Promise<{ name: string; status: string }> }) {
  const [values, setValues] = useState<AwsTargetValues>({ profile: '', region: '' });
  const [errors, setErrors] = useState<Partial<Record<keyof AwsTargetValues, string>>>({});
  const [target, setTarget] = useState<AwsTarget>({});
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const [instances, setInstances] = useState<Ec2Instance[]>();
  const [flash, setFlash] = useState<Note>();
  const [connecting, setConnecting] = useState<Ec2Instance>();
  const [diagnosing, setDiagnosing] = useState<Ec2Instance>();
  const valuesRef = useRef(values);
  useEffect(() => {
    valuesRef.current = values;
  }, [values]);

  const refresh = useCallback(async (): Promise<void> => {
    const checked = validateTarget(valuesRef.current);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    setLoading(true);
    setError(undefined);
    try {
      const r = await client.call('ec2.instances', checked.target);
      setTarget(checked.target);
      setInstances(r.instances);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setLoading(false);
    }
  }, [client]);

  // List once when the view opens, with the daemon's default profile and region.
  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <>
      <InstancesView
        values={values}
        errors={errors}
        loading={loading}
        error={error}
        instances={instances}
        flash={flash}
        onChange={(field, value) => {
          setValues((v) => ({ ...v, [field]: value }));
          setErrors((e) => ({ ...e, [field]: undefined }));
        }}
        onRefresh={() => void refresh()}
        onConnect={(i) => {
          setFlash(undefined);
          setConnecting(i);
        }}
        onDiagnose={setDiagnosing}
      />
      {connecting && (
        <ConnectForm
          instance={connecting}
          target={target}
          onConnect={onConnect}
          onDone={(r) => {
            setConnecting(undefined);
            const active = r.status === 'active';
            setFlash({
              tone: active ? 'ok' : 'warn',
              text: `${r.name}: ${r.status} — listed under Forwards, SSM forwards${active ? '' : ', with the reason it is not connected yet'}.`,
            });
          }}
          onClose={() => setConnecting(undefined)}
        />
      )}
      {diagnosing && <DiagnosePanel client={client} instanceId={diagnosing.instance_id} instanceName={diagnosing.name} target={target} onClose={() => setDiagnosing(undefined)} />}
    </>
  );
}
