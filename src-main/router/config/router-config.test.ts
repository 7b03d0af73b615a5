import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROUTER_CONFIG_DEFAULTS } from '../../../src-shared/api/conduit-config.js';
import { configErrorLines } from '../../transports/conduit/config/config-error.js';
import { loadRouterConfig } from './router-config.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function routerFile(text: string): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-router-cfg-'));
  dirs.push(dir);
  const file = path.join(dir, 'router.toml');
  fs.writeFileSync(file, text);
  return { dir, file };
}
async function problems(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (e) {
    const lines = configErrorLines(e);
    if (lines) return lines;
    throw e;
  }
  throw new Error('expected a configuration error');
}

describe('loadRouterConfig', () => {
  it('runs on defaults without a file', async () => {
    const config = await loadRouterConfig(undefined, { env: {} });
    expect(config).toMatchObject(ROUTER_CONFIG_DEFAULTS);
    expect(config.authorized_clients).toEqual([]);
  });

  it('takes --bind over the environment over the file', async () => {
    const { file } = routerFile('[router]\nbind = "0.0.0.0:7000"\nname = "edge"\n');
    expect((await loadRouterConfig(file, { env: {} })).router).toMatchObject({ bind: '0.0.0.0:7000', name: 'edge' });
    const env = { CONDUIT_ROUTER_BIND: '0.0.0.0:7001' };
    expect((await loadRouterConfig(file, { env })).router.bind).toBe('0.0.0.0:7001');
    expect((await loadRouterConfig(file, { env, cliBind: '[::]:7002' })).router).toMatchObject({ bind: '[::]:7002', name: 'edge' });
    expect((await loadRouterConfig(undefined, { env: {}, cliBind: '127.0.0.1:7003' })).router.bind).toBe('127.0.0.1:7003');
  });

  it('takes the API token and bind from the environment (a Kubernetes Secret)', async () => {
    const { file } = routerFile('[api]\nbind = "0.0.0.0:9998"\n');
    expect(await problems(loadRouterConfig(file, { env: {} }))).toEqual([
      `${file}: api.token: required when api.bind (0.0.0.0:9998) is not a loopback address: set [api] token or CONDUIT_API_TOKEN, or bind the API to 127.0.0.1`,
    ]);
    const token = 'f'.repeat(40);
    expect((await loadRouterConfig(file, { env: { CONDUIT_API_TOKEN: token } })).api).toEqual({ bind: '0.0.0.0:9998', token, enabled: true });
    expect((await loadRouterConfig(undefined, { env: { CONDUIT_API_ENABLED: 'false', CONDUIT_API_BIND: '0.0.0.0:1' } })).api.enabled).toBe(false);
  });

  it('types numbers and booleans from the environment and names bad ones', async () => {
    const config = await loadRouterConfig(undefined, { env: { CONDUIT_HEALTH_INTERVAL_S: '3', CONDUIT_CIRCUIT_BREAKER_FAILURE_THRESHOLD: '9' } });
    expect(config.health.interval_s).toBe(3);
    expect(config.circuit_breaker.failure_threshold).toBe(9);
    expect(await problems(loadRouterConfig(undefined, { env: { CONDUIT_API_ENABLED: 'maybe', CONDUIT_ROUTER_BIND: '9999' } }))).toEqual([
      'CONDUIT_API_ENABLED: expected true or false, got "maybe"',
      'CONDUIT_ROUTER_BIND: expected host:port, got "9999"',
    ]);
    expect(await problems(loadRouterConfig(undefined, { env: {}, cliBind: 'nope' }))).toEqual(['--bind: expected host:port, got "nope"']);
  });

  it("resolves relative paths in the file from the file's folder", async () => {
    const { dir, file } = routerFile('[security]\nprivate_key_path = "keys/router.key"\nstate_path = "state/router-state.json"\n');
    const config = await loadRouterConfig(file, { env: {} });
    expect(config.security).toMatchObject({ private_key_path: path.join(dir, 'keys/router.key'), state_path: path.join(dir, 'state/router-state.json') });
    const fromEnv = await loadRouterConfig(file, { env: { CONDUIT_SECURITY_STATE_PATH: 's.json' }, cwd: '/var/lib/warren' });
    expect(fromEnv.security.state_path).toBe('/var/lib/warren/s.json');
  });

  it('says how to go on when the file is missing', async () => {
    expect(await problems(loadRouterConfig('/nonexistent/router.toml', { env: {} }))).toEqual([
      'no such file: /nonexistent/router.toml; create it or leave out --config to run on defaults',
    ]);
  });
});
