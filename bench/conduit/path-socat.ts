// Path 2, a plain relay: socat forking one process per connection, no encryption. It shows what
// merely copying bytes through a second process costs.
import { freePort } from '../../e2e/fixtures/ports.js';
import { spawnTracked, stopChild } from './cleanup.js';
import { waitListening } from './listening.js';
import { findBinary, type TunnelPath } from './tunnel-path.js';

export async function startSocatPath(targetPort: number): Promise<TunnelPath> {
  const socat = findBinary('socat');
  if (!socat) throw new Error('socat is not installed (apt-get install socat)');
  const port = await freePort();
  const child = spawnTracked(socat, [`TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr`, `TCP:127.0.0.1:${targetPort}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await waitListening(child, port, 'socat');
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  // No RSS figure for socat: every connection is its own forked process.
  return { port, pids: {}, stop: () => stopChild(child) };
}
