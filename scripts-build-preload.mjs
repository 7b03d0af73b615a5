// Bundles the sandboxed preload to CommonJS (dist/src-main/electron/preload.cjs). tsc cannot emit it:
// the package is ESM, and a sandboxed preload may only `require('electron')`, so its imports from
// src-shared must be inlined. Run by `npm run build:main` after tsc.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

await build({
  entryPoints: [path.join(root, 'src-main/electron/preload.ts')],
  outfile: path.join(root, 'dist/src-main/electron/preload.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['electron'],
  sourcemap: true,
  logLevel: 'info',
});
