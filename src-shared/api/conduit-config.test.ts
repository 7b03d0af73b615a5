import { describe, expect, it } from 'vitest';
import { parse } from 'smol-toml';
import { ROUTER_CONFIG_DEFAULTS, publicKeyBase64, validateClientConfig, validateRouterConfig, type ConfigCheck } from './conduit-config.js';

const KEY_A = 'conduit-ed25519 ZACwdNHejpBz0HipRU21IBPChgSwaFWMundpgczGbFE= alice@laptop';
const KEY_B = 'conduit-ed25519 CHO20xVgZe8migeVht/xbgyHHBueJeDu+bA2eFyX+pw=';

/** The example conduit.toml of the original Conduit, verbatim (comments included). */
const SEED_CLIENT = `
# Clientが接続するRouterサーバーの情報
[router]
host = "10.2.0.1"           # Router のIPアドレス (Router同一サブネット内)
port = 9999                 # Routerの待ち受けポート

# Clientのセキュリティ設定
[security]
private_key_path = "./keys/client.key" # Clientの秘密鍵

# Router側サービスへのアクセス経路設定
[[tunnels]]
name = "web-server-access"     # トンネルの識別名
source = "10.2.0.2:8080"      # Router側サービスのアドレスとポート
bind = "0.0.0.0:80"           # Clientがこのアドレスとポートで外部接続を待ち受ける
# protocol = "tcp" (デフォルト) / "udp"

[[tunnels]]
name = "api-server-access"
source = "10.2.0.3:3000"      # 別のRouter側サービス
bind = "0.0.0.0:8080"
`;

function errorsOf<T>(result: ConfigCheck<T>): string[] {
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
}
const tunnel = (name: string, bind: string, extra: Record<string, unknown> = {}) => ({ name, source: '10.2.0.2:8080', bind, ...extra });
const client = (tunnels: unknown[], extra: Record<string, unknown> = {}) => ({ router: { host: '10.2.0.1', port: 9999 }, tunnels, ...extra });

describe('client conduit.toml', () => {
  it("accepts the original Conduit's example as it is, tcp by default", () => {
    const result = validateClientConfig(parse(SEED_CLIENT));
    expect(result).toEqual({
      ok: true,
      config: {
        router: { host: '10.2.0.1', port: 9999 },
        security: { private_key_path: './keys/client.key' },
        tunnels: [
          { name: 'web-server-access', source: '10.2.0.2:8080', bind: '0.0.0.0:80', protocol: 'tcp' },
          { name: 'api-server-access', source: '10.2.0.3:3000', bind: '0.0.0.0:8080', protocol: 'tcp' },
        ],
      },
    });
  });

  it('names the file, the field path and the bad value', () => {
    const errors = errorsOf(validateClientConfig(client([tunnel('a', '0.0.0.0:80'), tunnel('b', '80')])));
    expect(errors).toEqual(['conduit.toml: tunnels[1].bind: expected host:port, got "80"']);
  });

  it('reports misspelt keys, missing fields and wrong types', () => {
    const errors = errorsOf(validateClientConfig({ rotuer: {}, router: { host: 'h', port: '9999' }, tunnels: [{ name: 'x', bind: '[::1]:80' }] }, 'dev.toml'));
    expect(errors).toContain('dev.toml: rotuer: unknown key');
    expect(errors).toContain('dev.toml: tunnels[0].source: required (string)');
    expect(errors.some((e) => e.startsWith('dev.toml: router.port: ') && e.includes('number'))).toBe(true);
  });

  it('refuses duplicate tunnel names, naming the duplicate', () => {
    const errors = errorsOf(validateClientConfig(client([tunnel('web', '127.0.0.1:80'), tunnel('web', '127.0.0.1:81')])));
    expect(errors).toEqual(['conduit.toml: tunnels[1].name: duplicate tunnel name (also at index 0)']);
  });

  it('refuses binds that clash on one protocol (a wildcard clashes with any host), allows tcp and udp on one port', () => {
    expect(errorsOf(validateClientConfig(client([tunnel('a', '0.0.0.0:80'), tunnel('b', '127.0.0.1:80')])))[0]).toContain(
      'tunnels[1].bind: 127.0.0.1:80 clashes with 0.0.0.0:80 of tunnels[0] (tcp)',
    );
    expect(errorsOf(validateClientConfig(client([tunnel('a', '[::1]:80'), tunnel('b', '[0:0::1]:80')])))).toHaveLength(1);
    expect(validateClientConfig(client([tunnel('a', '0.0.0.0:53'), tunnel('b', '0.0.0.0:53', { protocol: 'udp' })])).ok).toBe(true);
    expect(validateClientConfig(client([tunnel('a', '127.0.0.1:80'), tunnel('b', '127.0.0.2:80')])).ok).toBe(true);
  });

  it('takes a source name or host:port as source, and a key pin as router_key', () => {
    const ok = validateClientConfig(
      client([tunnel('a', '127.0.0.1:80', { source: 'web' }), tunnel('b', '127.0.0.1:81', { source: '[fd00::5]:443' })], {
        security: { router_key: 'SHA256:Y6jwg55DhUVfpfajc2KLNmEcIEbbYK8/0GZRMgsnJUY' },
      }),
    );
    expect(ok.ok).toBe(true);
    expect(validateClientConfig(client([tunnel('a', '127.0.0.1:80')], { security: { router_key: KEY_B } })).ok).toBe(true);
    const errors = errorsOf(validateClientConfig(client([tunnel('a', '127.0.0.1:80', { source: '10.0.0.1' })], { security: { router_key: 'SHA256:nope' } })));
    expect(errors).toHaveLength(2);
    expect(errors.join('\n')).toMatch(/tunnels\[0\]\.source: expected host:port .* or the name of a source/);
    expect(errors.join('\n')).toContain('security.router_key: expected a fingerprint');
  });

  it('lets [router] be left out (env or --router supply it) but not the tunnels', () => {
    expect(validateClientConfig({ tunnels: [tunnel('a', '127.0.0.1:80')] }).ok).toBe(true);
    expect(validateClientConfig({ router: { host: '::1', port: 9999 }, tunnels: [tunnel('a', '127.0.0.1:80')] }).ok).toBe(true);
    expect(errorsOf(validateClientConfig({ router: { host: '[::1]', port: 9999 }, tunnels: [tunnel('a', '127.0.0.1:80')] }))[0]).toContain('without brackets');
    expect(errorsOf(validateClientConfig({ router: { host: '10.0.0.1', port: 1 }, tunnels: [] }))).toEqual([
      'conduit.toml: tunnels: add at least one [[tunnels]] entry',
    ]);
  });
});

describe('router router.toml', () => {
  it('fills every default from an empty file', () => {
    const result = validateRouterConfig({});
    expect(result.ok && result.config).toMatchObject({ ...ROUTER_CONFIG_DEFAULTS, alerts: {}, authorized_clients: [], sources: [] });
  });

  it('accepts a full file', () => {
    const toml = `
[router]
bind = "0.0.0.0:9999"
name = "edge-1"
[security]
state_path = "state.json"
[api]
bind = "0.0.0.0:9998"
token = "0123456789abcdef0123"
[alerts]
slack_webhook_url = "https://hooks.slack.com/services/T/B/X"
[[authorized_clients]]
name = "alice"
public_key = "${KEY_A}"
allow = ["web", "10.0.0.0/8:5432", "[fd00::/8]:443", "db.internal:*"]
expires_at = 2030-01-31
[[sources]]
name = "web"
endpoints = ["10.2.0.2:8080", "10.2.0.3:8080"]
strategy = "least_connections"
`;
    const result = validateRouterConfig(parse(toml));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.authorized_clients[0]!.expires_at).toBe('2030-01-31T00:00:00.000Z');
    expect(result.config.sources[0]!.strategy).toBe('least_connections');
  });

  it('requires an API token when the API listens beyond loopback, saying how to fix it', () => {
    const errors = errorsOf(validateRouterConfig({ api: { bind: '0.0.0.0:9998' } }));
    expect(errors).toEqual([
      'router.toml: api.token: required when api.bind (0.0.0.0:9998) is not a loopback address: set [api] token or CONDUIT_API_TOKEN, or bind the API to 127.0.0.1',
    ]);
    expect(validateRouterConfig({ api: { bind: '0.0.0.0:9998', enabled: false } }).ok).toBe(true);
    expect(validateRouterConfig({ api: { bind: '[::1]:9998' } }).ok).toBe(true);
    expect(errorsOf(validateRouterConfig({ api: { bind: '0.0.0.0:9998', token: 'short' } }))[0]).toContain('at least 16 characters');
  });

  it('checks client keys, allow patterns, names and sources', () => {
    const errors = errorsOf(
      validateRouterConfig({
        authorized_clients: [
          { name: 'a', public_key: 'ssh-ed25519 AAAA', allow: ['10.0.0.1/8:80'] },
          { name: 'b', public_key: KEY_A, allow: [], expires_at: 'soon' },
        ],
        sources: [{ name: '10.0.0.1:80', endpoints: [] }],
      }),
    );
    expect(errors).toEqual([
      'router.toml: authorized_clients[0].public_key: expected "conduit-ed25519 <base64 of 32 bytes> [comment]" (the line of a .pub file)',
      'router.toml: authorized_clients[0].allow[0]: "10.0.0.1/8" has bits set after the prefix; did you mean 10.0.0.0/8?',
      'router.toml: authorized_clients[1].allow: list what this client may reach, e.g. ["web", "10.0.0.0/8:5432"]',
      'router.toml: authorized_clients[1].expires_at: expected a date like 2026-01-31 or 2026-01-31T12:00:00Z, got "soon"',
      'router.toml: sources[0].name: a source name starts with a letter and has letters, digits and . _ - (no ":", so it never looks like host:port)',
      'router.toml: sources[0].endpoints: list at least one "host:port" endpoint',
    ]);
  });

  it('refuses duplicate clients, keys and sources, and allow names no source has', () => {
    const errors = errorsOf(
      validateRouterConfig({
        authorized_clients: [
          { name: 'a', public_key: KEY_A, allow: ['web'] },
          { name: 'a', public_key: KEY_A.replace(' alice@laptop', ''), allow: ['wbe'] },
        ],
        sources: [
          { name: 'web', endpoints: ['10.0.0.1:80'] },
          { name: 'web', endpoints: ['10.0.0.2:80'] },
        ],
      }),
    );
    expect(errors).toEqual([
      'router.toml: authorized_clients[1].name: duplicate client name (also at index 0)',
      'router.toml: authorized_clients[1].public_key: this key is already authorized (also at index 0)',
      'router.toml: sources[1].name: duplicate source name (also at index 0)',
      'router.toml: authorized_clients[1].allow[0]: no [[sources]] entry is named "wbe" (known: web)',
    ]);
  });

  it('refuses an API on the tunnel port', () => {
    expect(errorsOf(validateRouterConfig({ router: { bind: '0.0.0.0:9999' }, api: { bind: '127.0.0.1:9999' } }))[0]).toContain(
      'api.bind: 127.0.0.1:9999 clashes with router.bind 0.0.0.0:9999',
    );
  });
});

describe('expires_at', () => {
  it('reads ISO text as UTC unless it has an offset', () => {
    const at = (expires_at: unknown) => {
      const r = validateRouterConfig({ sources: [{ name: 'web', endpoints: ['10.0.0.1:80'] }], authorized_clients: [{ name: 'a', public_key: KEY_A, allow: ['web'], expires_at }] });
      return r.ok ? r.config.authorized_clients[0]!.expires_at : r.errors.join();
    };
    expect(at('2030-01-31')).toBe('2030-01-31T00:00:00.000Z');
    expect(at('2030-01-31 12:30')).toBe('2030-01-31T12:30:00.000Z');
    expect(at('2030-01-31T12:30:00+09:00')).toBe('2030-01-31T03:30:00.000Z');
    expect(at(parse('x = 2030-01-31T12:30:00')['x'])).toBe('2030-01-31T12:30:00.000Z');
    expect(at('31/01/2030')).toContain('expected a date');
  });
});

describe('publicKeyBase64', () => {
  it('accepts 32-byte keys only', () => {
    expect(publicKeyBase64(KEY_A)).toBe('ZACwdNHejpBz0HipRU21IBPChgSwaFWMundpgczGbFE=');
    expect(publicKeyBase64('conduit-ed25519 ZACwdNHejpBz0HipRU21IBPChgSwaFWMundpgczGbFE')).toBeUndefined();
    expect(publicKeyBase64('conduit-ed25519 ZACwdNHejpBz0HipRU21IBPChgSwaFWMundpgczGbFF=')).toBeUndefined(); // 2 stray bits
    expect(publicKeyBase64('conduit-ed25519 AAAA')).toBeUndefined();
    expect(publicKeyBase64('ssh-ed25519 ZACwdNHejpBz0HipRU21IBPChgSwaFWMundpgczGbFE=')).toBeUndefined();
  });
});
