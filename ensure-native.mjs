// Native modules (better-sqlite3) are built for one ABI at a time: Node's for the CLI, daemon and
// tests, Electron's for the app. `npm start` and `npm test` call this first so each finds the build
// it needs: `node ensure-native.mjs node|electron`. It rebuilds only when the current build does
// not fit (about a minute from source where no prebuilt binary can be downloaded).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const target = process.argv[2];
const marker = new URL('./node_modules/.warren-native-abi', import.meta.url);
const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function loadsInNode() {
  // A child process, so a failed dlopen cannot poison this one.
  const r = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { stdio: 'ignore' });
  return r.status === 0;
}

if (target === 'node') {
  if (!loadsInNode()) {
    console.error('ensure-native: better-sqlite3 is built for another runtime (Electron?); rebuilding it for Node…');
    execFileSync(npm, ['rebuild', 'better-sqlite3'], { stdio: 'inherit' });
    fs.rmSync(marker, { force: true });
  }
} else if (target === 'electron') {
  const version = require('electron/package.json').version;
  const want = `electron-${version}`;
  const have = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : '';
  if (have !== want) {
    console.error(`ensure-native: building native modules for Electron ${version}…`);
    execFileSync(npm, ['exec', '--', 'electron-builder', 'install-app-deps'], { stdio: 'inherit' });
    fs.writeFileSync(marker, want + '\n');
  }
} else {
  console.error('usage: node ensure-native.mjs node|electron');
  process.exit(2);
}
