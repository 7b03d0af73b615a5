// Everything the paths share, started once per test file: the target servers, the fixture sshd,
// the AWS emulator with its data-channel service, an in-process Conduit router that knows a client
// key, and ONE real daemon (its ssh config is the fixture's, its AWS settings the emulator's).
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKeyFile } from '../../../src-main/transports/conduit/identity/index.js';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { startDataChannelService, type DataChannelService } from '../../fixtures/aws-emulator/data-channel/index.js';
import { startTestRouter, type TestRouter } from '../../fixtures/conduit-router.js';
import { startSshd, type SshdFixture } from '../../fixtures/sshd.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { startDaemon, type DaemonHandle } from '../helpers/daemon.js';
import { startTargetServers, type TargetServers } from './servers.js';

export const FAKE_PLUGIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/fake-session-manager-plugin/session-manager-plugin');

/** One instance per SSM path, so forwards of different paths never share (or reuse) a session. */
export const SSM_INSTANCES = {
  mux: 'i-0c0f00000000000a1',
  basic: 'i-0c0f00000000000b2',
  plugin: 'i-0c0f00000000000c3',
} as const;
/** Older than smux (versions.ts MUX_AFTER_AGENT_VERSION): the agent runs the session in basic mode. */
const BASIC_AGENT_VERSION = '3.0.196.0';

export interface World {
  home: TempDir;
  servers: TargetServers;
  sshd: SshdFixture;
  emu: AwsEmulator;
  svc: DataChannelService;
  router: TestRouter;
  /** The daemon's Conduit client key (the router authorises it for 127.0.0.1:*). */
  conduitKeyPath: string;
  daemon: DaemonHandle;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const home = await makeTempDir('warren-conformance-');
  const cleanups: (() => Promise<void>)[] = [() => home.remove()];
  const undo = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const servers = await startTargetServers();
    cleanups.push(() => servers.close());
    const sshd = await startSshd();
    cleanups.push(() => sshd.stop());
    const svc = await startDataChannelService();
    cleanups.push(() => svc.close());
    const emu = await startAwsEmulator({ sessions: svc });
    cleanups.push(() => emu.close());
    emu.addInstance({ id: SSM_INSTANCES.mux, name: 'conf-mux', state: 'running' });
    emu.addInstance({ id: SSM_INSTANCES.basic, name: 'conf-basic', state: 'running', agentVersion: BASIC_AGENT_VERSION });
    emu.addInstance({ id: SSM_INSTANCES.plugin, name: 'conf-plugin', state: 'running' });

    const conduitKeyPath = path.join(home.path, 'conduit_key');
    const identity = createKeyFile(conduitKeyPath);
    const router = await startTestRouter({ clients: [{ name: 'conformance', public_key: identity.publicKeyText, allow: ['127.0.0.1:*'] }] });
    cleanups.push(() => router.stop());

    const warrenHome = path.join(home.path, 'warren');
    await fs.mkdir(warrenHome, { mode: 0o700 });
    const daemon = await startDaemon({ home: warrenHome, sshConfigPath: sshd.sshConfigPath, env: emu.env() as unknown as Record<string, string> });
    cleanups.push(() => daemon.stop());
    // Each SSM path runs a forward (a session) per target server on its instance: above the default 3.
    await daemon.client.call('config.update', { session: { max_sessions_per_instance: 10 } });
    return { home, servers, sshd, emu, svc, router, conduitKeyPath, daemon, close: undo };
  } catch (e) {
    await undo();
    throw e;
  }
}
