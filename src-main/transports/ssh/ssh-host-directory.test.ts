import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../e2e/fixtures/tmp.js';
import { createSshHostDirectory } from './ssh-host-directory.js';

describe('ssh host directory', () => {
  let tmp: TempDir;
  beforeEach(async () => (tmp = await makeTempDir('warren-hostdir-')));
  afterEach(() => tmp.remove());

  it('lists concrete hosts, reports what reload changed, and accepts aliases a HostName pattern covers', async () => {
    const file = path.join(tmp.path, 'config');
    const dir = createSshHostDirectory({ sshConfigPath: () => file, home: tmp.path });
    // A missing config is an empty one.
    expect(await dir.reload()).toEqual({ total: 0, added: [], removed: [] });
    await fs.writeFile(file, 'Host a b\n  HostName a.example\nHost *.corp\n  HostName %h\nHost x*\n  Port 1\n');
    expect(await dir.reload()).toEqual({ total: 2, added: ['a', 'b'], removed: [] });
    expect(dir.list().map((h) => h.name)).toEqual(['a', 'b']);
    expect(dir.describe('a')).toMatchObject({ name: 'a', hostname: 'a.example', port: 22 });
    expect(dir.has('db.corp')).toBe(true);
    expect(dir.has('xyz')).toBe(false);
    await fs.writeFile(file, 'Host b c\n');
    expect(await dir.reload()).toEqual({ total: 2, added: ['c'], removed: ['a'] });
  });
});
