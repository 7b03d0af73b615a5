import { describe, expect, it } from 'vitest';
import { keyAgeDays, rotationDue } from './key-age.js';

const DAY = 24 * 60 * 60 * 1000;

describe('key age', () => {
  const createdAt = new Date(Date.UTC(2025, 0, 1));
  const at = (days: number): Date => new Date(createdAt.getTime() + days * DAY);

  it('counts whole days, never negative', () => {
    expect(keyAgeDays({ createdAt }, at(0))).toBe(0);
    expect(keyAgeDays({ createdAt }, at(29.9))).toBe(29);
    expect(keyAgeDays({ createdAt }, at(-3))).toBe(0);
  });

  it('rotation is due at 30 days by default, or at the given age', () => {
    expect(rotationDue({ createdAt }, at(29.99))).toBe(false);
    expect(rotationDue({ createdAt }, at(30))).toBe(true);
    expect(rotationDue({ createdAt }, at(7), 7)).toBe(true);
  });
});
