// What a diagnose run shows: live progress while it runs (stage n/m, each finished item, a spinner
// for the running stage), then the likelihood and every result coloured by severity, with each
// recommendation's commands and policy JSON ready to copy. A check that could not run shows as such,
// with why and what to try, and the fix the window can do itself as a button (check again, sign in
// with SSO), not a command to paste. Pure: renders in tests.
import { diagnosticItemDescriptions } from '../../src-shared/api/diagnose-contract.js';
import type { DiagnosticResult } from '../../src-shared/api/diagnostics.js';
import { COULD_NOT_CHECK_WHY, couldNotCheckFixes, likelihoodTone, orderedResults, resultTone, runningText, stageLabel, type DiagnoseRun } from '../state/diagnose-model.js';
import { CodeBlock } from './code-block.js';
import { Loading } from './loading.js';

/** What the window can do about a check that could not run; absent: no buttons. */
export interface DiagnoseFixActions {
  busy: boolean;
  retry(): void;
  ssoLogin(): void;
}

function CouldNotCheck({ result, actions }: { result: DiagnosticResult; actions: DiagnoseFixActions | undefined }) {
  const fixes = actions ? couldNotCheckFixes(result) : [];
  return (
    <div className="diag-rec diag-unchecked" data-testid={`diag-unchecked-${result.item}`} data-reason={result.reason}>
      <div data-testid="diag-unchecked-why">Not checked: {result.reason ? COULD_NOT_CHECK_WHY[result.reason] : 'no answer'}.</div>
      {result.recommendation && <div className="diag-rec-summary" data-testid="diag-unchecked-try">What to try: {result.recommendation.summary}</div>}
      {fixes.length > 0 && (
        <div className="buttons">
          {fixes.includes('sso_login') && (
            <button type="button" disabled={actions?.busy} onClick={() => actions?.ssoLogin()} data-testid={`diag-fix-sso-${result.item}`}>
              Sign in with SSO, then check again
            </button>
          )}
          {fixes.includes('retry') && (
            <button type="button" disabled={actions?.busy} onClick={() => actions?.retry()} data-testid={`diag-fix-retry-${result.item}`}>
              Check again
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function ResultLine({ result, actions }: { result: DiagnosticResult; actions: DiagnoseFixActions | undefined }) {
  const tone = resultTone(result);
  const rec = result.recommendation;
  const unchecked = result.status === 'could_not_check';
  return (
    <li
      className={`diag-result tone-${tone}`}
      data-testid={`diag-result-${result.item}`}
      data-status={result.status}
      data-severity={result.severity}
      data-tone={tone}
      {...(result.reason ? { 'data-reason': result.reason } : {})}
    >
      <div className="diag-head">
        <span className={`pill tone-${tone}`} data-testid="diag-severity">
          {result.status === 'pass' ? 'PASS' : result.status === 'skip' ? 'SKIP' : unchecked ? 'COULD NOT CHECK' : result.severity}
        </span>
        <span className="diag-item mono" title={diagnosticItemDescriptions[result.item]}>
          {result.item}
        </span>
        <span className="diag-message" data-testid="diag-message">
          {result.message}
        </span>
      </div>
      {unchecked && <CouldNotCheck result={result} actions={actions} />}
      {rec && !unchecked && (
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

export function DiagnoseReport({ run, actions }: { run: DiagnoseRun; actions?: DiagnoseFixActions }) {
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
              <ResultLine key={r.item} result={r} actions={actions} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
