// Issue 10, item 3: every case × every path. One real daemon (and one sshd, emulator, router) for
// the whole file; each path's forwards are started before its cases and removed after them.
// `direct` and `openssh-L` are references: a case either of them fails is a wrong case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES, runCase } from './cases/index.js';
import { PATHS, type OpenPath } from './paths/index.js';
import { startWorld, type World } from './world.js';

describe('TCP conformance', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  for (const def of PATHS) {
    describe(def.name, () => {
      let path: OpenPath | undefined;
      beforeAll(async () => {
        path = await def.open(world);
      }, 60_000);
      afterAll(async () => {
        await path?.stop();
      });

      for (const c of CASES) {
        const limit = def.limits?.[c.id];
        if (limit) {
          it.skip(`${c.name} (not applicable: ${limit})`, () => undefined);
          continue;
        }
        it(c.name, async () => {
          const open = path as OpenPath;
          const failures = await runCase(c, { path: open, servers: world.servers, endpoint: (kind) => open.endpoint(kind) });
          expect(failures, failures.join('\n')).toEqual([]);
        }, 120_000);
      }
    });
  }
});
