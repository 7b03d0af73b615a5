import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';

const ALLOWED = new Set(['closed>open', 'open>half_open', 'half_open>closed', 'half_open>open']);

type Op = { kind: 'success' } | { kind: 'failure' } | { kind: 'advance'; ms: number } | { kind: 'pass' };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ kind: 'success' as const }),
  fc.constant({ kind: 'failure' as const }),
  fc.constant({ kind: 'pass' as const }),
  fc.integer({ min: 0, max: 3000 }).map((ms) => ({ kind: 'advance' as const, ms })),
);

describe('CircuitBreaker', () => {
  it('opens after the threshold, waits openMs, lets one trial through, closes on its success', () => {
    const seen: string[] = [];
    const b = new CircuitBreaker({ failureThreshold: 3, openMs: 1000, onTransition: (f, t) => seen.push(`${f}>${t}`) });
    b.recordFailure(0);
    b.recordFailure(1);
    expect(b.state(1)).toBe('closed');
    b.recordSuccess(2); // a success breaks the run
    b.recordFailure(3);
    b.recordFailure(4);
    expect(b.canPass(4)).toBe(true);
    b.recordFailure(5);
    expect(b.state(5)).toBe('open');
    expect(b.canPass(1004)).toBe(false);
    expect(b.wouldPass(1005)).toBe(true);
    expect(b.canPass(1005)).toBe(true);
    expect(b.state(1005)).toBe('half_open');
    expect(b.canPass(1006)).toBe(false); // one trial at a time
    b.recordSuccess(1100);
    expect(b.state(1100)).toBe('closed');
    expect(b.consecutiveFailures).toBe(0);
    expect(seen).toEqual(['closed>open', 'open>half_open', 'half_open>closed']);
  });

  it('a failed trial opens the circuit again for another openMs', () => {
    const b = new CircuitBreaker({ failureThreshold: 1, openMs: 500 });
    b.recordFailure(0);
    expect(b.canPass(500)).toBe(true);
    b.recordFailure(600);
    expect(b.state(600)).toBe('open');
    expect(b.canPass(1099)).toBe(false);
    expect(b.canPass(1100)).toBe(true);
  });

  it('a success while open does not close it early; a lost trial is handed out again after openMs', () => {
    const b = new CircuitBreaker({ failureThreshold: 1, openMs: 100 });
    b.recordFailure(0);
    b.recordSuccess(50);
    expect(b.state(50)).toBe('open');
    expect(b.canPass(100)).toBe(true);
    expect(b.canPass(150)).toBe(false);
    expect(b.canPass(200)).toBe(true);
  });

  it('random sequences never break the diagram, open at the threshold and never refuse past openMs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 2000 }), fc.array(opArb, { maxLength: 200 }), (threshold, openMs, ops) => {
        let now = 0;
        let modelState = 'closed' as CircuitState; // widened: the callback assigns it
        let openSince = 0;
        let grantedAt: number | undefined;
        const b = new CircuitBreaker({
          failureThreshold: threshold,
          openMs,
          onTransition: (from, to, at) => {
            expect(ALLOWED.has(`${from}>${to}`)).toBe(true);
            expect(from).toBe(modelState);
            modelState = to;
            grantedAt = undefined;
            if (to === 'open') openSince = at;
          },
        });
        for (const op of ops) {
          const before = b.state(now);
          switch (op.kind) {
            case 'advance':
              now += op.ms;
              break;
            case 'failure': {
              const wasClosedBelow = before === 'closed' && b.consecutiveFailures + 1 < threshold;
              b.recordFailure(now);
              // Below the threshold a closed circuit stays closed; otherwise it is open now.
              expect(b.state(now)).toBe(wasClosedBelow ? 'closed' : 'open');
              if (b.consecutiveFailures >= threshold) expect(b.state(now)).toBe('open');
              break;
            }
            case 'success':
              b.recordSuccess(now);
              expect(b.consecutiveFailures).toBe(0);
              expect(b.state(now)).toBe(before === 'half_open' ? 'closed' : before);
              break;
            case 'pass': {
              const ok = b.canPass(now);
              if (before === 'closed') expect(ok).toBe(true);
              if (b.state(now) === 'half_open' && ok) {
                // the trial is out: nobody else until it reports or openMs passes
                expect(b.canPass(now)).toBe(false);
                grantedAt = now;
              }
              break;
            }
          }
          expect(b.state(now)).toBe(modelState);
          // Liveness: openMs after opening (and after a trial that never reported) something may pass.
          const waited = modelState !== 'closed' && now - openSince >= openMs && (grantedAt === undefined || now - grantedAt >= openMs);
          if (waited) expect(b.wouldPass(now)).toBe(true);
          if (modelState === 'open' && now - openSince < openMs) expect(b.wouldPass(now)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });
});
