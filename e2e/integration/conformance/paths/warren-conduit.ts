// A Warren Conduit TCP tunnel per target server, through the daemon to the in-process test router.
import { freePort } from '../../../fixtures/ports.js';
import type { ServerKind } from '../servers.js';
import { infoOf } from './info.js';
import { SERVER_KINDS, type PathDef } from './types.js';

export const warrenConduit: PathDef = {
  name: 'warren-conduit',
  semantics: 'tcp',
  parallel: true,
  dialsOnFirstByte: false,
  async open(world) {
    const ports = new Map<ServerKind, number>();
    const names: string[] = [];
    const client = world.daemon.client;
    for (const kind of SERVER_KINDS) {
      const port = await freePort();
      ports.set(kind, port);
      const { name, status } = await client.call('conduit.start', {
        name: `conf-c-${kind.toLowerCase()}`,
        router: world.router.address,
        router_key: world.router.identity.fingerprint,
        private_key_path: world.conduitKeyPath,
        source: `127.0.0.1:${world.servers.byKind[kind].port}`,
        bind: `127.0.0.1:${port}`,
      });
      if (status !== 'active') throw new Error(`conduit tunnel ${name} is ${status}, not active`);
      names.push(name);
    }
    return {
      ...infoOf(warrenConduit),
      endpoint: (kind) => ({ port: ports.get(kind) as number }),
      faults: {
        killLink: () => world.router.restart(),
        stopForward: async () => {
          for (const tunnel of names) await client.call('conduit.kill', { tunnel }).catch(() => undefined);
        },
      },
      stop: async () => void (await client.call('conduit.down', { names }).catch(() => undefined)),
    };
  },
};
