// The scaler's stored runs (efs.runs), newest first: when, why, dry run or not, the outcome in its
// colour, the count against the threshold, the mount target made, the deployment, and the error.
import type { EfsRun } from '../../src-shared/api/index.js';
import { runRow } from '../state/efs-model.js';

export function EfsRunsTable({ runs }: { runs: readonly EfsRun[] }) {
  if (runs.length === 0)
    return (
      <div className="empty" data-testid="efs-runs-empty">
        No runs yet. “Dry run” shows what a run would do without changing anything.
      </div>
    );
  return (
    <div className="table-wrap">
      <table className="forwards efs-runs" data-testid="efs-runs">
        <thead>
          <tr>
            <th>Time</th>
            <th>Trigger</th>
            <th>Outcome</th>
            <th className="num">Files / threshold</th>
            <th>New mount target</th>
            <th>Deployment</th>
            <th>Took</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            const r = runRow(run);
            return (
              <tr key={r.id} data-testid="efs-run-row" data-run-id={r.id} data-outcome={r.outcome} data-dry-run={String(run.dry_run)}>
                <td className="mono">{r.time}</td>
                <td>
                  {r.trigger}
                  {r.mode && (
                    <span className="tag" data-testid="efs-run-dry">
                      {r.mode}
                    </span>
                  )}
                </td>
                <td>
                  <span className={`pill tone-${r.tone}`} data-testid="efs-run-outcome" data-tone={r.tone}>
                    {r.outcomeText}
                  </span>
                </td>
                <td className="num" data-testid="efs-run-count">
                  {r.count}
                </td>
                <td className="mono" data-testid="efs-run-target">
                  {r.mountTarget}
                </td>
                <td data-testid="efs-run-deployment">{r.deployment}</td>
                <td className="num">{r.duration}</td>
                <td className="efs-run-error" title={r.error || undefined}>
                  {r.error && (
                    <span className={run.outcome === 'failed' ? 'tone-bad' : 'tone-warn'} data-testid="efs-run-error">
                      {r.error}
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
