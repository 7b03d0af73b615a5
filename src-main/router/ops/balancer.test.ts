import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SourceBalancer } from './balancer.js';
import { sourceHealthSchema, type SourceStatus } from '../../../src-shared/api/conduit-router.js';

const EPS = ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80', '10.0.0.4:80', '10.0.0.5:80'];

/** What health() says about whether an endpoint may be chosen (a half-open trial may already be out). */
function eligible(b: SourceBalancer, now: number): { address: string; circuit: string; status: string; active_connections: number }[] {
  return b.health(now).endpoints.filter((e) => e.status !== 'down' && e.circuit !== 'open');
}

describe('SourceBalancer', () => {
  it('round robin spreads evenly over the healthy endpoints', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.uniqueArray(fc.integer({ min: 0, max: 4 })), fc.integer({ min: 1, max: 20 }), (n, downIdx, rounds) => {
        const eps = EPS.slice(0, n);
        const b = new SourceBalancer({ name: 's', endpoints: eps, strategy: 'round_robin', failureThreshold: 100 });
        for (const i of downIdx) if (i < n) b.healthResult(eps[i]!, false, null, 0);
        const healthy = eps.filter((_, i) => !downIdx.includes(i));
        const counts = new Map<string, number>();
        for (let k = 0; k < rounds * healthy.length; k++) {
          const ep = b.pick(1);
          expect(ep).toBeDefined();
          counts.set(ep!, (counts.get(ep!) ?? 0) + 1);
        }
        expect([...counts.keys()].sort()).toEqual([...healthy].sort());
        for (const c of counts.values()) expect(c).toBe(rounds);
        if (healthy.length === 0) expect(b.pick(1)).toBeUndefined();
      }),
    );
  });

  type Op =
    | { kind: 'fail' | 'ok' | 'check_fail' | 'check_ok' | 'open_conn' | 'close_conn'; ep: number }
    | { kind: 'advance'; ms: number }
    | { kind: 'pick'; exclude: number[] };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constantFrom('fail' as const, 'ok' as const, 'check_fail' as const, 'check_ok' as const, 'open_conn' as const, 'close_conn' as const), ep: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1500 }) }),
    fc.record({ kind: fc.constant('pick' as const), exclude: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }) }),
  );

  for (const strategy of ['round_robin', 'least_connections'] as const) {
    it(`${strategy} never picks a down, open or excluded endpoint, and says undefined only when nothing is left`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 150 }), (ops) => {
          const eps = EPS.slice(0, 4);
          const b = new SourceBalancer({ name: 's', endpoints: eps, strategy, failureThreshold: 2, openMs: 1000 });
          let now = 0;
          for (const op of ops) {
            switch (op.kind) {
              case 'advance':
                now += op.ms;
                break;
              case 'fail':
                b.reportFailure(eps[op.ep]!, now);
                break;
              case 'ok':
                b.reportSuccess(eps[op.ep]!, now);
                break;
              case 'check_fail':
                b.healthResult(eps[op.ep]!, false, null, now);
                break;
              case 'check_ok':
                b.healthResult(eps[op.ep]!, true, 2, now);
                break;
              case 'open_conn':
                b.connectionOpened(eps[op.ep]!);
                break;
              case 'close_conn':
                b.connectionClosed(eps[op.ep]!);
                break;
              case 'pick': {
                const exclude = new Set(op.exclude.map((i) => eps[i]!));
                const candidates = eligible(b, now).filter((e) => !exclude.has(e.address));
                const picked = b.pick(now, exclude);
                if (picked === undefined) {
                  // only half-open endpoints whose trial is already out may remain
                  for (const c of candidates) expect(c.circuit).toBe('half_open');
                  break;
                }
                const chosen = candidates.find((c) => c.address === picked);
                expect(chosen).toBeDefined();
                // (a half-open candidate may have its trial out already, so compare only when all are closed)
                if (strategy === 'least_connections' && candidates.every((c) => c.circuit === 'closed'))
                  expect(chosen!.active_connections).toBe(Math.min(...candidates.map((c) => c.active_connections)));
                break;
              }
            }
          }
          expect(sourceHealthSchema.safeParse(b.health(now)).success).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('least connections picks an endpoint with the fewest connections and rotates among ties', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 5 }), (loads) => {
        const eps = EPS.slice(0, loads.length);
        const b = new SourceBalancer({ name: 's', endpoints: eps, strategy: 'least_connections' });
        eps.forEach((ep, i) => {
          for (let k = 0; k < loads[i]!; k++) b.connectionOpened(ep);
        });
        for (let k = 0; k < 20; k++) {
          const picked = b.pick(0)!;
          const active = b.health(0).endpoints.map((e) => e.active_connections);
          expect(active[eps.indexOf(picked)]).toBe(Math.min(...active));
          b.connectionOpened(picked);
        }
        const final = b.health(0).endpoints.map((e) => e.active_connections);
        expect(Math.max(...final) - Math.min(...final)).toBeLessThanOrEqual(Math.max(1, Math.max(...loads) - Math.min(...loads)));
      }),
    );
  });

  it('fails over: after failed connects the router excludes what it tried; circuits open, a trial comes back', () => {
    const statuses: [SourceStatus, SourceStatus][] = [];
    const circuits: string[] = [];
    const b = new SourceBalancer({
      name: 'db',
      endpoints: ['a:1', 'b:1'],
      strategy: 'round_robin',
      failureThreshold: 2,
      openMs: 1000,
      onStatusChange: (from, to) => statuses.push([from, to]),
      onCircuitTransition: (ep, from, to) => circuits.push(`${ep} ${from}>${to}`),
    });
    const tried = new Set<string>();
    const first = b.pick(0, tried)!;
    tried.add(first);
    b.reportFailure(first, 0);
    const second = b.pick(0, tried)!;
    expect(second).not.toBe(first);
    tried.add(second);
    expect(b.pick(0, tried)).toBeUndefined();

    b.reportFailure('a:1', 10);
    b.reportFailure('b:1', 10);
    b.reportFailure('b:1', 10);
    expect(b.pick(10)).toBeUndefined();
    expect(b.health(10).status).toBe('down');
    expect(b.pick(1010)).toBeDefined(); // the trial
    b.reportSuccess('a:1', 1020);
    // b waits half-open for its trial: usable, so the source counts as up again
    expect(b.health(1020).endpoints.map((e) => e.circuit)).toEqual(['closed', 'half_open']);
    expect(b.health(1020).status).toBe('up');
    expect(b.pick(1020)).toBe('b:1');
    b.reportSuccess('b:1', 1030);
    expect(b.health(1030).endpoints.map((e) => e.circuit)).toEqual(['closed', 'closed']);
    expect(circuits).toContain('a:1 closed>open');
    expect(circuits).toContain('a:1 half_open>closed');
    expect(statuses[0]).toEqual(['up', 'degraded']);
    expect(statuses).toContainEqual(['degraded', 'down']);
    expect(statuses.at(-1)![1]).toBe('up');
  });

  it('health checks mark endpoints down at once and their failures count toward the circuit', () => {
    const b = new SourceBalancer({ name: 'web', endpoints: ['a:1', 'b:1'], strategy: 'round_robin', failureThreshold: 2, openMs: 5000 });
    b.healthResult('a:1', false, null, 100);
    expect(b.pick(100)).toBe('b:1');
    expect(b.pick(100)).toBe('b:1');
    b.healthResult('a:1', false, null, 200);
    const a = b.health(200).endpoints[0]!;
    expect(a).toMatchObject({ status: 'down', circuit: 'open', consecutive_failures: 2, last_check_at: new Date(200).toISOString(), last_ok_at: null });
    b.healthResult('a:1', true, 3.5, 5200); // open → half-open by time, then the check closes it
    expect(b.health(5200).endpoints[0]).toMatchObject({ status: 'up', circuit: 'closed', latency_ms: 3.5, consecutive_failures: 0 });
    expect(sourceHealthSchema.parse(b.health(5200)).status).toBe('up');
  });
});
