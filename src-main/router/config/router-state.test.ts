import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configErrorLines } from '../../transports/conduit/config/config-error.js';
import { readRouterState, writeRouterState, type RouterState } from './router-state.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-router-state-'));
  dirs.push(dir);
  return dir;
}

const state: RouterState = {
  rotated_keys: [
    {
      client: 'alice',
      public_key: 'conduit-ed25519 CHO20xVgZe8migeVht/xbgyHHBueJeDu+bA2eFyX+pw=',
      previous_public_key: 'conduit-ed25519 ZACwdNHejpBz0HipRU21IBPChgSwaFWMundpgczGbFE=',
      accepted_at: '2026-01-01T00:00:00.000Z',
      grace_until: '2026-01-02T00:00:00.000Z',
    },
  ],
};

describe('router state file', () => {
  it('reads a missing file as no rotations', () => {
    expect(readRouterState(path.join(tempDir(), 'none.json'))).toEqual({ rotated_keys: [] });
  });

  it('writes 0600 through a temp file and reads back the same, leaving no temp files', () => {
    const dir = tempDir();
    const file = path.join(dir, 'sub', 'router-state.json');
    writeRouterState(file, state);
    expect(readRouterState(file)).toEqual(state);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    writeRouterState(file, { rotated_keys: [] });
    expect(readRouterState(file)).toEqual({ rotated_keys: [] });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['router-state.json']);
  });

  it('refuses to write a state that would not read back', () => {
    const file = path.join(tempDir(), 's.json');
    expect(() => writeRouterState(file, { rotated_keys: [{ ...state.rotated_keys[0]!, accepted_at: 'yesterday' }] })).toThrow();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('names a damaged file and how to recover', () => {
    const dir = tempDir();
    for (const text of ['{not json', '{"rotated_keys":[{"client":""}]}']) {
      const file = path.join(dir, 'bad.json');
      fs.writeFileSync(file, text);
      let lines: string[] | undefined;
      try {
        readRouterState(file);
      } catch (e) {
        lines = configErrorLines(e);
      }
      expect(lines?.[0]).toMatch(new RegExp(`^router state ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged .*move it aside`));
    }
  });
});
