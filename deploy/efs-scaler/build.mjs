// Builds the EFS scaler Lambda: esbuild bundles deploy/efs-scaler/handler.ts (the controller, zod
// and the AWS SDK v3 clients it uses) into one CommonJS file, handler.cjs, with its source map, and
// zips both into efs-scaler.zip for template.yaml's CodeUri.
//
//   npm run build:efs-lambda                      → dist/efs-scaler/{handler.cjs,handler.cjs.map,efs-scaler.zip}
//   node deploy/efs-scaler/build.mjs --out-dir D  → the same files in D
//
// Choices:
// - CommonJS (handler.cjs; `Handler: handler.handler`). Lambda runs both, but CJS needs no shim:
//   bundled ESM output breaks on the SDK's CommonJS dependencies calling require() for Node
//   built-ins ("Dynamic require of … is not supported") unless a createRequire banner is added. The
//   .cjs extension keeps it CommonJS even next to a package.json that says "type": "module" (this
//   repo's). In CJS, `import.meta` is empty, so the count_files addon loader
//   (file-counter-native.ts) finds no import.meta.url and the counter uses its JavaScript walker —
//   the one Lambda can run (no native addon is shipped). esbuild's warning about that empty
//   import.meta is silenced for that one expected use; any other warning still prints.
// - The AWS SDK v3 is bundled, not taken from the Lambda runtime: the runtime's copy is a
//   version AWS picks and changes under a deployed function, while the bundle holds exactly the
//   versions in package-lock.json — the ones the tests ran against (the SDK's packages must also
//   agree with each other, e.g. @smithy/core). One file also loads faster than many.
// - The counter's worker needs no file of its own: file-counter-js.ts passes its source as a string
//   (new Worker(source, { eval: true })), so the bundle is the only entry.
// - target node20: the oldest Node that runs the bundle — the repo's own floor (engines >=20.19,
//   which the test runs it on) — so it also runs on the template's nodejs22.x runtime unchanged.
// - Not minified (stack traces in CloudWatch stay readable); source map linked, without the sources'
//   text (a smaller zip). Set NODE_OPTIONS=--enable-source-maps (the template does) to map traces.
// - The zip is written here (deflate from node:zlib, a central directory by hand) rather than by a
//   `zip` CLI that CI machines may lack; entries get fixed timestamps, so the same input gives the
//   same bytes, and mode 0644 so the Lambda user can read them.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

export const BUNDLE = 'handler.cjs';
export const ZIP = 'efs-scaler.zip';

/**
 * Bundle and zip into outDir (default dist/efs-scaler). Returns the paths and sizes.
 * @param {{ outDir?: string, quiet?: boolean }} [opts]
 */
export async function buildLambda(opts = {}) {
  const outDir = path.resolve(opts.outDir ?? path.join(root, 'dist', 'efs-scaler'));
  mkdirSync(outDir, { recursive: true });
  const bundle = path.join(outDir, BUNDLE);
  const map = `${bundle}.map`;
  const zip = path.join(outDir, ZIP);
  for (const f of [bundle, map, zip]) rmSync(f, { force: true });

  const result = await build({
    absWorkingDir: root,
    entryPoints: [path.join(here, 'handler.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // ESM builds of the SDK (module) tree-shake better than its CJS builds (main).
    mainFields: ['module', 'main'],
    minify: false,
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: opts.quiet ? 'error' : 'warning',
    logOverride: { 'empty-import-meta': 'silent' },
  });
  if (result.errors.length > 0) throw new Error(`esbuild failed: ${result.errors.map((e) => e.text).join('; ')}`);

  const entries = [BUNDLE, `${BUNDLE}.map`].map((name) => ({ name, data: readFileSync(path.join(outDir, name)) }));
  writeFileSync(zip, zipStore(entries));

  const inputs = Object.keys(result.metafile.inputs);
  const out = {
    outDir,
    bundle,
    zip,
    bundleBytes: statSync(bundle).size,
    zipBytes: statSync(zip).size,
    entries: entries.map((e) => e.name),
    inputs: inputs.length,
    sdkPackages: [...new Set(inputs.map((p) => /node_modules\/(@aws-sdk\/[^/]+)/.exec(p)?.[1]).filter(Boolean))].sort(),
  };
  if (!opts.quiet) {
    const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
    console.log(`efs-scaler: ${path.relative(process.cwd(), bundle) || bundle} ${kb(out.bundleBytes)} (${out.inputs} modules), ${path.relative(process.cwd(), zip) || zip} ${kb(out.zipBytes)}`);
  }
  return out;
}

// ---- a minimal zip writer (PKWARE APPNOTE 6.3: local headers, deflate, central directory) ----

const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const UNIX_REGULAR_0644 = (0o100644 << 16) >>> 0;

/** @param {Array<{ name: string, data: Buffer }>} files */
export function zipStore(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data, { level: 9 });
    // Store when deflate does not help (tiny files).
    const method = deflated.length < data.length ? 8 : 0;
    const body = method === 8 ? deflated : data;
    const crc = crc32(data) >>> 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // flags: names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10); // time 00:00:00
    local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBytes, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0 (so the external attributes are a mode)
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(UNIX_REGULAR_0644, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);

    offset += local.length + nameBytes.length + body.length;
    if (offset > 0xffffffff) throw new Error('zipStore: over 4 GiB needs zip64, which this writer does not do');
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, ...centrals, end]);
}

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out-dir') opts.outDir = argv[++i];
    else if (a.startsWith('--out-dir=')) opts.outDir = a.slice('--out-dir='.length);
    else if (a === '--quiet') opts.quiet = true;
    else throw new Error(`unknown argument ${a} (use --out-dir DIR, --quiet)`);
  }
  if (opts.outDir === undefined && argv.includes('--out-dir')) throw new Error('--out-dir needs a directory');
  return opts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  buildLambda(parseArgs(process.argv.slice(2))).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
