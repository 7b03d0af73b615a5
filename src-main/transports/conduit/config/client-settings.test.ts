import { describe, expect, it } from 'vitest';
import { resolveClientSettings, type ClientSettingsInput } from './client-settings.js';
import { configErrorLines } from './config-error.js';

const PIN_FILE = 'SHA256:Y6jwg55DhUVfpfajc2KLNmEcIEbbYK8/0GZRMgsnJUY';
const PIN_ENV = 'SHA256:1aWGQRTyOgvVDcUxJsqSR9/b2hbP8E/58DI+Tb1V0UU';
const KEY_CLI = 'conduit-ed25519 /nKkdBfwlHvRmuFP7E9GcUzDcUU9JKxWJN81qRgH+7o=';
const file = { router: { host: 'file-host', port: 1111 }, security: { private_key_path: '/cfg/keys/file.key', router_key: PIN_FILE } };
const env = {
  CONDUIT_ROUTER_HOST: 'env-host',
  CONDUIT_ROUTER_PORT: '2222',
  CONDUIT_SECURITY_PRIVATE_KEY_PATH: 'env.key',
  CONDUIT_SECURITY_ROUTER_KEY: PIN_ENV,
};
const cli = { router: 'cli-host:3333', privateKeyPath: 'cli.key', routerKey: KEY_CLI };
const defaults = { privateKeyPath: '/home/u/.config/warren/keys/conduit.key' };

type Row = [string, Omit<ClientSettingsInput, 'defaults' | 'cwd'>, string, string, string | undefined];

describe('resolveClientSettings: CLI > env > file > defaults', () => {
  it.each<Row>([
    ['defaults only (router from the file)', { file: { router: file.router } }, 'file-host:1111', defaults.privateKeyPath, undefined],
    ['file', { file }, 'file-host:1111', '/cfg/keys/file.key', PIN_FILE],
    ['env over file', { env, file }, 'env-host:2222', '/work/env.key', PIN_ENV],
    ['cli over env and file', { cli, env, file }, 'cli-host:3333', '/work/cli.key', KEY_CLI],
    ['env host with the file port', { env: { CONDUIT_ROUTER_HOST: 'env-host' }, file }, 'env-host:1111', '/cfg/keys/file.key', PIN_FILE],
    ['env host alone takes the default port', { env: { CONDUIT_ROUTER_HOST: 'env-host' } }, 'env-host:9999', defaults.privateKeyPath, undefined],
    ['cli router alone', { cli: { router: '[fd00::1]:9999' } }, '[fd00::1]:9999', defaults.privateKeyPath, undefined],
    ['empty values count as unset', { cli: { router: '', routerKey: ' ' }, env: { CONDUIT_ROUTER_HOST: '' }, file }, 'file-host:1111', '/cfg/keys/file.key', PIN_FILE],
  ])('%s', (_name, input, router, keyPath, routerKey) => {
    const s = resolveClientSettings({ ...input, defaults, cwd: '/work' });
    const shown = s.router.host.includes(':') ? `[${s.router.host}]:${s.router.port}` : `${s.router.host}:${s.router.port}`;
    expect([shown, s.privateKeyPath, s.routerKey]).toEqual([router, keyPath, routerKey]);
  });

  it('records where each value came from', () => {
    const s = resolveClientSettings({ cli: { privateKeyPath: 'k' }, env: { CONDUIT_ROUTER_HOST: 'h' }, file, defaults, cwd: '/w' });
    expect(s.origin).toEqual({ routerHost: 'env', routerPort: 'file', privateKeyPath: 'cli', routerKey: 'file' });
  });

  it.each<[string, Omit<ClientSettingsInput, 'defaults'>, string]>([
    ['no router anywhere', {}, 'no router: pass --router HOST:PORT, set CONDUIT_ROUTER_HOST, or add [router] host and port to the config file'],
    ['a bad --router', { cli: { router: '10.0.0.1' } }, '--router: expected host:port, got "10.0.0.1"'],
    ['a bad env port', { env: { CONDUIT_ROUTER_PORT: '0' }, file }, 'CONDUIT_ROUTER_PORT: expected a port from 1 to 65535, got "0"'],
    ['a bad --router-key', { cli: { routerKey: 'abc' }, file }, '--router-key: expected a fingerprint "SHA256:…" or a "conduit-ed25519 …" key line'],
  ])('refuses %s', (_name, input, message) => {
    let lines: string[] | undefined;
    try {
      resolveClientSettings({ ...input, defaults });
    } catch (e) {
      lines = configErrorLines(e);
    }
    expect(lines).toEqual([message]);
  });
});
