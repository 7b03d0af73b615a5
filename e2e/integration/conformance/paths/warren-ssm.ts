// Warren's SSM forwards through the daemon and the AWS emulator, a forward per target server:
// multiplexed (smux, a current agent), basic mode (an old agent: one connection at a time) and the
// session-manager-plugin hand-off (the fake plugin). None has a half-close: a FIN ends both ways.
import { freePort } from '../../../fixtures/ports.js';
import type { ServerKind } from '../servers.js';
import { FAKE_PLUGIN, SSM_INSTANCES, type World } from '../world.js';
import { infoOf } from './info.js';
import { SERVER_KINDS, type OpenPath, type PathDef } from './types.js';

async function openSsm(def: PathDef, world: World, instance: string, tag: string): Promise<OpenPath> {
  const client = world.daemon.client;
  const ports = new Map<ServerKind, number>();
  const names = SERVER_KINDS.map((kind) => `conf-${tag}-${kind.toLowerCase()}`);
  const removeAll = async (): Promise<void> => {
    for (const name of names) await client.call('forward.delete', { name }).catch(() => undefined);
  };
  try {
    for (const [i, kind] of SERVER_KINDS.entries()) {
      const port = await freePort();
      ports.set(kind, port);
      const { status } = await client.call('ec2.connect', { name: names[i], instance_id: instance, local_port: port, remote_port: world.servers.byKind[kind].port, new_session: true });
      if (status !== 'active') throw new Error(`ssm forward ${names[i]} is ${status}, not active`);
    }
  } catch (e) {
    await removeAll();
    throw e;
  }
  const sessionIds = async (): Promise<string[]> =>
    (await Promise.all(names.map(async (name) => (await client.call('ec2.status', { name })).session_id))).filter((s): s is string => !!s);
  return {
    ...infoOf(def),
    endpoint: (kind) => ({ port: ports.get(kind) as number }),
    faults: {
      // Beyond resume: the service ends the session, so the link under every connection dies.
      killLink: async () => {
        for (const id of await sessionIds()) world.svc.terminateSession(id);
      },
      stopForward: async () => {
        for (const name of names) await client.call('ec2.terminate', { name }).catch(() => undefined);
      },
    },
    stop: removeAll,
  };
}

export const warrenSsmMux: PathDef = {
  name: 'warren-ssm-mux',
  semantics: 'fin-ends-both',
  parallel: true,
  dialsOnFirstByte: false,
  open: (world) => openSsm(warrenSsmMux, world, SSM_INSTANCES.mux, 'mux'),
};

/**
 * port_basic.go: when the target's socket ends or fails the agent closes it and tells the client
 * nothing (basic mode has no message for it), so no close or reset of the server reaches the client.
 */
const NO_CLOSE = 'SSM basic mode has no message for the target closing or resetting (port_basic.go)';

export const warrenSsmBasic: PathDef = {
  name: 'warren-ssm-basic',
  semantics: 'fin-ends-both',
  parallel: false,
  dialsOnFirstByte: true,
  limits: { 'half-close-server': NO_CLOSE, 'server-first-close': NO_CLOSE, 'reset-by-server': NO_CLOSE, backpressure: `${NO_CLOSE}: the slow reader never sees the end` },
  open: (world) => openSsm(warrenSsmBasic, world, SSM_INSTANCES.basic, 'basic'),
};

/** The plugin is a daemon-wide setting read at each connect: on for this path's connects only. */
export const warrenSsmPlugin: PathDef = {
  name: 'warren-ssm-plugin',
  semantics: 'fin-ends-both',
  parallel: true,
  dialsOnFirstByte: false,
  async open(world) {
    const client = world.daemon.client;
    await client.call('config.update', { ssm: { use_session_manager_plugin: true, session_manager_plugin_path: FAKE_PLUGIN } });
    const path = await openSsm(warrenSsmPlugin, world, SSM_INSTANCES.plugin, 'plugin');
    return {
      ...path,
      stop: async () => {
        await path.stop();
        await client.call('config.update', { ssm: { use_session_manager_plugin: false } });
      },
    };
  },
};
