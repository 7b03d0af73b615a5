// Builds what a Fargate task copies into its image:
//   dist/efs-routing/efs-routing.mjs     the library (ESM): routing, codec, fallback, mountAll; zod inside
//   dist/efs-routing/efs-task-init.cjs   the start step (CJS, AWS SDK inside for GetParameter)
//   npm run build:efs-routing  |  node deploy/efs-routing/build.mjs --out-dir D
// Not minified, so stack traces in the task's logs stay readable.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

/** @param {{ outDir?: string }} [opts] */
export async function buildEfsRouting(opts = {}) {
  const outDir = path.resolve(opts.outDir ?? path.join(root, 'dist', 'efs-routing'));
  mkdirSync(outDir, { recursive: true });
  const common = { absWorkingDir: root, bundle: true, platform: 'node', target: 'node20', minify: false, sourcemap: false, logLevel: 'warning' };
  const library = path.join(outDir, 'efs-routing.mjs');
  const init = path.join(outDir, 'efs-task-init.cjs');
  await build({ ...common, entryPoints: [path.join(here, 'index.ts')], outfile: library, format: 'esm' });
  await build({ ...common, entryPoints: [path.join(here, 'task-init.ts')], outfile: init, format: 'cjs', mainFields: ['module', 'main'] });
  return { outDir, library, init };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--out-dir');
  const r = await buildEfsRouting(i > 0 ? { outDir: process.argv[i + 1] } : {});
  console.log(`built ${path.relative(process.cwd(), r.library)} and ${path.relative(process.cwd(), r.init)}`);
}
