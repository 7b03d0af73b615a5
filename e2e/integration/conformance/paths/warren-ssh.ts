// Warren's SSH forwards through the one daemon, on the same fixture sshd as the reference:
// -L (a forward per target server), -R (sshd listens; Warren dials the target server locally, so
// the client connects to sshd's port and the case logic stays the same), -D (one SOCKS5 listener;
// the client asks for the target server in its CONNECT).
import type { ForwardAddParams } from '../../../../src-shared/api/index.js';
import { freePort } from '../../../fixtures/ports.js';
import type { Endpoint } from '../client.js';
import type { ServerKind } from '../servers.js';
import type { World } from '../world.js';
import { infoOf } from './info.js';
import { SERVER_KINDS, type OpenPath, type PathDef } from './types.js';

async function startRule(world: World, params: ForwardAddParams): Promise<string> {
  const { name } = await world.daemon.client.call('forward.add', params);
  const { status } = await world.daemon.client.call('forward.start', { name });
  if (status !== 'active') throw new Error(`forward ${name} is ${status}, not active`);
  return name;
}

/** An OpenPath over the named rules: stop() stops and removes them, the faults kill the sshd side. */
function sshPath(def: PathDef, world: World, names: string[], endpoint: (kind: ServerKind) => Endpoint): OpenPath {
  const stopAll = async (): Promise<void> => {
    for (const name of names) await world.daemon.client.call('forward.stop', { name }).catch(() => undefined);
  };
  return {
    ...infoOf(def),
    endpoint,
    faults: { killLink: async () => void (await world.sshd.killSessions()), stopForward: stopAll },
    stop: async () => {
      await stopAll();
      for (const name of names) await world.daemon.client.call('forward.delete', { name }).catch(() => undefined);
    },
  };
}

export const warrenSshL: PathDef = {
  name: 'warren-ssh-L',
  semantics: 'tcp',
  parallel: true,
  dialsOnFirstByte: false,
  async open(world) {
    const ports = new Map<ServerKind, number>();
    const names: string[] = [];
    for (const kind of SERVER_KINDS) {
      const port = await freePort();
      ports.set(kind, port);
      names.push(await startRule(world, { name: `conf-l-${kind.toLowerCase()}`, host: 'fixture', type: 'local', local_port: port, remote_host: '127.0.0.1', remote_port: world.servers.byKind[kind].port }));
    }
    return sshPath(warrenSshL, world, names, (kind) => ({ port: ports.get(kind) as number }));
  },
};

export const warrenSshR: PathDef = {
  name: 'warren-ssh-R',
  semantics: 'tcp',
  parallel: true,
  dialsOnFirstByte: false,
  async open(world) {
    const ports = new Map<ServerKind, number>();
    const names: string[] = [];
    for (const kind of SERVER_KINDS) {
      const remotePort = await freePort();
      ports.set(kind, remotePort);
      names.push(await startRule(world, { name: `conf-r-${kind.toLowerCase()}`, host: 'fixture', type: 'remote', local_port: world.servers.byKind[kind].port, remote_host: '127.0.0.1', remote_port: remotePort }));
    }
    return sshPath(warrenSshR, world, names, (kind) => ({ port: ports.get(kind) as number }));
  },
};

export const warrenSshD: PathDef = {
  name: 'warren-ssh-D',
  semantics: 'tcp',
  parallel: true,
  dialsOnFirstByte: false,
  async open(world) {
    const port = await freePort();
    const name = await startRule(world, { name: 'conf-d', host: 'fixture', type: 'dynamic', local_port: port });
    return sshPath(warrenSshD, world, [name], (kind) => ({ port, socks: { host: '127.0.0.1', port: world.servers.byKind[kind].port } }));
  },
};
