// What a diagnose run shows: live progress while it runs (stage n/m, each finished item, a spinner
// for the running stage), then the likelihood and every result coloured by severity, with each
// recommendation's commands and policy JSON ready to copy. Pure: renders in tests.
import { diagnosticItemDescriptions } from '../../src-shared/api/diagnose-contract.js';
import type { DiagnosticResult } from '../../src-shared/api/diagnostics.js';
import { likelihoodTone, orderedResults, resultTone, runningText, stageLabel, type DiagnoseRun } from '../state/diagnose-model.js';
import { CodeBlock } from './code-block.js';
import { Loading } from './loading.js';

function ResultLine({ result }: { result: DiagnosticResult }) {
  const tone = resultTone(result);
  const rec = result.recommendation;
  return (
    <li className={`diag-result tone-${tone}`} data-testid={`diag-result-${result.item}`} data-status={result.status} data-severity={result.severity} data-tone={tone}>
      <div className="diag-head">
        <span className={`pill tone-${tone}`} data-testid="diag-severity">
          {result.status === 'pass' ? 'PASS' : result.status === 'skip' ? 'SKIP' : result.severity}
        </span>
        <span className="diag-item mono" title={diagnosticItemDescriptions[result.item]}>
          {result.item}
        </span>
        <span className="diag-message" data-testid="diag-message">
          {result.message}
        </span>
      </div>
      {rec && (
        <div className="diag-rec" data-testid={`diag-rec-${result.item}`}>
          <div className="diag-rec-summary">{rec.summary}</div>
          {rec.commands && rec.commands.length > 0 && <CodeBlock text={rec.commands.join('\n')} label="commands" testId={`diag-commands-${result.item}`} />}
          {rec.policy_json && <CodeBlock text={rec.policy_json} label="policy JSON" testId={`diag-policy-${result.item}`} />}
        </div>
      )}
    </li>
  );
}

export function DiagnoseProgress({ run }: { run: DiagnoseRun }) {
  return (
    <div className="diag-progress" data-testid="diag-progress">
      <ol className="diag-steps">
        {run.progress.map((e) => {
          const tone = resultTone(e.result);
          return (
            <li key={e.item} className={`tone-${tone}`} data-testid={`diag-step-${e.item}`} data-status={e.result.status}>
              {stageLabel(e) && (
                <span className="note" data-testid="diag-stage">
                  stage {stageLabel(e)}
                </span>
              )}{' '}
              <span className="mono">{e.item}</span>: {e.result.status}
            </li>
          );
        })}
      </ol>
      {run.phase === 'running' && <Loading text={runningText(run)} testId="diag-running" />}
    </div>
  );
}

export function DiagnoseReport({ run }: { run: DiagnoseRun }) {
  const report = run.report;
  return (
    <div className="diag" data-testid="diag-report">
      {(run.phase === 'running' || run.progress.length > 0) && <DiagnoseProgress run={run} />}
      {run.phase === 'failed' && (
        <div className="form-error" role="alert" data-testid="diag-error">
          {run.error}
        </div>
      )}
      {report && (
        <>
          <div className="diag-summary">
            <span>Connection likelihood</span>
            <span className={`pill tone-${likelihoodTone(report.likelihood_percent)}`} data-testid="diag-likelihood" data-value={report.likelihood_percent}>
              {report.likelihood_percent}%
            </span>
            <span className="note">
              {report.mode}
              {report.aborted_after_stage ? ` · stopped after the ${report.aborted_after_stage} stage (CRITICAL)` : ''} · {report.region}
            </span>
          </div>
          <ul className="diag-results" data-testid="diag-results">
            {orderedResults(report.results).map((r) => (
              <ResultLine key={r.item} result={r} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
