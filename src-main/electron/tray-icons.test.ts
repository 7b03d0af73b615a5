import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trayIconPath } from './tray-icons.js';

const resources = path.resolve(import.meta.dirname, '..', '..', 'resources');

function pngSize(file: string): { width: number; height: number } {
  const b = fs.readFileSync(file);
  expect(b.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(b.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('tray icons', () => {
  for (const platform of ['darwin', 'linux', 'win32'] as const)
    for (const state of ['idle', 'active', 'warning'] as const)
      it(`${platform}/${state} names a generated PNG of the right size`, () => {
        const file = trayIconPath(resources, state, platform);
        expect(fs.existsSync(file), file).toBe(true);
        const { width, height } = pngSize(file);
        expect(width).toBe(height);
        expect(width).toBe(platform === 'linux' ? 32 : 16);
        if (platform === 'darwin') {
          // Template images: Electron/macOS find the Retina variant beside the 1x file.
          expect(path.basename(file)).toMatch(/Template\.png$/);
          expect(pngSize(file.replace(/\.png$/, '@2x.png')).width).toBe(32);
        }
      });

  it('has a 512 px app icon for electron-builder', () => {
    expect(pngSize(path.join(resources, 'icon.png'))).toEqual({ width: 512, height: 512 });
  });
});
