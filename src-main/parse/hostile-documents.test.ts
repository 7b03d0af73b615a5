// Hostile documents at every parser entry point (issue 14, finding 3): deep nesting of every bracket
// kind, huge scalars, alias bombs, long keys and random bytes. Each must give a parse or a clear
// error — never a RangeError from a blown stack, and never the V8 abort that would take the test
// worker down with it. Runs are few and documents bounded so this takes seconds on a busy CI box.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WarrenError } from '../../src-shared/api/errors.js';
import { decodeMountTargetParameter, MountTargetParameterError } from '../../src-shared/efs/mount-targets.js';
import { CONFIG_DOCUMENT_LIMITS, ParseLimitError, TOML_FILE_LIMITS, parseJsonBounded } from '../../src-shared/logic/parse-limits.js';
import { validateMolePortConfig } from '../cli/config-validate.js';
import { importMolePortYaml } from '../store/moleport-import.js';
import { ProtocolError } from '../transports/conduit/protocol/frame-decoder.js';
import { helloSchema, parseJson } from '../transports/conduit/protocol/messages.js';
import { readTomlFile } from '../transports/conduit/config/toml-file.js';
import { KnownHosts } from '../transports/ssh/known-hosts.js';
import { loadConfigFile } from '../transports/ssh/ssh-config-file.js';
import { readTextFileBounded } from './bounded-file.js';

const DEEP = 65; // one past CONFIG_DOCUMENT_LIMITS.maxDepth
const repeatTo = (unit: string, n: number): string => unit.repeat(n);

/** Deep nesting in each syntax, from just past the limit to the 200 KB of the report. */
const depth = fc.oneof(fc.integer({ min: DEEP, max: 2_000 }), fc.constant(100_000));
const deepYaml = fc.tuple(fc.constantFrom('[', '{', '{a: ', '[{a: ', '- ', '? ', '- a: ', '[ ', '{ ? '), depth).map(([u, n]) => `a: ${repeatTo(u, n)}\n`);
const deepJson = fc.tuple(fc.constantFrom('[', '{"a":', '[{"a":'), depth).map(([u, n]) => repeatTo(u, n));
const deepToml = fc.tuple(fc.constantFrom('[', '{b=', '[{b='), depth).map(([u, n]) => `a = ${repeatTo(u, n)}\n`);
const aliasBomb = fc.integer({ min: 3, max: 9 }).map((levels) =>
  ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]', ...Array.from({ length: levels }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(', ')}]`)].join('\n'),
);
const longKey = fc.integer({ min: 1_000, max: 200_000 }).map((n) => `${'k'.repeat(n)}: 1\n`);
const hugeScalar = fc.constantFrom(`a: "${'x'.repeat(CONFIG_DOCUMENT_LIMITS.maxBytes)}"\n`, `a: ${'x'.repeat(CONFIG_DOCUMENT_LIMITS.maxBytes / 2)}\n`);
const randomBytes = fc.uint8Array({ maxLength: 4_000 }).map((b) => Buffer.from(b).toString('utf8'));
/** Short strings of structural characters: the lexers' corner cases. */
const structural = fc.string({ unit: fc.constantFrom(...'[]{}:-?,&*!|># \n\'"\\=.a1'.split('')), maxLength: 300 });
const anyYaml = fc.oneof(deepYaml, aliasBomb, longKey, hugeScalar, randomBytes, structural);
const anyJson = fc.oneof(deepJson, longKey, randomBytes, structural);
const anyToml = fc.oneof(deepToml, longKey, randomBytes, structural);

/** Runs fn; a return or one of the expected errors passes, with a message a person can act on. */
async function parsesOrRefuses(fn: () => unknown, ...expected: Array<abstract new (...a: never[]) => Error>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!expected.some((cls) => e instanceof cls)) throw e;
    const message = (e as Error).message;
    expect(message.length).toBeGreaterThan(0);
    expect(message).not.toMatch(/Maximum call stack|out of memory/i);
  }
}

const RUNS = { numRuns: 40 };

describe('hostile documents at every parser entry point', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'warren-hostile-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('config.import and warren config validate (MolePort YAML)', async () => {
    await fc.assert(
      fc.asyncProperty(anyYaml, async (text) => {
        await parsesOrRefuses(() => importMolePortYaml(text), WarrenError);
        await parsesOrRefuses(() => validateMolePortConfig(text));
      }),
      RUNS,
    );
  });

  it('deep YAML of every kind is refused naming the depth limit, an alias bomb naming aliases', () => {
    fc.assert(
      fc.property(deepYaml, (text) => {
        // ASCII, so length is bytes: past the size limit that check answers first.
        expect(() => importMolePortYaml(text)).toThrow(text.length > CONFIG_DOCUMENT_LIMITS.maxBytes ? /is too large/ : /nested too deeply: more than 64 levels/);
      }),
      { numRuns: 30 },
    );
    expect(() => importMolePortYaml(fc.sample(aliasBomb, 1)[0]!)).toThrow(/alias/i);
    expect(() => importMolePortYaml(`a: "${'x'.repeat(CONFIG_DOCUMENT_LIMITS.maxBytes)}"`)).toThrow(/too large/);
  });

  it('conduit.toml and router.toml files', async () => {
    const file = path.join(dir, 'hostile.toml');
    await fc.assert(
      fc.asyncProperty(anyToml, async (text) => {
        await fs.writeFile(file, text);
        await parsesOrRefuses(() => readTomlFile(file, 'hostile.toml', 'n/a'), WarrenError);
      }),
      RUNS,
    );
    await fs.writeFile(file, `a = ${'['.repeat(100_000)}`);
    await expect(readTomlFile(file, 'hostile.toml', 'n/a')).rejects.toThrow(/hostile.toml is nested too deeply: more than 64 levels/);
    await fs.writeFile(file, `a = "${'x'.repeat(TOML_FILE_LIMITS.maxBytes)}"`);
    await expect(readTomlFile(file, 'hostile.toml', 'n/a')).rejects.toThrow(/hostile.toml is too large/);
  });

  it('JSON from peers: Conduit control messages, the SSM mount target parameter, JSON messages', async () => {
    await fc.assert(
      fc.asyncProperty(anyJson, async (text) => {
        await parsesOrRefuses(() => parseJson(helloSchema, Buffer.from(text), 'hello'), ProtocolError);
        await parsesOrRefuses(() => decodeMountTargetParameter(text), MountTargetParameterError);
        await parsesOrRefuses(() => parseJsonBounded(text, 'message'), ParseLimitError, SyntaxError);
      }),
      RUNS,
    );
    expect(() => parseJson(helloSchema, Buffer.from('['.repeat(100_000)), 'hello')).toThrow(/hello is nested too deeply/);
    expect(() => decodeMountTargetParameter(`{"mount_targets":${'['.repeat(100_000)}`)).toThrow(/more than the 65536 a parameter can hold/);
  });

  it('ssh_config and known_hosts files past the size limit are refused without being read whole', async () => {
    const big = path.join(dir, 'big');
    const handle = await fs.open(big, 'w');
    await handle.truncate(17 * 1024 * 1024); // sparse: costs no disk
    await handle.close();
    await expect(loadConfigFile(big, { home: dir, localUser: 'u' })).rejects.toThrow(/ssh config .* is too large/);
    await expect(KnownHosts.load([big])).rejects.toThrow(/known_hosts file .* is too large/);
  });

  it('a bounded read of /dev/zero stops at the limit', async () => {
    await expect(readTextFileBounded('/dev/zero', 4096, '/dev/zero')).rejects.toThrow(/\/dev\/zero is too large: more than 4096 bytes; the limit is 4 KiB \(4096 bytes\)/);
  });
});
