// The EFS view: the mount target scaler Warren runs instead of EventBridge + Lambda. Not configured:
// the configure form. Configured: its settings with the schedule switch, "Run now" and "Dry run"
// (efs.run, with live progress from event.efs), the file count against the threshold over time
// (efs.counts), the mount targets by AZ (efs.status) and the stored runs (efs.runs). Asked again
// every few seconds while shown, and at once when a run changes something.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EfsConfigureParams, EfsScalerInfo, WarrenClient } from '../../src-shared/api/index.js';
import { efsActivityReducer, efsEventChangesStatus, formatCount, formatTime, outcomeText, outcomeTone, pickScaler, runNote, scheduleText, type EfsActivity, type EfsSnapshot } from '../state/efs-model.js';
import type { Note } from '../state/routers-model.js';
import type { Polled } from '../state/use-poll.js';
import { describeError } from '../state/use-warren.js';
import { EfsConfigForm } from './efs-config-form.js';
import { EfsCountChart } from './efs-count-chart.js';
import { EfsMountTargets } from './efs-mount-targets.js';
import { EfsRunsTable } from './efs-runs-table.js';
import { Loading } from './loading.js';
import { NoteLine } from './note-line.js';

/** efs.status asks AWS (DescribeMountTargets, GetParameter) each time: modestly. */
export const EFS_POLL_MS = 10_000;
const RUNS_SHOWN = 20;
const COUNTS_SHOWN = 500;

export type EfsBusy = 'run' | 'dry' | 'schedule' | undefined;

export interface EfsViewProps {
  polled: Polled<EfsSnapshot>;
  activity?: EfsActivity | undefined;
  busy: EfsBusy;
  note?: Note | undefined;
  /** The schedule switch as clicked, while efs.schedule is asked (the switch follows the click at once). */
  scheduleWanted?: boolean | undefined;
  editing: boolean;
  onConfigure(params: EfsConfigureParams): Promise<void>;
  onEdit(): void;
  onCancelEdit(): void;
  onRun(dryRun: boolean): void;
  onSchedule(enabled: boolean): void;
  onSelect(name: string): void;
}

/** What the view shows for its data and state; separate from the calls so it renders in tests. */
export function EfsView(props: EfsViewProps) {
  const { data, error, loading } = props.polled;
  const scaler = data?.status?.scaler ?? data?.scalers.find((s) => s.name === data.name);
  return (
    <section className="efs" data-testid="efs-panel">
      {loading && !data && <Loading text="Asking for the EFS scaler…" testId="efs-loading" />}
      {error && (
        <div className="form-error" role="alert" data-testid="efs-error">
          {error}
        </div>
      )}
      {data && data.scalers.length === 0 && (
        <>
          <div className="panel-head">
            <h2>EFS mount target scaler</h2>
          </div>
          <p className="hint efs-intro" data-testid="efs-not-configured">
            Not configured. Warren counts the files in the mounted directory on a schedule and, above the threshold, adds a mount target in a free availability zone,
            publishes the list to the SSM parameter and forces one ECS deployment.
          </p>
          <EfsConfigForm onSave={props.onConfigure} />
        </>
      )}
      {data && scaler && props.editing && (
        <>
          <div className="panel-head">
            <h2>Edit EFS scaler {scaler.name}</h2>
          </div>
          <EfsConfigForm config={scaler.config} onSave={props.onConfigure} onCancel={props.onCancelEdit} />
        </>
      )}
      {data && scaler && !props.editing && <EfsConfigured {...props} data={data} scaler={scaler} />}
    </section>
  );
}

function EfsConfigured(props: EfsViewProps & { data: EfsSnapshot; scaler: EfsScalerInfo }) {
  const { data, scaler, activity, busy } = props;
  const c = scaler.config;
  const status = data.status;
  const last = status?.last_run ?? data.runs[0];
  const running = busy === 'run' || busy === 'dry' || activity?.running === true || scaler.running;
  const counts = data.counts.length > 0 ? data.counts : (status?.counts ?? []);
  const progress = activity?.running
    ? `${activity.trigger === 'schedule' ? 'Scheduled run: ' : activity.dryRun ? 'Dry run: ' : ''}${activity.text}`
    : busy === 'run' || busy === 'dry'
      ? `${busy === 'dry' ? 'Dry run: ' : ''}${activity ? 'finishing…' : 'starting…'}`
      : scaler.running
        ? 'A run is under way…'
        : undefined;
  return (
    <>
      <div className="panel-head">
        <h2>EFS mount target scaler</h2>
        <div className="head-buttons">
          {data.scalers.length > 1 && (
            <select value={scaler.name} onChange={(e) => props.onSelect(e.target.value)} aria-label="Scaler" data-testid="efs-scaler-select">
              {data.scalers.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
          <button onClick={props.onEdit} disabled={running} data-testid="efs-edit">
            Edit
          </button>
          <button onClick={() => props.onRun(true)} disabled={running} data-testid="efs-dry-run" title="Count and plan; change nothing">
            Dry run
          </button>
          <button className="primary" onClick={() => props.onRun(false)} disabled={running} data-testid="efs-run">
            Run now
          </button>
        </div>
      </div>
      <div className="card efs-summary" data-testid="efs-summary" data-name={scaler.name}>
        <dl className="facts efs-facts">
          <dt>File system</dt>
          <dd className="mono" data-testid="efs-summary-fs">
            {c.file_system_id}
          </dd>
          <dt>Directory</dt>
          <dd className="mono" data-testid="efs-summary-dir">
            {c.directory}
            {c.recursive && <span className="tag">recursive</span>}
          </dd>
          <dt>Threshold</dt>
          <dd data-testid="efs-summary-threshold">{formatCount(c.threshold)} files</dd>
          <dt>Interval</dt>
          <dd data-testid="efs-summary-interval">{c.interval}</dd>
          <dt>Schedule</dt>
          <dd>
            <label className="switch">
              <input
                type="checkbox"
                role="switch"
                checked={props.scheduleWanted ?? scaler.schedule_enabled}
                aria-checked={props.scheduleWanted ?? scaler.schedule_enabled}
                disabled={busy === 'schedule'}
                onChange={(e) => props.onSchedule(e.target.checked)}
                data-testid="efs-schedule-toggle"
              />
              <span data-testid="efs-schedule-text">{(props.scheduleWanted ?? scaler.schedule_enabled) ? 'on' : 'off'}</span>
            </label>
            <span className="note"> {scheduleText(scaler)}</span>
          </dd>
          <dt>Last run</dt>
          <dd data-testid="efs-summary-last">
            {last ? (
              <>
                {formatTime(last.timestamp)}{' '}
                <span className={`pill tone-${outcomeTone(last.outcome)}`} data-value={last.outcome}>
                  {outcomeText(last.outcome)}
                </span>
              </>
            ) : (
              <span className="note">never</span>
            )}
          </dd>
          <dt>SSM parameter</dt>
          <dd className="mono">{c.ssm_parameter}</dd>
          <dt>ECS service</dt>
          <dd className="mono">
            {c.ecs_cluster}/{c.ecs_service}
          </dd>
          <dt>VPC</dt>
          <dd className="mono">
            {c.vpc_id} · {c.security_group_id}
          </dd>
          <dt>AWS</dt>
          <dd className="mono">
            {c.profile ?? 'default profile'} · {c.region ?? 'default region'}
          </dd>
        </dl>
      </div>
      {progress && <Loading text={progress} testId="efs-progress" />}
      {!progress && props.note && <NoteLine note={props.note} testId="efs-run-result" />}
      {!progress && !props.note && activity && !activity.running && (
        <NoteLine note={{ tone: activity.outcome ? outcomeTone(activity.outcome) : activity.failed ? 'bad' : 'muted', text: activity.text }} testId="efs-run-result" />
      )}
      <div className="card">
        <h4>File count vs threshold</h4>
        <EfsCountChart samples={counts} threshold={c.threshold} />
      </div>
      <div className="card">
        <h4>Mount targets by availability zone</h4>
        <EfsMountTargets targets={status?.mount_targets} awsError={status?.aws_error} plan={last?.plan} zones={status?.zones} />
      </div>
      <div className="card">
        <h4>Runs</h4>
        <EfsRunsTable runs={data.runs} />
      </div>
    </>
  );
}

async function loadEfs(client: WarrenClient, chosen: string | undefined): Promise<EfsSnapshot> {
  const { scalers } = await client.call('efs.list');
  const name = pickScaler(scalers, chosen);
  if (!name) return { scalers, runs: [], counts: [] };
  const [status, runs, counts] = await Promise.all([
    client.call('efs.status', { name }),
    client.call('efs.runs', { name, limit: RUNS_SHOWN }),
    client.call('efs.counts', { name, limit: COUNTS_SHOWN }),
  ]);
  return { scalers, name, status, runs: runs.runs, counts: counts.samples };
}

/** Like usePoll, plus "ask again now" (after an event or an action) and "show this" (after a save). */
function useEfsSnapshot(client: WarrenClient, chosen: string | undefined) {
  const [polled, setPolled] = useState<Polled<EfsSnapshot>>({ loading: true });
  const chosenRef = useRef(chosen);
  const kick = useRef<() => void>(() => undefined);
  useEffect(() => {
    chosenRef.current = chosen;
  }, [chosen]);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    let again = false;
    const round = async (now: boolean): Promise<void> => {
      if (inFlight) {
        again = true; // one request at a time; the next answer is asked for right after
        return;
      }
      clearTimeout(timer);
      inFlight = true;
      if (now || typeof document === 'undefined' || !document.hidden) {
        try {
          const data = await loadEfs(client, chosenRef.current);
          if (!stopped) setPolled({ data, loading: false });
        } catch (e) {
          if (!stopped) setPolled((s) => ({ ...s, error: describeError(e), loading: false }));
        }
      }
      inFlight = false;
      if (stopped) return;
      if (again) {
        again = false;
        void round(true);
      } else timer = setTimeout(() => void round(false), EFS_POLL_MS);
    };
    kick.current = () => void round(true);
    void round(true);
    return () => {
      stopped = true;
      clearTimeout(timer);
      kick.current = () => undefined;
    };
  }, [client]);

  const refresh = useCallback(() => kick.current(), []);
  const show = useCallback((data: EfsSnapshot) => setPolled({ data, loading: false }), []);
  return { polled, refresh, show };
}

export function EfsPanel({ client }: { client: WarrenClient }) {
  const [chosen, setChosen] = useState<string>();
  const { polled, refresh, show } = useEfsSnapshot(client, chosen);
  const [activity, setActivity] = useState<EfsActivity>();
  const [busy, setBusy] = useState<EfsBusy>();
  const [note, setNote] = useState<Note>();
  const [editing, setEditing] = useState(false);
  const [scheduleWanted, setScheduleWanted] = useState<boolean>();
  const name = polled.data?.name;
  const nameRef = useRef(name);
  useEffect(() => {
    nameRef.current = name;
  }, [name]);

  // Progress of this scaler's runs, whoever started them (this window, the CLI, the schedule).
  useEffect(
    () =>
      client.on('event.efs', (e) => {
        const current = nameRef.current;
        if (current === undefined || e.name !== current) return;
        setActivity((a) => efsActivityReducer(a, e, current));
        if (efsEventChangesStatus(e)) refresh();
      }),
    [client, refresh],
  );
  // event.efs reaches this window only while it is subscribed: while the view is shown.
  useEffect(() => {
    let closed = false;
    let id: string | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const subscribe = async (): Promise<void> => {
      try {
        const r = await client.call('events.subscribe', { types: ['efs'] });
        if (closed) void client.call('events.unsubscribe', { subscription_id: r.subscription_id }).catch(() => undefined);
        else id = r.subscription_id;
      } catch {
        if (!closed) retry = setTimeout(() => void subscribe(), 5000);
      }
    };
    void subscribe();
    return () => {
      closed = true;
      clearTimeout(retry);
      if (id !== undefined) void client.call('events.unsubscribe', { subscription_id: id }).catch(() => undefined);
    };
  }, [client]);
  // Another scaler chosen: ask for it now.
  useEffect(() => {
    if (chosen !== undefined) refresh();
  }, [chosen, refresh]);

  const configure = async (params: EfsConfigureParams): Promise<void> => {
    const info = await client.call('efs.configure', params);
    setChosen(info.name);
    setNote(undefined);
    try {
      show(await loadEfs(client, info.name));
    } catch {
      refresh();
    }
    setEditing(false);
  };

  const run = async (dryRun: boolean): Promise<void> => {
    if (name === undefined) return;
    setBusy(dryRun ? 'dry' : 'run');
    setNote(undefined);
    setActivity(undefined);
    try {
      setNote(runNote(await client.call('efs.run', { name, dry_run: dryRun })));
    } catch (e) {
      const text = describeError(e);
      // A long wait for "available" outlives the call's timeout; the run goes on and its events say so.
      setNote(/timed out/.test(text) ? { tone: 'warn', text: `${text}: the run goes on in Warren; its progress and record show here.` } : { tone: 'bad', text });
    } finally {
      setBusy(undefined);
      refresh();
    }
  };

  const schedule = async (enabled: boolean): Promise<void> => {
    if (name === undefined) return;
    setBusy('schedule');
    setScheduleWanted(enabled);
    try {
      const info = await client.call('efs.schedule', { name, enabled });
      const data = polled.data;
      if (data)
        show({
          ...data,
          scalers: data.scalers.map((s) => (s.name === info.name ? info : s)),
          ...(data.status ? { status: { ...data.status, scaler: info } } : {}),
        });
    } catch (e) {
      setNote({ tone: 'bad', text: `Schedule: ${describeError(e)}` });
    } finally {
      setScheduleWanted(undefined);
      setBusy(undefined);
    }
  };

  return (
    <EfsView
      polled={polled}
      activity={activity}
      busy={busy}
      note={note}
      scheduleWanted={scheduleWanted}
      editing={editing}
      onConfigure={configure}
      onEdit={() => setEditing(true)}
      onCancelEdit={() => setEditing(false)}
      onRun={(dry) => void run(dry)}
      onSchedule={(enabled) => void schedule(enabled)}
      onSelect={(n) => {
        setChosen(n);
        setActivity(undefined);
        setNote(undefined);
      }}
    />
  );
}
