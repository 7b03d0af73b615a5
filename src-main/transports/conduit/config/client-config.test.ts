import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'smol-toml';
import { validateClientConfig } from '../../../../src-shared/api/conduit-config.js';
import { loadClientConfig } from './client-config.js';
import { configErrorLines } from './config-error.js';
import { showClientConfig } from './show-client-config.js';
import { resolveClientSettings } from './client-settings.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-conduit-cfg-'));
  dirs.push(dir);
  return dir;
}
function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
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

const SEED = `[router]
host = "10.2.0.1"
port = 9999

[security]
private_key_path = "./keys/client.key"

[[tunnels]]
name = "web-server-access"
source = "10.2.0.2:8080"
bind = "0.0.0.0:80"

[[tunnels]]
name = "api-server-access"
source = "10.2.0.3:3000"
bind = "0.0.0.0:8080"
`;

describe('loadClientConfig', () => {
  it("loads the original Conduit's example, the key path taken from the file's folder", async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'conf/conduit.toml', SEED);
    const config = await loadClientConfig(file, { env: {} });
    expect(config.router).toEqual({ host: '10.2.0.1', port: 9999 });
    expect(config.security?.private_key_path).toBe(path.join(dir, 'conf', 'keys', 'client.key'));
    expect(config.tunnels.map((t) => t.protocol)).toEqual(['tcp', 'tcp']);
  });

  it('lays CONDUIT_<SECTION>_<KEY> variables over the file; env paths are from the cwd', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'conduit.toml', SEED);
    const config = await loadClientConfig(file, {
      cwd: '/srv',
      env: {
        CONDUIT_ROUTER_HOST: 'router.example',
        CONDUIT_ROUTER_PORT: '443',
        CONDUIT_SECURITY_PRIVATE_KEY_PATH: 'k/client.key',
        CONDUIT_SECURITY_ROUTER_KEY: 'SHA256:Y6jwg55DhUVfpfajc2KLNmEcIEbbYK8/0GZRMgsnJUY',
        CONDUIT_SECURITY_UNUSED: '', // empty counts as unset
      },
    });
    expect(config.router).toEqual({ host: 'router.example', port: 443 });
    expect(config.security).toEqual({ private_key_path: '/srv/k/client.key', router_key: 'SHA256:Y6jwg55DhUVfpfajc2KLNmEcIEbbYK8/0GZRMgsnJUY' });
  });

  it('blames a bad environment variable, not the file', async () => {
    const file = writeFile(tempDir(), 'conduit.toml', SEED);
    expect(await problems(loadClientConfig(file, { env: { CONDUIT_ROUTER_PORT: 'http' } }))).toEqual(['CONDUIT_ROUTER_PORT: expected a number, got "http"']);
    const lines = await problems(loadClientConfig(file, { env: { CONDUIT_ROUTER_PORT: '70000', CONDUIT_ROUTER_HOST: 'bad host' } }));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^CONDUIT_ROUTER_HOST: expected a host name/);
    expect(lines[1]).toMatch(/^CONDUIT_ROUTER_PORT: /);
  });

  it('says how to fix a missing file', async () => {
    const dir = tempDir();
    expect(await problems(loadClientConfig('nope.toml', { cwd: dir, env: {} }))).toEqual([`no such file: ${path.join(dir, 'nope.toml')}; create one or pass -f`]);
  });

  it('gives line and column of a TOML syntax error', async () => {
    const dir = tempDir();
    writeFile(dir, 'bad.toml', '[router]\nhost = "10.2.0.1"\nport = 99 99\n');
    const [line] = await problems(loadClientConfig('bad.toml', { cwd: dir, env: {} }));
    expect(line).toMatch(/^bad\.toml:3:\d+: TOML syntax error: /);
    expect(line).toContain('port = 99 99');
  });

  it('lists every schema problem under the path the user typed', async () => {
    const dir = tempDir();
    writeFile(dir, 'conduit.toml', SEED.replace('bind = "0.0.0.0:8080"', 'bind = "80"').replace('[security]', '[securty]'));
    expect(await problems(loadClientConfig('conduit.toml', { cwd: dir, env: {} }))).toEqual([
      'conduit.toml: tunnels[1].bind: expected host:port, got "80"',
      'conduit.toml: securty: unknown key',
    ]);
  });
});

describe('showClientConfig', () => {
  it('prints TOML that loads back to the same configuration', async () => {
    const dir = tempDir();
    const config = await loadClientConfig(writeFile(dir, 'conduit.toml', SEED), { env: {} });
    const text = showClientConfig(config);
    expect(text).toContain('[router]\nhost = "10.2.0.1"\nport = 9999');
    expect(text).toContain('protocol = "tcp"');
    const again = validateClientConfig(parse(text));
    expect(again).toEqual({ ok: true, config });
  });

  it('shows the settings the command line chose', async () => {
    const config = await loadClientConfig(writeFile(tempDir(), 'conduit.toml', SEED), { env: {} });
    const settings = resolveClientSettings({ cli: { router: '[::1]:7000' }, file: config, defaults: { privateKeyPath: '/home/u/.warren/keys/conduit.key' } });
    const shown = parse(showClientConfig(config, settings));
    expect(shown['router']).toEqual({ host: '::1', port: 7000 });
    expect(shown['security']).toEqual({ private_key_path: config.security?.private_key_path });
  });
});
