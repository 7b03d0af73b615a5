import { describe, expect, it } from 'vitest';
import { ErrorCode, MAX_EXPENSIVE_PER_CLIENT, type Door, type RpcResponse } from '../../src-shared/api/index.js';
import { Dispatcher, MAX_BATCH_ENTRIES, type ClientContext, type Handlers } from './dispatcher.js';

function ctx(door: Door, clientId = `${door}-1`): ClientContext {
  return { clientId, door, notify: () => undefined };
}

/** efs.run waits until the test lets it go; config.update and forward.add are counted. */
function world() {
  const calls = { configUpdate: 0, forwardAdd: 0, efsRun: 0 };
  const gates: Array<() => void> = [];
  const partial: Partial<Handlers> = {
    'config.update': () => {
      calls.configUpdate++;
      return { ok: true };
    },
    'config.import': () => ({ imported: [], skipped: [] }),
    'forward.add': (p) => {
      calls.forwardAdd++;
      return { name: p.name ?? 'x' };
    },
    'efs.run': () => {
      calls.efsRun++;
      return new Promise((resolve) => gates.push(() => resolve({} as never)));
    },
  };
  return { dispatcher: new Dispatcher(partial as Handlers), calls, release: () => gates.splice(0).forEach((g) => g()) };
}

const req = (id: number, method: string, params: object = {}) => ({ jsonrpc: '2.0', id, method, params });
const errorOf = (r: RpcResponse | RpcResponse[] | null) => (r && !Array.isArray(r) && 'error' in r ? r.error : undefined);

describe('dispatcher door permissions', () => {
  it('refuses a path setting from browser mode, naming the setting and the fix, and changes nothing', async () => {
    const { dispatcher, calls } = world();
    const r = await dispatcher.handleMessage(req(1, 'config.update', { ssm: { session_manager_plugin_path: '/tmp/evil' } }), ctx('websocket'));
    expect(errorOf(r)).toMatchObject({ code: ErrorCode.NotAllowedFromThisDoor, data: { setting: 'ssm.session_manager_plugin_path', door: 'websocket' } });
    expect(errorOf(r)?.message).toContain('warren config set ssm.session_manager_plugin_path');
    expect(calls.configUpdate).toBe(0);
  });

  it('lets browser mode change ordinary settings, and the CLI and window change path settings', async () => {
    const { dispatcher, calls } = world();
    expect(await dispatcher.handleMessage(req(1, 'config.update', { reconnect: { max_retries: 3 } }), ctx('websocket'))).toMatchObject({ result: { ok: true } });
    for (const door of ['socket', 'ipc', 'internal'] as const)
      expect(await dispatcher.call('config.update', { ssh_config_path: '/home/me/.ssh/config' }, ctx(door))).toEqual({ ok: true });
    expect(calls.configUpdate).toBe(4);
  });

  it('refuses a local-only method from browser mode before reading its params', async () => {
    const { dispatcher } = world();
    await expect(dispatcher.call('config.import', { not: 'even valid' }, ctx('websocket'))).rejects.toMatchObject({ code: ErrorCode.NotAllowedFromThisDoor });
    await expect(dispatcher.call('config.import', { yaml: '' }, ctx('socket'))).resolves.toEqual({ imported: [], skipped: [] });
  });
});

describe('dispatcher limits', () => {
  it(`answers a batch over ${MAX_BATCH_ENTRIES} entries with one error and runs none of it`, async () => {
    const { dispatcher, calls } = world();
    const batch = Array.from({ length: MAX_BATCH_ENTRIES + 1 }, (_, i) => req(i, 'forward.add', { host: 'h', type: 'dynamic', local_port: 1080 + i, name: `f${i}` }));
    const r = await dispatcher.handleMessage(batch, ctx('socket'));
    expect(Array.isArray(r)).toBe(false);
    expect(errorOf(r)).toMatchObject({ code: ErrorCode.LimitExceeded, data: { what: 'batch', limit: MAX_BATCH_ENTRIES, size: MAX_BATCH_ENTRIES + 1 } });
    expect(calls.forwardAdd).toBe(0);
    const ok = await dispatcher.handleMessage(batch.slice(0, MAX_BATCH_ENTRIES), ctx('socket'));
    expect(ok).toHaveLength(MAX_BATCH_ENTRIES);
    expect(calls.forwardAdd).toBe(MAX_BATCH_ENTRIES);
  });

  it('caps expensive calls in flight per client; other clients and later calls are unaffected', async () => {
    const { dispatcher, calls, release } = world();
    const over = 2;
    const batch = Array.from({ length: MAX_EXPENSIVE_PER_CLIENT + over }, (_, i) => req(i, 'efs.run'));
    const pending = dispatcher.handleMessage(batch, ctx('websocket', 'a'));
    // Another client has its own allowance.
    const other = dispatcher.call('efs.run', {}, ctx('websocket', 'b'));
    await new Promise((r) => setImmediate(r));
    expect(calls.efsRun).toBe(MAX_EXPENSIVE_PER_CLIENT + 1);
    release();
    const replies = (await pending) as RpcResponse[];
    const refused = replies.filter((r) => 'error' in r);
    expect(refused).toHaveLength(over);
    for (const r of refused) expect('error' in r && r.error).toMatchObject({ code: ErrorCode.LimitExceeded, data: { what: 'expensive_calls', limit: MAX_EXPENSIVE_PER_CLIENT } });
    await other;
    // Slots come back when calls end, failed ones included.
    const again = dispatcher.call('efs.run', {}, ctx('websocket', 'a'));
    await new Promise((r) => setImmediate(r));
    release();
    await expect(again).resolves.toEqual({});
  });
});
