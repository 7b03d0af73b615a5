import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../../src-shared/api/index.js';
import { isPermanentError } from '../../../core/reconnect-policy.js';
import { assertSafeExecutable } from './executable-check.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

describe('assertSafeExecutable', () => {
  let dir: string;
  let plugin: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'warren-exe-'));
    await fs.chmod(dir, 0o755);
    plugin = path.join(dir, 'session-manager-plugin');
    await fs.writeFile(plugin, '#!/bin/sh\necho 1.2.650.0\n', { mode: 0o755 });
    await fs.chmod(plugin, 0o755);
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('accepts a plugin only its owner can write, also through a symlink', async () => {
    await expect(assertSafeExecutable(plugin)).resolves.toBeUndefined();
    const link = path.join(dir, 'link');
    await fs.symlink(plugin, link);
    await expect(assertSafeExecutable(link)).resolves.toBeUndefined();
  });

  it.each([0o775, 0o757, 0o777])('refuses a plugin with mode %o, saying how to fix it, as a permanent error', async (mode) => {
    await fs.chmod(plugin, mode);
    const err = await assertSafeExecutable(plugin).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.InvalidParams, data: { path: plugin } });
    expect((err as Error).message).toContain('writable by group or others');
    expect((err as Error).message).toContain(`chmod go-w "${plugin}"`);
    expect(isPermanentError(err)).toBe(true);
  });

  it('refuses a plugin behind a symlink whose target others may write, naming the target', async () => {
    await fs.chmod(plugin, 0o777);
    const link = path.join(dir, 'link');
    await fs.symlink(plugin, link);
    await expect(assertSafeExecutable(link)).rejects.toThrow(`${link} (→ ${plugin})`);
  });

  it('refuses a plugin in a folder others may write (not sticky), and accepts one in a sticky folder', async () => {
    await fs.chmod(dir, 0o777);
    await expect(assertSafeExecutable(plugin)).rejects.toThrow(`its folder ${dir} is writable by group or others`);
    await fs.chmod(dir, 0o1777);
    await expect(assertSafeExecutable(plugin)).resolves.toBeUndefined();
  });

  it.skipIf(!isRoot)('refuses a plugin owned by another user, or in a folder another user owns', async () => {
    await fs.chown(plugin, NOBODY, NOBODY);
    await expect(assertSafeExecutable(plugin)).rejects.toThrow(`owned by uid ${NOBODY}, neither you (uid 0) nor root`);
    await fs.chown(plugin, 0, 0);
    await fs.chown(dir, NOBODY, NOBODY);
    await expect(assertSafeExecutable(plugin)).rejects.toThrow(`its folder ${dir} is owned by uid ${NOBODY}`);
  });

  it('reports a missing plugin with the install fix', async () => {
    await expect(assertSafeExecutable(path.join(dir, 'nope'))).rejects.toThrow(/not found at .*install the Session Manager plugin/);
  });
});
