// Wraps a check body with timing and a catch-all, so one failing AWS call (throttling, a network
// blip, rejected credentials) becomes a "could not check" result for that item instead of
// rejecting the whole report, and never a "fail": nothing was found.
import type { CheckContext, CheckOutcome, DiagnosticCheck, DiagnosticItemName } from './types.js';
import { cliTarget } from './aws-facts.js';
import { couldNotCheck } from './could-not-check.js';

export function defineCheck(item: DiagnosticItemName, body: (ctx: CheckContext) => Promise<CheckOutcome>): DiagnosticCheck {
  return async (ctx) => {
    const t0 = performance.now();
    let outcome: CheckOutcome;
    try {
      outcome = await body(ctx);
    } catch (e) {
      outcome = couldNotCheck(item, e, await cliTarget(ctx).catch(() => undefined));
    }
    return { item, ...outcome, duration_ms: Math.max(0, Math.round(performance.now() - t0)) };
  };
}
