import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SESSION_EVENTS, SESSION_STATES, allowedSessionEvents, nextSessionState } from './session-machine.js';

describe('session state machine', () => {
  it('every defined transition lands on a known state', () => {
    for (const s of SESSION_STATES)
      for (const e of SESSION_EVENTS) {
        const n = nextSessionState(s, e);
        if (n !== undefined) expect(SESSION_STATES).toContain(n);
      }
  });

  it('follows MolePort diagram edges', () => {
    expect(nextSessionState('stopped', 'start')).toBe('starting');
    expect(nextSessionState('starting', 'ready')).toBe('active');
    expect(nextSessionState('starting', 'fail')).toBe('error');
    expect(nextSessionState('active', 'stop')).toBe('stopped');
    expect(nextSessionState('active', 'link_lost')).toBe('reconnecting');
    expect(nextSessionState('reconnecting', 'relinked')).toBe('active');
    expect(nextSessionState('reconnecting', 'retries_exhausted')).toBe('error');
    expect(nextSessionState('error', 'start')).toBe('starting');
    expect(nextSessionState('error', 'dismiss')).toBe('stopped');
    expect(nextSessionState('stopped', 'ready')).toBeUndefined();
  });

  it('any sequence of allowed events keeps the machine in a defined state, and stop is always reachable', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 200 }), (choices) => {
        let state: (typeof SESSION_STATES)[number] = 'stopped';
        for (const c of choices) {
          const allowed = allowedSessionEvents(state);
          expect(allowed.length).toBeGreaterThan(0); // no dead end
          const event = allowed[c % allowed.length]!;
          const next = nextSessionState(state, event);
          expect(next).toBeDefined();
          state = next!;
          // from anywhere but stopped, the user can always get back to stopped in one step
          if (state !== 'stopped') expect(nextSessionState(state, 'stop')).toBe('stopped');
        }
      }),
    );
  });

  it('random (state, event) pairs are either defined transitions or rejected, never anything else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SESSION_STATES), fc.constantFrom(...SESSION_EVENTS), (s, e) => {
        const n = nextSessionState(s, e);
        expect(n === undefined || SESSION_STATES.includes(n)).toBe(true);
        expect(allowedSessionEvents(s).includes(e)).toBe(n !== undefined);
      }),
    );
  });
});
