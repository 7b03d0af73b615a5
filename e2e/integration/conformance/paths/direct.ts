// No tunnel at all: the cases against the servers themselves (sanity of the cases and servers).
import { infoOf } from './info.js';
import type { PathDef } from './types.js';

export const direct: PathDef = {
  name: 'direct',
  semantics: 'tcp',
  parallel: true,
  dialsOnFirstByte: false,
  async open(world) {
    return {
      ...infoOf(direct),
      endpoint: (kind) => ({ port: world.servers.byKind[kind].port }),
      faults: undefined,
      stop: async () => undefined,
    };
  },
};
