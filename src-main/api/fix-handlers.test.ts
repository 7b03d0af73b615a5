import { describe, expect, it } from 'vitest';
import { fixOutcome } from './fix-handlers.js';

describe('fixOutcome', () => {
  const base = { mode: 'apply' as const, planned: 2, applied: 0, failed: 0, plannedAfter: 2 };
  it('names how a run ended', () => {
    expect(fixOutcome({ ...base, planned: 0, plannedAfter: 0 })).toBe('nothing-to-fix');
    expect(fixOutcome({ ...base, mode: 'dry-run' })).toBe('planned');
    expect(fixOutcome({ ...base, applied: 2, plannedAfter: 0 })).toBe('fixed');
    expect(fixOutcome({ ...base, applied: 1, failed: 1, plannedAfter: 1 })).toBe('partial');
    expect(fixOutcome({ ...base, failed: 1 })).toBe('failed');
    expect(fixOutcome(base)).toBe('manual');
  });
});
