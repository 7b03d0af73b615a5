import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { restorableBounds, type Rect } from './window-bounds.js';

const laptop: Rect = { x: 0, y: 0, width: 1440, height: 875 };
const external: Rect = { x: 1440, y: 0, width: 2560, height: 1415 };

describe('restorableBounds', () => {
  it('restores bounds that are on a display', () => {
    expect(restorableBounds({ x: 100, y: 80, width: 1100, height: 720, maximized: false }, [laptop])).toEqual({
      x: 100,
      y: 80,
      width: 1100,
      height: 720,
      maximized: false,
    });
    expect(restorableBounds({ x: 2000, y: 100, width: 1100, height: 720 }, [laptop, external])).toMatchObject({ x: 2000, maximized: false });
  });

  it('forgets bounds on a display that is gone, or whose title bar is out of reach', () => {
    expect(restorableBounds({ x: 2000, y: 100, width: 1100, height: 720 }, [laptop])).toBeUndefined();
    expect(restorableBounds({ x: 100, y: -500, width: 1100, height: 400 }, [laptop])).toBeUndefined();
    expect(restorableBounds({ x: 1400, y: 100, width: 1100, height: 720 }, [laptop])).toBeUndefined();
  });

  it('shrinks a window bigger than its display', () => {
    expect(restorableBounds({ x: 0, y: 0, width: 2400, height: 1400 }, [laptop])).toMatchObject({ width: 1440, height: 875 });
  });

  it('rejects values that are not bounds (the store file is input from outside)', () => {
    for (const bad of [undefined, null, 'x', { x: 0 }, { x: 0.5, y: 0, width: 800, height: 600 }, { x: 0, y: 0, width: 10, height: 600 }])
      expect(restorableBounds(bad, [laptop])).toBeUndefined();
  });

  it('property: a restored window keeps a reachable title bar inside some display and fits it', () => {
    const rect = fc.record({
      x: fc.integer({ min: -5000, max: 5000 }),
      y: fc.integer({ min: -5000, max: 5000 }),
      width: fc.integer({ min: 200, max: 4000 }),
      height: fc.integer({ min: 150, max: 3000 }),
    });
    fc.assert(
      fc.property(rect, fc.array(rect, { minLength: 1, maxLength: 3 }), (saved, areas) => {
        const r = restorableBounds(saved, areas);
        if (!r) return true;
        return areas.some(
          (a) =>
            r.width <= a.width &&
            r.height <= a.height &&
            Math.min(r.x + r.width, a.x + a.width) - Math.max(r.x, a.x) >= 100 &&
            r.y >= a.y &&
            r.y + 30 <= a.y + a.height,
        );
      }),
    );
  });
});
