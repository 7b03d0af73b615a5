// When an SSM session must be replaced, worked out through the real SDK against the emulator: the
// account's Session Manager preferences (GetDocument) for "auto", a fixed setting, "none", and the
// expiry of credentials from a real credential_process profile.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsClientCache } from '../../../src-main/aws/aws-clients.js';
import { createSessionDeadlines, maxSessionFromPreferences } from '../../../src-main/transports/ssm/session-deadline.js';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';

const OPENED = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('SSM session deadlines', () => {
  const saved = { ...process.env };
  let emu: AwsEmulator;
  let clients: AwsClientCache;
  let dir: TempDir;

  beforeEach(async () => {
    emu = await startAwsEmulator();
    dir = await makeTempDir('warren-deadline-');
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, emu.env());
    clients = new AwsClientCache({ maxAttempts: 1 });
  });
  afterEach(async () => {
    clients.destroy();
    await emu.close();
    await dir.remove();
  });
  afterAll(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('"auto" reads maxSessionDuration from the Session Manager preferences document', async () => {
    emu.scenario.sessionPreferences({ maxSessionDurationMinutes: 45, idleSessionTimeoutMinutes: 20 });
    const deadline = createSessionDeadlines({ clients, maxSessionMs: () => 'auto' });
    expect(await deadline({}, OPENED)).toBe(OPENED + 45 * 60_000);
    expect(emu.calls.filter((c) => c.action === 'GetDocument')).toHaveLength(1);
    // Cached per profile and region: the next session does not ask again.
    expect(await deadline({}, OPENED + 1)).toBe(OPENED + 1 + 45 * 60_000);
    expect(emu.calls.filter((c) => c.action === 'GetDocument')).toHaveLength(1);
  });

  it('"auto" with no preferences document and static keys: no deadline', async () => {
    const deadline = createSessionDeadlines({ clients, maxSessionMs: () => 'auto' });
    expect(await deadline({}, OPENED)).toBeUndefined();
  });

  it('a fixed duration wins over the preferences; "none" turns the maximum off', async () => {
    emu.scenario.sessionPreferences({ maxSessionDurationMinutes: 45 });
    expect(await createSessionDeadlines({ clients, maxSessionMs: () => 6000 })({}, OPENED)).toBe(OPENED + 6000);
    expect(await createSessionDeadlines({ clients, maxSessionMs: () => 'none' })({}, OPENED)).toBeUndefined();
  });

  it('credentials that expire (credential_process) bring the deadline forward', async () => {
    const expires = new Date(Date.now() + 40 * 60_000);
    const script = path.join(dir.path, 'creds.mjs');
    const env = emu.env();
    await fs.writeFile(
      script,
      `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(env.AWS_ACCESS_KEY_ID)}, SecretAccessKey: ${JSON.stringify(env.AWS_SECRET_ACCESS_KEY)}, SessionToken: 'tok', Expiration: ${JSON.stringify(expires.toISOString())} }));\n`,
    );
    const config = path.join(dir.path, 'config');
    await fs.writeFile(config, `[profile proc]\nregion = ${emu.region}\ncredential_process = ${process.execPath} ${script}\n`);
    process.env.AWS_CONFIG_FILE = config;
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const now = Date.now();
    emu.scenario.sessionPreferences({ maxSessionDurationMinutes: 120 });
    const deadline = createSessionDeadlines({ clients, maxSessionMs: () => 'auto' });
    expect(await deadline({ profile: 'proc' }, now)).toBe(expires.getTime());
    // A maximum shorter than the credentials' life is the deadline.
    emu.scenario.sessionPreferences({ maxSessionDurationMinutes: 10 });
    const short = createSessionDeadlines({ clients, maxSessionMs: () => 'auto' });
    expect(await short({ profile: 'proc' }, now)).toBe(now + 10 * 60_000);
  });

  it('reads the preferences content as AWS writes it, and refuses nonsense', () => {
    expect(maxSessionFromPreferences('{"inputs":{"maxSessionDuration":"60"}}')).toBe(3_600_000);
    expect(maxSessionFromPreferences('{"inputs":{"maxSessionDuration":""}}')).toBeUndefined();
    expect(maxSessionFromPreferences('{"inputs":{"maxSessionDuration":"5000"}}')).toBeUndefined();
    expect(maxSessionFromPreferences('not json')).toBeUndefined();
    expect(maxSessionFromPreferences(undefined)).toBeUndefined();
  });
});
