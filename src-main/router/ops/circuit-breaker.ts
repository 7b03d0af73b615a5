// One source endpoint's circuit breaker (conduit-spec "サーキットブレーカー機能"): after a run of
// failures the router stops dialing the endpoint for a while instead of making every client wait for
// a connect timeout, then lets a single trial through to find out whether it is back.
//
//   closed ──failureThreshold failures in a row──► open ──openMs──► half_open
//     ▲                                               ▲                │
//     └──────────────── trial (or any) success ───────┼────────────────┤
//                                                     └─── failure ────┘
//
// Failures are whatever the owner reports: failed connects from real traffic and failed health
// checks alike. Time is passed in (`now`, ms) so the diagram is testable without timers.
import type { CircuitState } from '../../../src-shared/api/conduit-router.js';

export type { CircuitState };

export interface CircuitBreakerOptions {
  /** Consecutive failures that open a closed circuit (at least 1). */
  failureThreshold: number;
  /** How long an open circuit refuses before letting a trial through. */
  openMs: number;
  /** Called on every state change, synchronously, after the change. */
  onTransition?: (from: CircuitState, to: CircuitState, now: number) => void;
}

export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  /** When the half-open trial was handed out; undefined while none is out. */
  private trialAt: number | undefined;
  private readonly threshold: number;
  private readonly openMs: number;
  private readonly onTransition: CircuitBreakerOptions['onTransition'];

  constructor(options: CircuitBreakerOptions) {
    this.threshold = Math.max(1, Math.floor(options.failureThreshold));
    this.openMs = Math.max(0, options.openMs);
    this.onTransition = options.onTransition;
  }

  /** Failures (from traffic or checks) since the last success. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** The state at `now`: an open circuit whose openMs has passed is half-open. */
  state(now: number): CircuitState {
    if (this.current === 'open' && now - this.openedAt >= this.openMs) this.moveTo('half_open', now);
    return this.current;
  }

  /** Whether a connection may go through now, without taking the half-open trial (for choosing). */
  wouldPass(now: number): boolean {
    switch (this.state(now)) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half_open':
        return this.trialAvailable(now);
    }
  }

  /**
   * Whether a connection may go through now. In half-open this hands out the one trial: later calls
   * say no until its outcome is recorded. A trial whose outcome never comes (the caller lost track
   * of it) is given again after openMs, so the circuit cannot get stuck refusing.
   */
  canPass(now: number): boolean {
    if (!this.wouldPass(now)) return false;
    if (this.current === 'half_open') this.trialAt = now;
    return true;
  }

  recordSuccess(now: number): void {
    this.failures = 0;
    // An open circuit stays open until its time is up: one lucky answer mid-outage proves little.
    if (this.state(now) === 'half_open') this.moveTo('closed', now);
  }

  recordFailure(now: number): void {
    this.failures++;
    const state = this.state(now);
    if (state === 'half_open' || (state === 'closed' && this.failures >= this.threshold)) {
      this.openedAt = now;
      this.moveTo('open', now);
    }
    // Failures while open do not extend the wait, so a trial always comes openMs after opening.
  }

  private trialAvailable(now: number): boolean {
    return this.trialAt === undefined || now - this.trialAt >= this.openMs;
  }

  private moveTo(to: CircuitState, now: number): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.trialAt = undefined;
    this.onTransition?.(from, to, now);
  }
}
