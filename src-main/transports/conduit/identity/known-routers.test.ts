import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkKnownRouter, forgetKnownRouter, normalizeRouterAddress, recordKnownRouter, routerAddress } from './known-routers.js';
import { fingerprint } from './public-key-text.js';

const fpA = fingerprint(Buffer.alloc(32, 1));
const fpB = fingerprint(Buffer.alloc(32, 2));

let home: string;
let file: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-known-routers-'));
  file = path.join(home, 'known_routers');
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe('known_routers', () => {
  it('unknown, then match after recording, changed for another key', () => {
    expect(checkKnownRouter(file, 'router.example:7000', fpA)).toEqual({ status: 'unknown' });
    recordKnownRouter(file, 'router.example:7000', fpA);
    expect(checkKnownRouter(file, 'router.example:7000', fpA)).toEqual({ status: 'match', recorded: fpA });
    expect(checkKnownRouter(file, 'ROUTER.example:7000', fpA).status).toBe('match');
    expect(checkKnownRouter(file, 'router.example:7000', fpB)).toEqual({ status: 'changed', recorded: fpA });
    expect(checkKnownRouter(file, 'router.example:7001', fpA)).toEqual({ status: 'unknown' });
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('recording again replaces the line in place and keeps comments and other routers', () => {
    fs.writeFileSync(file, `# mine\n\nfirst:1 ${fpA}\n  # indented note\n[::1]:9999 ${fpA}\nlast:2 ${fpB}\n`);
    recordKnownRouter(file, '[::1]:9999', fpB);
    expect(fs.readFileSync(file, 'utf8')).toBe(`# mine\n\nfirst:1 ${fpA}\n  # indented note\n[::1]:9999 ${fpB}\nlast:2 ${fpB}\n`);
    expect(checkKnownRouter(file, '[::1]:9999', fpB).status).toBe('match');
    expect(checkKnownRouter(file, '[::1]:9999', fpA)).toEqual({ status: 'changed', recorded: fpB });
  });

  it('duplicate lines for one router collapse into one when recorded', () => {
    fs.writeFileSync(file, `a:1 ${fpA}\nb:1 ${fpA}\na:1 ${fpB}\n`);
    expect(checkKnownRouter(file, 'a:1', fpB).status).toBe('match');
    recordKnownRouter(file, 'a:1', fpB);
    expect(fs.readFileSync(file, 'utf8')).toBe(`a:1 ${fpB}\nb:1 ${fpA}\n`);
  });

  it('IPv6 addresses are bracketed and compared in one spelling', () => {
    recordKnownRouter(file, '[FE80::1]:7000', fpA);
    expect(checkKnownRouter(file, '[fe80::1]:7000', fpA).status).toBe('match');
    expect(fs.readFileSync(file, 'utf8')).toContain(`[fe80::1]:7000 ${fpA}`);
    expect(routerAddress('::1', 9999)).toBe('[::1]:9999');
    expect(routerAddress('[::1]', 9999)).toBe('[::1]:9999');
    expect(routerAddress('127.0.0.1', 9999)).toBe('127.0.0.1:9999');
    expect(normalizeRouterAddress('[host]:22')).toBe('host:22');
    expect(() => normalizeRouterAddress('::1:9999')).toThrow(/IPv6 .*\[addr\]:port/);
    expect(() => normalizeRouterAddress('host')).toThrow(/host:port/);
    expect(() => normalizeRouterAddress('host:0')).toThrow(/out of range/);
    expect(() => normalizeRouterAddress('host:70000')).toThrow(/out of range/);
  });

  it('forget removes only that router', () => {
    recordKnownRouter(file, 'a:1', fpA);
    recordKnownRouter(file, '[::1]:2', fpB);
    expect(forgetKnownRouter(file, '[::1]:2')).toBe(true);
    expect(forgetKnownRouter(file, '[::1]:2')).toBe(false);
    expect(checkKnownRouter(file, '[::1]:2', fpB).status).toBe('unknown');
    expect(checkKnownRouter(file, 'a:1', fpA).status).toBe('match');
    expect(forgetKnownRouter(path.join(home, 'absent'), 'a:1')).toBe(false);
  });

  it('a malformed line is an error naming the line, not a silent "unknown"', () => {
    fs.writeFileSync(file, `a:1 ${fpA}\na:2 SHA256:typo\n`);
    expect(() => checkKnownRouter(file, 'a:2', fpA)).toThrow(/known_routers line 2: .*not a SHA256.*fix or delete/);
    fs.writeFileSync(file, `justonefield\n`);
    expect(() => checkKnownRouter(file, 'a:1', fpA)).toThrow(/line 1 is not `host:port SHA256:…`/);
    fs.writeFileSync(file, `::1:5 ${fpA}\n`);
    expect(() => recordKnownRouter(file, 'a:1', fpA)).toThrow(/line 1: write an IPv6/);
    fs.writeFileSync(file, `a:1 ${fpA} # trailing note\n`);
    expect(checkKnownRouter(file, 'a:1', fpA).status).toBe('match');
  });

  it('refuses to check or record something that is not a fingerprint', () => {
    expect(() => checkKnownRouter(file, 'a:1', 'nope')).toThrow(/not a SHA256/);
    expect(() => recordKnownRouter(file, 'a:1', 'nope')).toThrow(/not a SHA256/);
  });

  it('creates its directory 0700 and leaves no temp files', () => {
    const nested = path.join(home, 'sub', 'known_routers');
    recordKnownRouter(nested, 'a:1', fpA);
    if (process.platform !== 'win32') expect(fs.statSync(path.dirname(nested)).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(path.dirname(nested))).toEqual(['known_routers']);
    expect(fs.readFileSync(nested, 'utf8')).toMatch(/^# Conduit routers/);
  });
});
