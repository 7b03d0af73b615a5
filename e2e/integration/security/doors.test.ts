// What each door may do, tried as an attacker would against the real daemon: through browser mode
// (a real WebSocket holding the token, as a leaked URL or an injected script would) the settings
// that name a file Warren runs or reads cannot be changed and config.import cannot run; through the
// CLI socket they can. A session-manager-plugin others could write is never run, not even
// `--version`. Batches, expensive calls in flight and connections per door are capped, each with
// an error that says so.
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ErrorCode, MAX_EXPENSIVE_PER_CLIENT, type ConfigInfo } from '../../../src-shared/api/index.js';
import { MAX_BATCH_ENTRIES } from '../../../src-main/api/dispatcher.js';
import { MAX_SOCKET_CLIENTS, MAX_WEBSOCKET_CLIENTS } from '../../../src-main/api/doors/connection-limits.js';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { freePort, waitFor } from '../../fixtures/ports.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { startDaemon, type DaemonHandle } from '../helpers/daemon.js';

const INSTANCE = 'i-0aaaaaaaaaaaaaaa1';
type Reply = { id?: unknown; result?: unknown; error?: { code: number; message: string; data?: Record<string, unknown> } };

/** A JSON-RPC peer over one connection: send text, take replies in order. */
interface Peer {
  send(text: string): void;
  next(): Promise<Reply | Reply[]>;
  call(method: string, params?: object): Promise<Reply>;
  closed: Promise<{ code?: number; reason?: string }>;
  close(): void;
}

function queue(): { push(m: Reply | Reply[]): void; next(): Promise<Reply | Reply[]> } {
  const items: Array<Reply | Reply[]> = [];
  const waiters: Array<() => void> = [];
  return {
    push(m) {
      items.push(m);
      waiters.splice(0).forEach((w) => w());
    },
    async next() {
      while (items.length === 0) await new Promise<void>((r) => waiters.push(r));
      return items.shift()!;
    },
  };
}

let seq = 0;
function withCall(send: (t: string) => void, next: () => Promise<Reply | Reply[]>): Peer['call'] {
  return async (method, params = {}) => {
    send(JSON.stringify({ jsonrpc: '2.0', id: ++seq, method, params }));
    return (await next()) as Reply;
  };
}

async function socketPeer(socketPath: string): Promise<Peer> {
  const s = net.connect(socketPath);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  const q = queue();
  let buf = '';
  s.on('data', (c: Buffer) => {
    buf += c.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const m = JSON.parse(line) as Reply | Reply[];
      if (!Array.isArray(m) && m.id === undefined) continue; // notifications
      q.push(m);
    }
  });
  s.on('error', () => undefined);
  const closed = new Promise<{ code?: number }>((r) => s.once('close', () => r({})));
  const send = (t: string): void => void s.write(t + '\n');
  return { send, next: q.next, call: withCall(send, q.next), closed, close: () => s.destroy() };
}

async function browserPeer(browserUrl: string): Promise<Peer> {
  const url = new URL(browserUrl);
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
  const ws = new WebSocket(`ws://${url.host}/rpc?token=${encodeURIComponent(token)}`, { origin: url.origin });
  const q = queue();
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Reply | Reply[];
    if (!Array.isArray(m) && m.id === undefined) return;
    q.push(m);
  });
  ws.on('error', () => undefined);
  const closed = new Promise<{ code?: number; reason?: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`browser door refused the upgrade: HTTP ${res.statusCode}`)));
  });
  const send = (t: string): void => ws.send(t);
  return { send, next: q.next, call: withCall(send, q.next), closed, close: () => ws.terminate() };
}

describe('doors, tried as an attacker', () => {
  let home: TempDir;
  let emu: AwsEmulator;
  let daemon: DaemonHandle;
  let browserUrl: string;
  let sshConfig: string;

  beforeAll(async () => {
    home = await makeTempDir('warren-doors-');
    emu = await startAwsEmulator();
    emu.addInstance({ id: INSTANCE, name: 'db', state: 'running' });
    sshConfig = path.join(home.path, 'ssh_config');
    await fs.writeFile(sshConfig, 'Host fixture\n  HostName 127.0.0.1\n', { mode: 0o600 });
    daemon = await startDaemon({
      home: home.path,
      sshConfigPath: sshConfig,
      env: emu.env() as unknown as Record<string, string>,
      args: ['--browser-port', '0'],
    });
    const status = await daemon.client.call('daemon.status', {});
    if (!status.browser_url) throw new Error(`no browser mode:\n${daemon.output()}`);
    browserUrl = status.browser_url;
  });
  afterAll(async () => {
    await daemon?.stop();
    await emu?.close();
    await home?.remove();
  });

  const config = (): Promise<ConfigInfo> => daemon.client.call('config.get', {});

  describe('browser mode cannot set a path Warren runs or reads', () => {
    it.each([
      ['ssm.session_manager_plugin_path', { ssm: { session_manager_plugin_path: '/tmp/evil-plugin' } }],
      ['ssh_config_path', { ssh_config_path: '/etc/passwd' }],
    ])('config.update of %s is refused and changes nothing', async (setting, params) => {
      const before = await config();
      const page = await browserPeer(browserUrl);
      try {
        const r = await page.call('config.update', { ...params, reconnect: { max_retries: 7 } });
        expect(r.error).toMatchObject({ code: ErrorCode.NotAllowedFromThisDoor, data: { setting, door: 'websocket' } });
        expect(r.error?.message).toContain(`warren config set ${setting}`);
      } finally {
        page.close();
      }
      // Not even the harmless part of the same call was applied.
      expect(await config()).toEqual(before);
    });

    it('config.import is refused, whatever the YAML names; nothing is imported', async () => {
      const before = await config();
      const page = await browserPeer(browserUrl);
      try {
        const yaml = `ssh_config_path: /etc/passwd\nforwards:\n  - name: planted\n    host: fixture\n    type: dynamic\n    local_port: 10800\n`;
        const r = await page.call('config.import', { yaml });
        expect(r.error).toMatchObject({ code: ErrorCode.NotAllowedFromThisDoor, data: { method: 'config.import', door: 'websocket' } });
        expect(r.error?.message).toContain('warren CLI');
      } finally {
        page.close();
      }
      expect(await config()).toEqual(before);
      expect((await daemon.client.call('forward.list', {})).forwards.map((f) => f.name)).not.toContain('planted');
    });

    it('still lets browser mode change ordinary settings', async () => {
      const page = await browserPeer(browserUrl);
      try {
        expect(await page.call('config.update', { reconnect: { max_retries: 9 } })).toMatchObject({ result: { ok: true } });
      } finally {
        page.close();
      }
      expect((await config()).reconnect.max_retries).toBe(9);
    });

    it('the CLI socket may change the same settings and import', async () => {
      const before = await config();
      const other = path.join(home.path, 'other_ssh_config');
      await fs.writeFile(other, 'Host fixture\n  HostName 127.0.0.1\n', { mode: 0o600 });
      const update = { ssh_config_path: other, ssm: { session_manager_plugin_path: '/usr/local/bin/session-manager-plugin' } };
      expect(await daemon.client.call('config.update', update)).toEqual({ ok: true });
      // (ssh_config_path shows the harness's WARREN_SSH_CONFIG_PATH, which outranks a stored value.)
      expect(await config()).toMatchObject({ ssm: update.ssm });
      const imported = await daemon.client.call('config.import', {
        yaml: `forwards:\n  - name: from-cli\n    host: fixture\n    type: dynamic\n    local_port: 10801\n`,
      });
      expect(imported.imported).toEqual(['from-cli']);
      await daemon.client.call('forward.delete', { name: 'from-cli' });
      await daemon.client.call('config.update', { ssh_config_path: before.ssh_config_path, ssm: { session_manager_plugin_path: before.ssm.session_manager_plugin_path } });
    });
  });

  describe('a session-manager-plugin others could change is never run', () => {
    let dir: TempDir;
    let plugin: string;
    let marker: string;
    let port: number;

    beforeAll(async () => {
      dir = await makeTempDir('warren-plugin-');
      await fs.chmod(dir.path, 0o755);
      plugin = path.join(dir.path, 'session-manager-plugin');
      marker = path.join(dir.path, 'ran');
      // Whatever it is asked (`--version` or a session), it leaves a mark and answers like the plugin.
      await fs.writeFile(plugin, `#!/bin/sh\ntouch '${marker}'\necho 1.2.650.0\n`);
      port = await freePort();
      await daemon.client.call('config.update', { ssm: { use_session_manager_plugin: true, session_manager_plugin_path: plugin } });
    });
    afterAll(async () => {
      await daemon.client.call('config.update', { ssm: { use_session_manager_plugin: false } });
      await dir.remove();
    });

    const exists = (p: string): Promise<boolean> => fs.access(p).then(() => true, () => false);
    async function connectError(name: string): Promise<string> {
      const outcome = await daemon.client.call('ec2.connect', { instance_id: INSTANCE, local_port: port, remote_port: 5432, name }).then(
        async () => (await daemon.client.call('session.get', { name })).last_error ?? '',
        (e: Error) => e.message,
      );
      await daemon.client.call('forward.delete', { name });
      return outcome;
    }

    it.each([
      ['a group-writable plugin', 0o775, 0, /writable by group or others \(mode 0775\).*chmod go-w/],
      ['an other-writable plugin', 0o757, 0, /writable by group or others \(mode 0757\)/],
      ['a plugin owned by another user', 0o755, 65534, /owned by uid 65534, neither you \(uid 0\) nor root/],
    ] as const)('refuses %s before it runs, saying how to fix it', async (_what, mode, uid, message) => {
      await fs.chown(plugin, uid, uid);
      await fs.chmod(plugin, mode);
      const error = await connectError(`plugin-${mode.toString(8)}-${uid}`);
      expect(error).toMatch(message);
      expect(error).toContain('was not run');
      expect(await exists(marker)).toBe(false);
    });

    it('runs the same plugin once only its owner (root) can write it', async () => {
      await fs.chown(plugin, 0, 0);
      await fs.chmod(plugin, 0o755);
      const name = 'plugin-safe';
      await daemon.client.call('ec2.connect', { instance_id: INSTANCE, local_port: port, remote_port: 5432, name }).catch(() => undefined);
      await waitFor(() => exists(marker), 'the plugin to run', 15_000);
      await daemon.client.call('forward.delete', { name });
    });
  });

  describe('limits per client', () => {
    it(`answers a batch of 10,000 requests with one error and runs none of it (socket and browser)`, async () => {
      // Mostly cheap calls (to stay under the 1 MB message cap), a few that would leave a trace.
      const batch = [
        ...Array.from({ length: 10 }, (_, i) => ({ jsonrpc: '2.0', id: `add-${i}`, method: 'forward.add', params: { host: 'fixture', type: 'dynamic', local_port: 20000 + i, name: `batch-${i}` } })),
        ...Array.from({ length: 9_990 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'config.get' })),
      ];
      const text = JSON.stringify(batch);
      expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024);
      for (const open of [() => socketPeer(daemon.paths.socket), () => browserPeer(browserUrl)]) {
        const peer = await open();
        try {
          peer.send(text);
          const reply = await peer.next();
          expect(Array.isArray(reply)).toBe(false);
          expect(reply).toMatchObject({ id: null, error: { code: ErrorCode.LimitExceeded, data: { what: 'batch', limit: MAX_BATCH_ENTRIES, size: 10_000 } } });
          expect((reply as Reply).error?.message).toContain('nothing was run');
          // The connection still serves.
          expect(await peer.call('daemon.status')).toHaveProperty('result');
        } finally {
          peer.close();
        }
      }
      expect((await daemon.client.call('forward.list', {})).forwards.filter((f) => f.name.startsWith('batch-'))).toEqual([]);
    });

    it('refuses expensive calls over the cap in flight for one client, with a clear error', async () => {
      const page = await browserPeer(browserUrl);
      try {
        const n = MAX_EXPENSIVE_PER_CLIENT + 2;
        page.send(JSON.stringify(Array.from({ length: n }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'diagnose.run', params: { instance_id: INSTANCE, mode: 'item', items: ['instance_state'] } }))));
        const replies = (await page.next()) as Reply[];
        expect(replies).toHaveLength(n);
        const refused = replies.filter((r) => r.error?.code === ErrorCode.LimitExceeded);
        expect(refused).toHaveLength(2);
        for (const r of refused) {
          expect(r.error?.data).toMatchObject({ what: 'expensive_calls', limit: MAX_EXPENSIVE_PER_CLIENT, method: 'diagnose.run' });
          expect(r.error?.message).toContain('Wait for one to finish');
        }
        // The cap is on calls in flight: once they are done, the next one runs.
        expect(await page.call('diagnose.run', { instance_id: INSTANCE, mode: 'item', items: ['instance_state'] })).toHaveProperty('result');
      } finally {
        page.close();
      }
    });

    it(`refuses the WebSocket past ${MAX_WEBSOCKET_CLIENTS}, telling it why, and serves again once one closes`, async () => {
      const pages: Peer[] = [];
      try {
        for (let i = 0; i < MAX_WEBSOCKET_CLIENTS; i++) pages.push(await browserPeer(browserUrl));
        const extra = await browserPeer(browserUrl);
        pages.push(extra);
        // Its first message is the refusal, before anything it could ask.
        extra.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'daemon.status' }));
        expect(await extra.next()).toMatchObject({ id: null, error: { code: ErrorCode.LimitExceeded, data: { what: 'connections', door: 'websocket', limit: MAX_WEBSOCKET_CLIENTS } } });
        expect(await extra.closed).toEqual({ code: 1013, reason: 'too many connections' });
        expect(await pages[0]!.call('daemon.status')).toHaveProperty('result');
        pages.shift()!.close();
        await waitFor(async () => {
          const again = await browserPeer(browserUrl);
          pages.push(again);
          const r = await again.call('daemon.status');
          return r.result !== undefined;
        }, 'a freed WebSocket slot', 10_000, 100);
      } finally {
        for (const p of pages) p.close();
      }
    });

    it(`refuses the socket connection past ${MAX_SOCKET_CLIENTS}, telling it why`, async () => {
      const peers: Peer[] = [];
      try {
        // The harness's own client holds one connection already.
        for (let i = 0; i < MAX_SOCKET_CLIENTS - 1; i++) {
          const p = await socketPeer(daemon.paths.socket);
          peers.push(p);
          expect(await p.call('daemon.status')).toHaveProperty('result');
        }
        const extra = await socketPeer(daemon.paths.socket);
        peers.push(extra);
        // Its first answer is the refusal, not this call's result.
        extra.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'daemon.status' }));
        expect(await extra.next()).toMatchObject({ id: null, error: { code: ErrorCode.LimitExceeded, data: { what: 'connections', door: 'socket', limit: MAX_SOCKET_CLIENTS } } });
        await extra.closed;
        // Everyone already in is still served.
        expect(await daemon.client.call('daemon.status', {})).toHaveProperty('pid');
      } finally {
        for (const p of peers) p.close();
      }
      await waitFor(async () => {
        const p = await socketPeer(daemon.paths.socket);
        const r = await Promise.race([p.call('daemon.status'), p.closed.then(() => ({}) as Reply)]);
        p.close();
        return r.result !== undefined;
      }, 'a freed socket slot', 10_000, 100);
    });
  });
});
