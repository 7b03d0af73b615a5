// Global setup: build the renderer into dist/renderer, which the daemon's browser door serves.
// Set WARREN_E2E_SKIP_BUILD=1 to reuse an existing build while iterating on specs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export default async function buildRenderer(): Promise<void> {
  const index = path.join(repoRoot, 'dist', 'renderer', 'index.html');
  if (process.env['WARREN_E2E_SKIP_BUILD'] === '1' && fs.existsSync(index)) return;
  await build({ configFile: path.join(repoRoot, 'vite.config.ts'), logLevel: 'warn' });
}
