// Wait until a child's port accepts connections, failing fast (with its last words) if it exits.
import type { ChildProcess } from 'node:child_process';
import { canConnect, waitFor } from '../../e2e/fixtures/ports.js';
import { outputOf } from './output.js';

export async function waitListening(child: ChildProcess, port: number, what: string, timeoutMs = 15_000): Promise<void> {
  const output = outputOf(child);
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  await waitFor(
    async () => {
      if (spawnError) throw spawnError;
      if (child.exitCode !== null || child.signalCode !== null) {
        const last = output().trim().split('\n').slice(-5).join(' | ');
        throw new Error(`${what} exited (${child.signalCode ?? child.exitCode}): ${last || 'no output'}`);
      }
      return canConnect(port);
    },
    `${what} listening on 127.0.0.1:${port}`,
    timeoutMs,
    50,
  );
}
