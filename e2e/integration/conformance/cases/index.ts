// The table of cases every path runs (issue 10, item 1), and the runner that repeats each size and
// turns failures into one message per size: path, case, size, try, expected vs got.
import { backpressure } from './backpressure.js';
import { serverFirstThenClose, writeThenClose } from './close.js';
import { halfCloseFromClient, halfCloseFromServer } from './half-close.js';
import { manyShort } from './many-short.js';
import { resetByClient, resetByServer } from './reset.js';
import type { CaseContext, ConformanceCase } from './types.js';

export type { CaseContext, ConformanceCase } from './types.js';

export const CASES: readonly ConformanceCase[] = [
  halfCloseFromClient,
  halfCloseFromServer,
  writeThenClose,
  serverFirstThenClose,
  resetByServer,
  resetByClient,
  backpressure,
  manyShort,
];

/** Each size `repeat` times; the first failure of a size ends that size (a failing path stays fast). */
export async function runCase(c: ConformanceCase, ctx: CaseContext): Promise<string[]> {
  const failures: string[] = [];
  for (const size of c.sizes) {
    const tries = c.repeat(size);
    for (let i = 1; i <= tries; i++) {
      try {
        await c.run(ctx, size);
      } catch (e) {
        failures.push(`${ctx.path.name} | ${c.name} | size ${size} | try ${i}/${tries}: ${e instanceof Error ? e.message : String(e)}`);
        break;
      }
    }
  }
  return failures;
}
