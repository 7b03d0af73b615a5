import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from './migrations.js';
import { openStore, StoreOpenError, type Store } from './store.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-db-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function open(file: string, options?: Parameters<typeof openStore>[1]): Store {
  const store = openStore(file, options);
  cleanups.push(() => store.close());
  return store;
}

function openError(file: string, options?: Parameters<typeof openStore>[1]): StoreOpenError {
  try {
    open(file, options);
  } catch (e) {
    expect(e).toBeInstanceOf(StoreOpenError);
    return e as StoreOpenError;
  }
  throw new Error('openStore should have failed');
}

describe('openStore', () => {
  it('creates the folder 0700 and the file 0600, in WAL mode with foreign keys, at the latest schema', () => {
    const home = path.join(tempDir(), 'nested', 'home');
    const file = path.join(home, 'warren.db');
    open(file);
    expect(fs.statSync(home).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      raw.close();
    }
  });

  it('tightens an existing file with loose permissions', () => {
    const file = path.join(tempDir(), 'warren.db');
    fs.writeFileSync(file, '');
    fs.chmodSync(file, 0o644);
    open(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('reopens without re-running migrations and keeps data; close is idempotent', () => {
    const file = path.join(tempDir(), 'warren.db');
    const a = openStore(file);
    a.settings.put({ log: { level: 'debug' } });
    a.close();
    a.close();
    const b = open(file);
    expect(b.settings.get()).toEqual({ log: { level: 'debug' } });
  });

  it('refuses a database from a newer Warren, naming the file', () => {
    const file = path.join(tempDir(), 'warren.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    const e = openError(file);
    expect(e.kind).toBe('newer');
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/newer Warren.*Fix: update Warren/);
  });

  it('explains a corrupt file and how to fix it', () => {
    const file = path.join(tempDir(), 'warren.db');
    fs.writeFileSync(file, Buffer.alloc(8192, 'this is not sqlite'));
    const e = openError(file);
    expect(e.kind).toBe('corrupt');
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/move the file aside/);
  });

  it('explains a database locked by another process', () => {
    const file = path.join(tempDir(), 'warren.db');
    // Another program holds the write lock on a database that still needs its schema.
    const holder = new Database(file);
    cleanups.push(() => holder.close());
    holder.exec('BEGIN EXCLUSIVE; CREATE TABLE other (x); ');
    cleanups.push(() => holder.exec('ROLLBACK'));
    const started = Date.now();
    const e = openError(file, { busyTimeoutMs: 200 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150); // it waited for the lock first
    expect(e.kind).toBe('locked');
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/warren daemon stop/);
  });

  it('explains a path it cannot use at all (a folder where the file should be)', () => {
    const file = path.join(tempDir(), 'warren.db');
    fs.mkdirSync(file);
    const e = openError(file);
    expect(e.kind).toBe('io');
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/Fix:/);
  });

  // Root ignores permission bits, so this can only be checked as an ordinary user.
  it.skipIf(process.getuid?.() === 0)('explains a folder it cannot write to', () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o500);
    cleanups.push(() => fs.chmodSync(dir, 0o700));
    const e = openError(path.join(dir, 'warren.db'));
    expect(e.kind).toBe('permission');
    expect(e.message).toMatch(/WARREN_HOME/);
  });

  it('runs several repository calls as one transaction', () => {
    const store = open(path.join(tempDir(), 'warren.db'));
    const rule = { kind: 'ssh' as const, name: 'a', host: 'h', type: 'dynamic' as const, local_port: 1080, auto_connect: false };
    expect(() =>
      store.transaction(() => {
        store.rules.insert(rule);
        store.active.markActive('a');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.rules.list()).toEqual([]);
    expect(store.active.list()).toEqual([]);
  });
});
