// diagnose.aws_config: EC2 Connect's `diagnose aws-config`. Checks run in dependency order:
//   profile, region        local: the shared config files and the clients' region resolution;
//   credentials            the provider chain and STS (needs no configured region, see credentials.ts);
//   (ssm_endpoint needs a region but not credentials, see endpoint.ts)
//   iam_permissions, ssm_endpoint, instance   in parallel, each only when what it needs was found:
//                          otherwise it is reported as blocked by that check and scores 0.
// Every check is timed and a throw becomes an ERROR result for that check, never a failed run.
import {
  awsConfigCheckNames,
  type AwsConfigCheckName,
  type AwsConfigCheckResult,
  type AwsConfigReport,
  type DiagnosticReport,
} from '../../../../src-shared/api/diagnostics.js';
import type { AwsTarget } from '../../aws-clients.js';
import { errorName } from '../aws-facts.js';
import { checkCredentials } from './credentials.js';
import { checkSsmEndpoint } from './endpoint.js';
import { checkIam } from './iam.js';
import { checkInstance } from './instance.js';
import { loadProfileFacts, profileOutcome } from './profile.js';
import { regionOutcome, resolveRegion } from './region.js';
import { AWS_CONFIG_WEIGHTS, awsConfigScore, checkPoints } from './score.js';
import type { AwsConfigEnvironment, AwsConfigFacts, AwsConfigOptions, AwsConfigOutcome } from './types.js';

function finish(check: AwsConfigCheckName, outcome: AwsConfigOutcome, durationMs: number): AwsConfigCheckResult {
  const weight = AWS_CONFIG_WEIGHTS[check];
  const blocked = outcome.blocked_by !== undefined;
  return { check, weight, points: checkPoints({ weight, status: outcome.status, blocked }), ...outcome, duration_ms: Math.max(0, Math.round(durationMs)) };
}

async function timed(check: AwsConfigCheckName, body: () => Promise<AwsConfigOutcome>): Promise<AwsConfigCheckResult> {
  const t0 = performance.now();
  let outcome: AwsConfigOutcome;
  try {
    outcome = await body();
  } catch (e) {
    outcome = {
      status: 'fail',
      severity: 'ERROR',
      message: `The ${check} check could not complete: ${errorName(e)}: ${e instanceof Error ? e.message : String(e)}`,
      details: { error: errorName(e) },
    };
  }
  return finish(check, outcome, performance.now() - t0);
}

function blocked(check: AwsConfigCheckName, by: AwsConfigCheckName, why: string): AwsConfigCheckResult {
  return finish(check, { status: 'skip', severity: 'INFO', message: `Not checked: ${why} (see ${by}).`, details: {}, blocked_by: by }, 0);
}

export async function runAwsConfig(env: AwsConfigEnvironment, opts: AwsConfigOptions): Promise<AwsConfigReport> {
  const now = env.now ?? (() => new Date());
  const startedAt = now();
  // Exactly what diagnose.run and ec2.connect pass, so the same cached clients (and credentials) are judged.
  const target: AwsTarget = { profile: opts.profile, region: opts.region };
  const results: AwsConfigCheckResult[] = [];

  const t0 = performance.now();
  const facts: AwsConfigFacts = { profile: await loadProfileFacts(opts.profile, env.env) };
  results.push(finish('profile', profileOutcome(facts.profile, env.env), performance.now() - t0));

  results.push(
    await timed('region', async () => {
      const r = await resolveRegion(env, target, facts.profile);
      if (r.region) facts.region = r.region;
      return regionOutcome(r, facts.profile, env.env);
    }),
  );

  results.push(
    await timed('credentials', async () => {
      const c = await checkCredentials(env, target, facts.profile, facts.region, opts.includeCredentials);
      if (c.caller) facts.caller = c.caller;
      return c.outcome;
    }),
  );

  const { region, caller } = facts;
  const aws = env.clients.get(target);
  const later: Array<Promise<AwsConfigCheckResult>> = [];
  if (opts.includeIam) {
    if (!region) later.push(Promise.resolve(blocked('iam_permissions', 'region', 'no region to send the probes to')));
    else if (!caller) later.push(Promise.resolve(blocked('iam_permissions', 'credentials', 'the credentials do not work')));
    else later.push(timed('iam_permissions', () => checkIam(aws, region, caller, facts.profile, opts.instanceId)));
  }
  if (!region) later.push(Promise.resolve(blocked('ssm_endpoint', 'region', 'no region, so no SSM endpoint to reach')));
  else later.push(timed('ssm_endpoint', () => checkSsmEndpoint(aws, target, region, opts.connectTimeoutMs)));
  if (opts.instanceId) {
    const id = opts.instanceId;
    if (!region) later.push(Promise.resolve(blocked('instance', 'region', 'no region to look for the instance in')));
    else if (!caller) later.push(Promise.resolve(blocked('instance', 'credentials', 'the credentials do not work')));
    else later.push(timed('instance', () => checkInstance(aws, id, region, caller, facts.profile)));
  }
  results.push(...(await Promise.all(later)));
  results.sort((a, b) => awsConfigCheckNames.indexOf(a.check) - awsConfigCheckNames.indexOf(b.check));

  const score = awsConfigScore(results.map((r) => ({ weight: r.weight, status: r.status, blocked: r.blocked_by !== undefined })));
  return {
    mode: 'aws-config',
    profile: facts.profile.name,
    profile_source: facts.profile.source,
    ...(region ? { region } : {}),
    ...(opts.instanceId ? { instance_id: opts.instanceId } : {}),
    include_credentials: opts.includeCredentials,
    include_iam: opts.includeIam,
    checks: results,
    score,
    minimum_score: opts.minimumScore,
    meets_minimum: score >= opts.minimumScore,
    started_at: startedAt.toISOString(),
    finished_at: now().toISOString(),
  };
}

/**
 * The shape diagnose.history stores: an aws-config run rides in a DiagnosticReport (its own report
 * under aws_config, no connection results), so every kind of run shares one table and one history.
 * Without an instance the instance column is empty; likelihood holds the score rounded down, so a
 * stored 100 always means every counted check passed.
 */
export function asDiagnosticReport(report: AwsConfigReport): DiagnosticReport {
  return {
    instance_id: report.instance_id ?? '',
    ...(report.profile_source === 'default' ? {} : { profile: report.profile }),
    region: report.region ?? '',
    results: [],
    likelihood_percent: Math.floor(report.score),
    started_at: report.started_at,
    finished_at: report.finished_at,
    mode: 'aws-config',
    aws_config: report,
  };
}
