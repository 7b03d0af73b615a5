// The checks as an attacker on the same machine would meet them. Tests run as root in CI, so "another
// user" is uid 65534 (chown); "the user" is whoever runs the test.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePrivateFile } from './private-file.js';
import { checkDaemonSocket, checkTrustedConfigFile, ensurePrivateHome, ensurePrivateSubdir, readOwnPrivateFile, UnsafePathError } from './private-path.js';

const root = process.getuid?.() === 0;
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-private-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const modeOf = (p: string): number => fs.lstatSync(p).mode & 0o7777;

describe('ensurePrivateHome', () => {
  it('creates a missing home 0700, whatever the umask', () => {
    const old = process.umask(0o002);
    try {
      ensurePrivateHome(path.join(dir, 'a', 'home'));
    } finally {
      process.umask(old);
    }
    expect(modeOf(path.join(dir, 'a', 'home'))).toBe(0o700);
  });

  it('keeps a private home as it is', () => {
    fs.chmodSync(dir, 0o755);
    ensurePrivateHome(dir);
    expect(modeOf(dir)).toBe(0o755);
  });

  it('refuses a home others can write, with the fix, and leaves it alone', () => {
    fs.chmodSync(dir, 0o777);
    expect(() => ensurePrivateHome(dir)).toThrow(UnsafePathError);
    expect(() => ensurePrivateHome(dir)).toThrow(/writable by everyone \(mode 0777\).*chmod 700/);
    fs.chmodSync(dir, 0o770);
    expect(() => ensurePrivateHome(dir)).toThrow(/writable by its group/);
    expect(modeOf(dir)).toBe(0o770);
  });

  it.runIf(root)('refuses a home owned by another user', () => {
    fs.chownSync(dir, 65534, 65534);
    expect(() => ensurePrivateHome(dir)).toThrow(/owned by uid 65534.*choose a home you own/);
  });

  it('refuses a home under a folder others can write (without the sticky bit)', () => {
    const loose = path.join(dir, 'loose');
    fs.mkdirSync(loose);
    fs.chmodSync(loose, 0o777);
    expect(() => ensurePrivateHome(path.join(loose, 'home'))).toThrow(/above .* writable by everyone/);
    expect(fs.existsSync(path.join(loose, 'home'))).toBe(false);
    fs.chmodSync(loose, 0o1777); // like /tmp: others cannot rename what is ours
    ensurePrivateHome(path.join(loose, 'home'));
  });

  it('follows a symlinked home to a private target, and refuses a loose target', () => {
    const target = path.join(dir, 'target');
    fs.mkdirSync(target, { mode: 0o700 });
    const link = path.join(dir, 'link');
    fs.symlinkSync(target, link);
    ensurePrivateHome(link);
    fs.chmodSync(target, 0o777);
    expect(() => ensurePrivateHome(link)).toThrow(/WARREN_HOME .*link.* writable by everyone/);
  });

  it.runIf(root)('refuses a symlinked home whose link belongs to someone else', () => {
    const target = path.join(dir, 'target');
    fs.mkdirSync(target, { mode: 0o700 });
    const link = path.join(dir, 'link');
    fs.symlinkSync(target, link);
    fs.lchownSync(link, 65534, 65534);
    expect(() => ensurePrivateHome(link)).toThrow(/symlink owned by uid 65534/);
  });
});

describe('ensurePrivateSubdir', () => {
  it('makes keys/ 0700 and refuses a planted symlink in its place', () => {
    ensurePrivateSubdir(path.join(dir, 'keys'));
    expect(modeOf(path.join(dir, 'keys'))).toBe(0o700);
    fs.symlinkSync(os.tmpdir(), path.join(dir, 'keys2'));
    expect(() => ensurePrivateSubdir(path.join(dir, 'keys2'))).toThrow(/not a plain directory/);
  });
});

describe('readOwnPrivateFile', () => {
  it('reads only a regular 0600 file the user owns', () => {
    const f = path.join(dir, 'browser-token');
    writePrivateFile(f, 'secret\n');
    expect(readOwnPrivateFile(f)).toBe('secret\n');
    fs.chmodSync(f, 0o644);
    expect(readOwnPrivateFile(f)).toBeUndefined();
    fs.chmodSync(f, 0o600);
    const link = path.join(dir, 'link');
    fs.symlinkSync(f, link);
    expect(readOwnPrivateFile(link)).toBeUndefined();
    expect(readOwnPrivateFile(path.join(dir, 'missing'))).toBeUndefined();
  });

  it.runIf(root)('ignores a 0600 file owned by someone else', () => {
    const f = path.join(dir, 'browser-token');
    writePrivateFile(f, 'planted\n');
    fs.chownSync(f, 65534, 65534);
    expect(readOwnPrivateFile(f)).toBeUndefined();
  });
});

describe('writePrivateFile', () => {
  it('replaces a planted symlink instead of writing through it; the victim keeps its bytes and mode', () => {
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'precious');
    fs.chmodSync(victim, 0o644);
    const f = path.join(dir, 'browser-url');
    fs.symlinkSync(victim, f);
    writePrivateFile(f, 'http://127.0.0.1:1/#token=x\n');
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    expect(modeOf(victim)).toBe(0o644);
    expect(fs.lstatSync(f).isFile()).toBe(true);
    expect(modeOf(f)).toBe(0o600);
  });
});

describe('checkTrustedConfigFile', () => {
  it('accepts the user’s file, refuses one others can write', async () => {
    const f = path.join(dir, 'config');
    fs.writeFileSync(f, 'Host a\n');
    fs.chmodSync(f, 0o644);
    await checkTrustedConfigFile(f, 'the ssh config');
    fs.chmodSync(f, 0o666);
    await expect(checkTrustedConfigFile(f, 'the ssh config')).rejects.toThrow(/the ssh config .* writable by everyone.*chmod go-w/);
    await expect(checkTrustedConfigFile(path.join(dir, 'none'), 'the ssh config')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.runIf(root)('refuses a file owned by another user (root is accepted, as OpenSSH does)', async () => {
    const f = path.join(dir, 'config');
    fs.writeFileSync(f, 'Host a\n');
    fs.chownSync(f, 65534, 65534);
    await expect(checkTrustedConfigFile(f, 'the ssh config')).rejects.toThrow(/owned by uid 65534/);
  });
});

describe('checkDaemonSocket', () => {
  it('is false when nothing is there, true for the user’s 0600 socket', async () => {
    const sock = path.join(dir, 'warren.sock');
    expect(checkDaemonSocket(sock)).toBe(false);
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(sock, () => r()));
    try {
      fs.chmodSync(sock, 0o600);
      expect(checkDaemonSocket(sock)).toBe(true);
      fs.chmodSync(sock, 0o660);
      expect(() => checkDaemonSocket(sock)).toThrow(/open to group or others/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
