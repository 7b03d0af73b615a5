import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AUTOSTART_FILE_NAME, isAutostartEnabled, quoteExecArg, renderAutostartEntry, setAutostart, xdgAutostartDir } from './xdg-autostart.js';

/** Split an Exec value back into arguments the way a desktop environment does (spec order). */
function parseExec(value: string): string[] {
  // 1. desktop-file string unescaping
  const unescaped = value.replace(/\\([\\snrt])/g, (_m, c: string) => ({ '\\': '\\', s: ' ', n: '\n', r: '\r', t: '\t' })[c] ?? c);
  // 2. quoting and 3. %% → %
  const args: string[] = [];
  let cur = '';
  let inArg = false;
  for (let i = 0; i < unescaped.length; i++) {
    const ch = unescaped[i] ?? '';
    if (ch === '"') {
      inArg = true;
      for (i++; i < unescaped.length && unescaped[i] !== '"'; i++) {
        if (unescaped[i] === '\\') i++;
        cur += unescaped[i] ?? '';
      }
    } else if (ch === ' ') {
      if (inArg) args.push(cur);
      cur = '';
      inArg = false;
    } else {
      cur += ch;
      inArg = true;
    }
  }
  if (inArg) args.push(cur);
  return args.map((a) => a.replace(/%%/g, '%'));
}

describe('xdg autostart entry', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'warren-autostart-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('resolves $XDG_CONFIG_HOME/autostart, defaulting to ~/.config and ignoring relative values', () => {
    expect(xdgAutostartDir({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe(path.join('/x/cfg', 'autostart'));
    expect(xdgAutostartDir({}, '/home/u')).toBe(path.join('/home/u', '.config', 'autostart'));
    expect(xdgAutostartDir({ XDG_CONFIG_HOME: 'rel' }, '/home/u')).toBe(path.join('/home/u', '.config', 'autostart'));
  });

  it('writes, detects and removes warren.desktop', async () => {
    const autostart = path.join(dir, 'autostart');
    expect(await isAutostartEnabled(autostart)).toBe(false);
    await setAutostart(autostart, true, { command: '/opt/My Apps/Warren.AppImage', args: ['--hidden'] });
    const text = await fs.readFile(path.join(autostart, AUTOSTART_FILE_NAME), 'utf8');
    expect(text.startsWith('[Desktop Entry]\n')).toBe(true);
    expect(text).toContain('X-GNOME-Autostart-enabled=true\n');
    expect(text).toContain('Exec="/opt/My Apps/Warren.AppImage" --hidden\n');
    expect(await isAutostartEnabled(autostart)).toBe(true);
    expect(await fs.readdir(autostart)).toEqual([AUTOSTART_FILE_NAME]);
    await setAutostart(autostart, false, { command: 'x', args: [] });
    expect(await isAutostartEnabled(autostart)).toBe(false);
    await setAutostart(autostart, false, { command: 'x', args: [] });
  });

  it('treats an entry the user switched off as disabled', async () => {
    await fs.writeFile(path.join(dir, AUTOSTART_FILE_NAME), '[Desktop Entry]\nExec=warren\nHidden=true\n');
    expect(await isAutostartEnabled(dir)).toBe(false);
    await fs.writeFile(path.join(dir, AUTOSTART_FILE_NAME), '[Desktop Entry]\nExec=warren\nX-GNOME-Autostart-enabled=false\n');
    expect(await isAutostartEnabled(dir)).toBe(false);
  });

  it('keeps a newline in a path from injecting keys', () => {
    const text = renderAutostartEntry({ command: '/tmp/a\nHidden=true', args: [] });
    expect(text).not.toMatch(/^Hidden=true$/m);
  });

  it('quotes paths with spaces, quotes, dollars, backslashes and percents', () => {
    expect(quoteExecArg('/usr/bin/warren')).toBe('/usr/bin/warren');
    expect(quoteExecArg('/a b/c')).toBe('"/a b/c"');
    expect(parseExec([quoteExecArg('/a "b"/$HOME\\x%u'), quoteExecArg('--hidden')].join(' '))).toEqual(['/a "b"/$HOME\\x%u', '--hidden']);
  });

  it('property: any argv survives quoting and the spec parse (no newlines: entries are single-line)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 0, maxLength: 20 }).filter((s) => !/[\r\n\t]/.test(s)), { minLength: 1, maxLength: 4 }), (argv) => {
        const exec = argv.map(quoteExecArg).join(' ');
        expect(parseExec(exec)).toEqual(argv);
      }),
    );
  });
});
