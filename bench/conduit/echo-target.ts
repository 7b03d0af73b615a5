// Start the echo target (echo-target-child.ts) as a child process and learn its port.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTracked, stopChild } from './cleanup.js';
import { readUntil } from './output.js';

export interface EchoTarget {
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

const childEntry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'echo-target-child.ts');

export async function startEchoTarget(): Promise<EchoTarget> {
  const child = spawnTracked(process.execPath, ['--import', 'tsx', childEntry], { stdio: ['pipe', 'pipe', 'pipe'] });
  const line = await readUntil(child, /^(\d+)$/m, 'echo target port', 20_000);
  return { port: Number(line[1]), pid: child.pid!, stop: () => stopChild(child) };
}
