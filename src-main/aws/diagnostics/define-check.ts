// Wraps a check body with timing and a catch-all, so one failing AWS call (throttling, a network
// blip) becomes an ERROR result for that item instead of rejecting the whole report.
import type { CheckContext, CheckOutcome, DiagnosticCheck, DiagnosticItemName } from './types.js';
import { errorName } from './aws-facts.js';

export function defineCheck(item: DiagnosticItemName, body: (ctx: CheckContext) => Promise<CheckOutcome>): DiagnosticCheck {
  return async (ctx) => {
    const t0 = performance.now();
    let outcome: CheckOutcome;
    try {
      outcome = await body(ctx);
    } catch (e) {
      outcome = {
        status: 'fail',
        severity: 'ERROR',
        message: `The ${item} check could not complete: ${errorName(e)}: ${e instanceof Error ? e.message : String(e)}`,
        details: { error: errorName(e) },
      };
    }
    return { item, ...outcome, duration_ms: Math.max(0, Math.round(performance.now() - t0)) };
  };
}
