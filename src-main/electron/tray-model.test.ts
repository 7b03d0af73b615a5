// The tray's model against a real engine (startWarren on a temporary $WARREN_HOME, no socket): rules
// added or removed by another client show up through events, a failing start is reported and
// shown, and after dispose nothing is drawn any more.
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarren, type WarrenApp } from '../app.js';
import { createInProcessClient } from '../api/in-process-client.js';
import { TrayModel, type TrayView } from './tray-model.js';

async function closedLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ruleItem = (view: TrayView | undefined, name: string) => view?.items.find((i) => i.id === `rule:${name}`);

describe('TrayModel with a real engine', () => {
  let home: string;
  let warren: WarrenApp;

  beforeAll(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'warren-tray-'));
    // A host whose port nobody listens on: connecting fails fast and for real.
    const sshConfig = path.join(home, 'ssh_config');
    await fs.writeFile(sshConfig, `Host gone\n  HostName 127.0.0.1\n  Port ${await closedLoopbackPort()}\n  User nobody\n  ConnectTimeout 2\n`);
    warren = await startWarren({ home, socket: false, host: 'test' });
    const admin = createInProcessClient(warren.dispatcher);
    await admin.call('config.update', { ssh_config_path: sshConfig, reconnect: { enabled: false } });
    await admin.call('host.reload');
    admin.dispose();
  });

  afterAll(async () => {
    await warren?.shutdown('test done');
    await fs.rm(home, { recursive: true, force: true });
  });

  it('follows rules added by another client, reports a failed start, and stops drawing after dispose', async () => {
    const views: TrayView[] = [];
    const client = createInProcessClient(warren.dispatcher);
    const cli = createInProcessClient(warren.dispatcher);
    const model = new TrayModel({
      client,
      startAtLogin: { supported: true, get: async () => false },
      onChange: (v) => views.push(v),
      log: { warn: () => undefined },
      debounceMs: 10,
    });
    try {
      await model.start();
      expect(views.at(-1)?.items[0]?.id).toBe('no-rules');
      expect(views.at(-1)?.icon).toBe('idle');

      // Another face (the CLI, the window) adds a rule: the tray hears event.forward and re-reads.
      const localPort = await closedLoopbackPort();
      await cli.call('forward.add', { name: 'db', host: 'gone', type: 'local', local_port: localPort, remote_host: '127.0.0.1', remote_port: 5432 });
      await until('the new rule in the menu', () => ruleItem(views.at(-1), 'db') !== undefined);
      expect(ruleItem(views.at(-1), 'db')).toMatchObject({ kind: 'checkbox', checked: false, enabled: true, action: { type: 'start', name: 'db' } });
      expect(views.at(-1)?.items.find((i) => i.id === 'start-at-login')).toMatchObject({ checked: false });

      // Starting it fails for real (nothing listens): the user gets a message naming the failure,
      // and the menu ends up showing what the engine says, with a click that starts it again.
      const problem = await model.perform({ type: 'start', name: 'db' });
      expect(problem).toMatch(/^Starting db failed/);
      const { sessions } = await cli.call('session.list');
      const status = sessions.find((s) => s.name === 'db')?.status ?? 'stopped';
      expect(['error', 'stopped']).toContain(status);
      await until('the menu to show the failed start', () => {
        const item = ruleItem(views.at(-1), 'db');
        return item?.kind === 'checkbox' && !item.checked && (status !== 'error' || item.label.endsWith('— error'));
      });
      expect(views.at(-1)?.icon).toBe(status === 'error' ? 'warning' : 'idle');

      await cli.call('forward.delete', { name: 'db' });
      await until('the rule to leave the menu', () => ruleItem(views.at(-1), 'db') === undefined);
    } finally {
      model.dispose();
      client.dispose();
    }
    const drawn = views.length;
    await cli.call('forward.add', { name: 'late', host: 'gone', type: 'dynamic', local_port: await closedLoopbackPort() });
    await new Promise((r) => setTimeout(r, 100));
    expect(views.length).toBe(drawn);
    cli.dispose();
  });

  it('shows the engine as not responding once it has stopped, retries, and stops retrying when disposed', async () => {
    const otherHome = await fs.mkdtemp(path.join(os.tmpdir(), 'warren-tray-down-'));
    const other = await startWarren({ home: otherHome, socket: false, host: 'test' });
    const views: TrayView[] = [];
    const client = createInProcessClient(other.dispatcher);
    const model = new TrayModel({
      client,
      startAtLogin: { supported: false, get: async () => false },
      onChange: (v) => views.push(v),
      log: { warn: () => undefined },
      retryAfterFailureMs: 20,
    });
    try {
      await model.start();
      expect(views.at(-1)?.items[0]?.id).toBe('no-rules');
      expect(views.at(-1)?.items.some((i) => i.id === 'start-at-login')).toBe(false);
      // A really stopped engine: its database is closed, so reads fail.
      await other.shutdown('test');
      await model.refresh();
      expect(views.at(-1)?.items[0]).toMatchObject({ id: 'engine-unavailable', enabled: false });
      expect(views.at(-1)?.tooltip).toBe('Warren — engine not responding');
      expect(views.at(-1)?.items.at(-1)).toMatchObject({ id: 'quit', enabled: true });
      const before = views.length;
      await until('a retry', () => views.length > before);
    } finally {
      model.dispose();
      client.dispose();
      await fs.rm(otherHome, { recursive: true, force: true });
    }
    const drawn = views.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(views.length).toBe(drawn);
  });
});
