// `npm run bench -- conduit [--quick]`: Warren's Conduit tunnel against direct, socat, stunnel
// (TLS 1.3) and `ssh -N -L` paths to the same loopback echo target, in one run. Prints figures,
// ratios and the goals met or missed; asserts nothing. A path that cannot start is reported and
// the others still run (so the anchors can be measured before Conduit exists).
import os from 'node:os';
import { installExitCleanup, stopAll } from './cleanup.js';
import { startEchoTarget } from './echo-target.js';
import { measureAll, type Measured, type Settings } from './figures.js';
import { directPath } from './path-direct.js';
import { startSocatPath } from './path-socat.js';
import { startSshPath } from './path-ssh.js';
import { startStunnelPath } from './path-stunnel.js';
import { startWarrenPath } from './path-warren.js';
import { printTable } from './table.js';
import { withTimeout } from './time.js';
import { errorText, type PathKey, type PathSlot, type TunnelPath } from './tunnel-path.js';
import { anchorVersions } from './versions.js';

const MB = 1024 * 1024;

const FULL: Settings = { bytes: 128 * MB, runs: 5, rounds: 2000, setups: 200, idleCount: 10_000, idleBatch: 500 };
const QUICK: Settings = { bytes: 32 * MB, runs: 3, rounds: 300, setups: 50, idleCount: 10_000, idleBatch: 500 };

/** Only these hold the idle connections: the two TLS tunnels whose memory the goal compares. */
const IDLE_PATHS: readonly PathKey[] = ['stunnel', 'warren'];

async function startSlot(key: PathKey, label: string, start: () => Promise<TunnelPath>): Promise<PathSlot> {
  process.stderr.write(`  … starting ${label}\n`);
  try {
    return { key, label, path: await withTimeout(start(), 90_000, `starting ${label}`) };
  } catch (e) {
    return { key, label, skipped: errorText(e) };
  }
}

export async function runConduitBench(quick: boolean): Promise<void> {
  installExitCleanup();
  const s = quick ? QUICK : FULL;
  console.log(
    `Warren Conduit vs anchors, all to one echo target on 127.0.0.1 (${quick ? 'quick' : 'full'} run; ` +
      `${os.cpus().length} CPUs; ${await anchorVersions()})`,
  );
  console.log(
    `throughput: ${s.bytes / MB} MB echoed per run, median of ${s.runs}; MB/s = MiB of payload per second each way ` +
      `(client → target and back at once); round trips: ${s.rounds} on one connection; setup: connect + first echo, ${s.setups} times\n`,
  );
  const target = await startEchoTarget();
  const slots: PathSlot[] = [];
  try {
    slots.push(await startSlot('direct', 'direct', async () => directPath(target.port)));
    slots.push(await startSlot('socat', 'socat', () => startSocatPath(target.port)));
    slots.push(await startSlot('stunnel', 'stunnel TLS 1.3', () => startStunnelPath(target.port)));
    slots.push(await startSlot('ssh', 'ssh -N -L', () => startSshPath(target.port)));
    slots.push(await startSlot('warren', 'warren conduit', () => startWarrenPath(target.port)));
    for (const slot of slots) {
      if (slot.skipped !== undefined) process.stderr.write(`  ${slot.label}: ${slot.key === 'warren' ? 'unavailable' : 'skipped'} (${slot.skipped})\n`);
    }

    const measured: Measured[] = slots.flatMap((slot) => (slot.path ? [{ key: slot.key, path: slot.path, figures: {} }] : []));
    await measureAll(measured, s, IDLE_PATHS);
    console.log('');
    printTable(slots, measured, s.idleCount);
  } finally {
    for (const slot of slots) await slot.path?.stop().catch(() => undefined);
    await target.stop();
    await stopAll();
  }
}
