import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfigFile } from './validate-config-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function fileWith(text: string, name = 'x.toml'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-conduit-validate-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}
const KEY = 'conduit-ed25519 ZACwdNHejpBz0HipRU21IBPChgSwaFWMundpgczGbFE= alice';

describe('validateConfigFile', () => {
  it('recognises a client file and sums it up', async () => {
    const file = fileWith('[router]\nhost = "10.2.0.1"\nport = 9999\n[[tunnels]]\nname = "web"\nsource = "10.2.0.2:8080"\nbind = "0.0.0.0:80"\n');
    expect(await validateConfigFile(file, { env: {} })).toEqual({
      ok: true,
      kind: 'client',
      summary: 'client: router 10.2.0.1:9999, 1 tunnel (web 0.0.0.0:80 → 10.2.0.2:8080)',
    });
  });

  it('recognises a router file and sums it up', async () => {
    const file = fileWith(`[router]\nbind = "0.0.0.0:9999"\n[[sources]]\nname = "web"\nendpoints = ["10.0.0.1:80"]\n[[authorized_clients]]\nname = "alice"\npublic_key = "${KEY}"\nallow = ["web"]\n`);
    expect(await validateConfigFile(file, { env: {} })).toEqual({
      ok: true,
      kind: 'router',
      summary: 'router: listens on 0.0.0.0:9999, API on 127.0.0.1:9998, 1 authorized client, 1 source',
    });
  });

  it('counts the environment in, as the command would', async () => {
    const file = fileWith('[api]\nbind = "0.0.0.0:9998"\n');
    const without = await validateConfigFile(file, { env: {} });
    expect(without.ok).toBe(false);
    expect(await validateConfigFile(file, { env: { CONDUIT_API_TOKEN: 'x'.repeat(32) } })).toMatchObject({ ok: true, kind: 'router' });
  });

  it('refuses a file mixing both kinds, or one of neither', async () => {
    const mixed = await validateConfigFile(fileWith('[api]\nenabled = false\n[[tunnels]]\nname = "a"\nsource = "web"\nbind = "127.0.0.1:1"\n', 'mixed.toml'), { env: {} });
    expect(mixed.ok === false && mixed.errors[0]).toMatch(/mixed\.toml: mixes client settings \(\[tunnels\]\) with router settings \(\[api\]\)/);
    const neither = await validateConfigFile(fileWith('# nothing\n', 'empty.toml'), { env: {} });
    expect(neither.ok === false && neither.errors[0]).toMatch(/cannot tell whether this is a client file/);
  });

  it('returns the problems of a bad or missing file instead of throwing', async () => {
    const bad = await validateConfigFile(fileWith('[[tunnels]]\nname = "a"\nsource = "web"\nbind = "80"\n'), { env: {} });
    expect(bad.ok === false && bad.errors).toEqual([expect.stringMatching(/tunnels\[0\]\.bind: expected host:port, got "80"$/)]);
    const missing = await validateConfigFile('/nonexistent/warren/x.toml', { env: {} });
    expect(missing.ok === false && missing.errors[0]).toMatch(/^no such file: /);
  });
});
