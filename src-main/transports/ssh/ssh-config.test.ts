import fs from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../e2e/fixtures/tmp.js';
import { SshConfigResolver, hostSummary } from './ssh-config.js';
import { expandTokens, matchPattern, parseJumpSpec } from './ssh-patterns.js';

describe('matchPattern', () => {
  it('follows OpenSSH: ? is exactly one character, * any run', () => {
    expect(matchPattern('ab', 'a?')).toBe(true);
    expect(matchPattern('a', 'a?')).toBe(false);
    expect(matchPattern('abc', 'a*c')).toBe(true);
    expect(matchPattern('ac', 'a*c')).toBe(true);
    expect(matchPattern('a,b', 'a,b')).toBe(true);
    expect(matchPattern('Web', 'web')).toBe(false);
  });

  it('agrees with an anchored regex built from the pattern', () => {
    const chars = fc.constantFrom('a', 'b', '.');
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b', '.', '*', '?'), maxLength: 6 }), (text, pat) => {
        const re = new RegExp('^' + pat.replace(/\./g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 's');
        expect(matchPattern(text, pat)).toBe(re.test(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseJumpSpec', () => {
  it('reads user@host:port, bare hosts, IPv6 and ssh:// forms', () => {
    expect(parseJumpSpec('u@j:2022')).toEqual({ raw: 'u@j:2022', user: 'u', host: 'j', port: 2022 });
    expect(parseJumpSpec('j')).toEqual({ raw: 'j', host: 'j' });
    expect(parseJumpSpec('[::1]:22')).toEqual({ raw: '[::1]:22', host: '::1', port: 22 });
    expect(parseJumpSpec('ssh://u@h:23')).toEqual({ raw: 'u@h:23', user: 'u', host: 'h', port: 23 });
    expect(() => parseJumpSpec('h:99999')).toThrow(/ProxyJump/);
  });
});

describe('expandTokens', () => {
  it('expands ~ and %-tokens, keeps unknown ones', () => {
    const v = { home: '/home/me', localUser: 'me', host: 'h.example', remoteUser: 'r', port: 2222, alias: 'h' };
    expect(expandTokens('~/.ssh/id_%h_%r_%p', v)).toBe('/home/me/.ssh/id_h.example_r_2222');
    expect(expandTokens('%d/k-%u-%n%%-%Z', v)).toBe('/home/me/k-me-h%-%Z');
  });
});

describe('SshConfigResolver', () => {
  let tmp: TempDir;
  let home: string;
  beforeEach(async () => {
    tmp = await makeTempDir('warren-sshcfg-');
    home = path.join(tmp.path, 'home');
    await fs.mkdir(path.join(home, '.ssh', 'config.d'), { recursive: true });
  });
  afterEach(() => tmp.remove());

  const write = async (rel: string, text: string): Promise<string> => {
    const file = path.join(home, '.ssh', rel);
    await fs.writeFile(file, text);
    return file;
  };

  it('follows Include with globs relative to ~/.ssh, in sorted order, and lists concrete hosts', async () => {
    await write('config.d/20-db', 'Host db db-*\n  HostName db.internal\n  Port 5022\n');
    await write('config.d/10-web', 'Host web\n  HostName web.internal\n  User deploy\n');
    await write('config.d/.hidden', 'Host hidden\n');
    const main = await write('config', 'Include config.d/*\nHost bastion\n  HostName 10.0.0.1\nHost *\n  User fallback\n');
    const r = await SshConfigResolver.load(main, { home, localUser: 'me' });
    expect(r.listHosts()).toEqual(['web', 'db', 'bastion']);
    expect(r.files.map((f) => path.basename(f))).toEqual(['config', '10-web', '20-db']);
    expect(r.resolve('db')).toMatchObject({ hostname: 'db.internal', port: 5022, user: 'fallback' });
    expect(r.resolve('web')).toMatchObject({ hostname: 'web.internal', port: 22, user: 'deploy' });
  });

  it('expands identity files, keeps defaults apart, and reads the other options', async () => {
    const main = await write(
      'config',
      [
        'Host h',
        '  HostName H.Example',
        '  User r',
        '  Port 2200',
        '  IdentityFile ~/.ssh/id_%h',
        '  IdentityFile %d/k2',
        '  ProxyJump a@j1:23,j2',
        '  ServerAliveInterval 15',
        '  ServerAliveCountMax 2',
        '  UserKnownHostsFile ~/kh1 %d/kh2',
        '  StrictHostKeyChecking accept-new',
        '  IdentitiesOnly yes',
        '  ConnectTimeout 7',
        'Host other',
        '  ProxyCommand nc %h %p',
        '  ProxyJump j1',
        '',
      ].join('\n'),
    );
    const r = await SshConfigResolver.load(main, { home, localUser: 'me' });
    const h = r.resolve('h');
    expect(h).toMatchObject({
      hostname: 'h.example',
      port: 2200,
      user: 'r',
      identityFiles: [`${home}/.ssh/id_h.example`, `${home}/k2`],
      serverAliveInterval: 15,
      serverAliveCountMax: 2,
      userKnownHostsFiles: [`${home}/kh1`, `${home}/kh2`],
      strictHostKeyChecking: 'accept-new',
      identitiesOnly: true,
      connectTimeout: 7,
    });
    expect(h.proxyJump.map((j) => j.raw)).toEqual(['a@j1:23', 'j2']);
    expect(hostSummary(h)).toEqual({ name: 'h', hostname: 'h.example', port: 2200, user: 'r', identity_file: h.identityFiles, proxy_jump: ['a@j1:23', 'j2'] });
    const other = r.resolve('other');
    expect(other.proxyJump).toEqual([]);
    expect(other.proxyCommand).toBe('nc %h %p');
    expect(other.identityFilesOrDefault).toEqual(['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => `${home}/.ssh/${n}`));
    expect(other.userKnownHostsFiles).toEqual([`${home}/.ssh/known_hosts`, `${home}/.ssh/known_hosts2`]);
    expect(other.user).toBe('me');
  });

  it('evaluates Match host/originalhost/user/all and never Match exec', async () => {
    const main = await write(
      'config',
      ['Host x', '  HostName real.example', 'Match exec "touch /tmp/warren-should-not-exist"', '  Port 1', 'Match host real.* !originalhost y', '  Port 2', 'Match all', '  User u', ''].join('\n'),
    );
    const r = await SshConfigResolver.load(main, { home, localUser: 'me' });
    expect(r.resolve('x')).toMatchObject({ port: 2, user: 'u' });
    expect(r.resolve('y')).toMatchObject({ port: 22, user: 'u' });
  });

  it('does not loop on a config that includes itself', async () => {
    const main = await write('config', 'Include config\nHost a\n');
    const r = await SshConfigResolver.load(main, { home, localUser: 'me' });
    expect(r.listHosts()).toEqual(['a']);
  });
});
