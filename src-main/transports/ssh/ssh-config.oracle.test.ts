// Property: for random small ssh configs, our resolver agrees with OpenSSH itself (`ssh -G -F`).
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../e2e/fixtures/tmp.js';
import { SshConfigResolver } from './ssh-config.js';

const execFileP = promisify(execFile);

const ALIASES = ['a', 'b', 'ab', 'ba', 'abc', 'web1', 'web2', 'db'];
const PATTERNS = [...ALIASES, '*', 'a*', '*b', 'w?b1', 'web?', '?', '??', 'a?c', '!a', '!web*', '!?', '!db', 'x,a'];

const kw = (name: string): fc.Arbitrary<string> =>
  fc.constantFrom(name, name.toLowerCase(), name.toUpperCase()).chain((k) => fc.constantFrom(`${k} `, `${k}=`, `${k} = `));

const option: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(kw('HostName'), fc.constantFrom('h1.example', '%h.x', '10.0.0.1', 'db.internal')).map(([k, v]) => k + v),
  fc.tuple(kw('Port'), fc.integer({ min: 1, max: 65535 })).map(([k, v]) => k + v),
  fc.tuple(kw('User'), fc.constantFrom('alice', 'bob', 'deploy')).map(([k, v]) => k + v),
  fc.tuple(kw('IdentityFile'), fc.constantFrom('/keys/k1', '/keys/k2', '/keys/k3', '/keys/k 4')).map(([k, v]) => k + (v.includes(' ') ? `"${v}"` : v)),
  fc.tuple(kw('ProxyJump'), fc.constantFrom('j1', 'u@j2:2022', 'j1,j2', 'none', 'ssh://u@j3:23')).map(([k, v]) => k + v),
);

const hostBlock = fc
  .tuple(fc.uniqueArray(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 3 }), fc.array(option, { maxLength: 4 }))
  .map(([pats, opts]) => [`Host ${pats.join(' ')}`, ...opts.map((o) => `  ${o}`)].join('\n'));

/** A main config and an included one; `Include` sits at a random block boundary (maybe inside a Host block). */
const configPair = fc
  .tuple(
    fc.array(option, { maxLength: 2 }),
    fc.array(hostBlock, { minLength: 1, maxLength: 5 }),
    fc.array(hostBlock, { maxLength: 3 }),
    fc.nat({ max: 5 }),
  )
  .map(([globals, blocks, included, at]) => ({ globals, blocks, included, at: Math.min(at, blocks.length) }));

async function oracle(file: string, alias: string): Promise<Map<string, string[]>> {
  const { stdout } = await execFileP('ssh', ['-G', '-F', file, alias]);
  const out = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const key = line.slice(0, sp);
    out.set(key, [...(out.get(key) ?? []), line.slice(sp + 1)]);
  }
  return out;
}

describe('ssh config resolution matches `ssh -G`', () => {
  let tmp: TempDir;
  beforeAll(async () => {
    tmp = await makeTempDir('warren-sshcfg-');
  });
  afterAll(() => tmp.remove());

  it('hostname, port, user, identityfile, proxyjump agree for random configs', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(configPair, fc.constantFrom(...ALIASES, 'WEB1', 'zzz'), async (cfg, alias) => {
        const file = path.join(tmp.path, `config-${n}`);
        const inc = path.join(tmp.path, `included-${n++}`);
        const blocks = [...cfg.blocks];
        if (cfg.included.length) {
          await fs.writeFile(inc, cfg.included.join('\n') + '\n');
          blocks.splice(cfg.at, 0, `  Include ${inc}`);
        }
        await fs.writeFile(file, [...cfg.globals, ...blocks].join('\n') + '\n');
        const ours = (await SshConfigResolver.load(file, { home: os.homedir() })).resolve(alias);
        const theirs = await oracle(file, alias);
        expect(ours.hostname).toBe(theirs.get('hostname')?.[0]);
        expect(String(ours.port)).toBe(theirs.get('port')?.[0]);
        expect(ours.user).toBe(theirs.get('user')?.[0]);
        if (ours.identityFiles.length) expect(ours.identityFiles).toEqual(theirs.get('identityfile'));
        // With no IdentityFile, ssh lists its defaults (~/.ssh/id_*).
        else expect(theirs.get('identityfile')?.every((f) => f.startsWith('~/.ssh/id_'))).toBe(true);
        expect(ours.proxyJump.map((j) => j.raw).join(',') || undefined).toBe(theirs.get('proxyjump')?.[0]);
      }),
      { numRuns: Number(process.env['WARREN_ORACLE_RUNS'] ?? 40) },
    );
  });
});
