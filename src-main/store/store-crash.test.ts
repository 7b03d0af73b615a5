import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './store.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function runCrashWriter(file: string): Promise<{ signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures', 'crash-writer.ts'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolve({ signal, stdout, stderr });
    });
  });
}

describe('reopen after a crash', () => {
  it('keeps every committed write of a process killed with SIGKILL without close()', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-crash-'));
    dirs.push(dir);
    const file = path.join(dir, 'warren.db');
    const { signal, stdout, stderr } = await runCrashWriter(file);
    expect(stderr).toBe('');
    expect(signal).toBe('SIGKILL');
    // The WAL was never checkpointed: the data lives in warren.db-wal until the next open.
    expect(fs.existsSync(`${file}-wal`)).toBe(true);

    const store = openStore(file);
    try {
      expect(store.rules.list().map((r) => r.name)).toEqual(['web', 'socks']);
      expect(store.active.list()).toEqual(['web']);
      expect(store.settings.get()).toEqual({ reconnect: { max_retries: 3 } });
      expect(store.metrics.query('web', 0, 2000)).toHaveLength(1);
      const open = store.history.list('web');
      expect(open).toHaveLength(1);
      expect(open[0]?.id).toBe(Number(stdout.trim()));
      expect(open[0]?.status).toBe('running');
      // At start the engine closes what the crash left open.
      expect(store.history.closeInterrupted('daemon stopped unexpectedly')).toBe(1);
      expect(store.history.list('web')[0]).toMatchObject({ status: 'interrupted', reason: 'daemon stopped unexpectedly' });
    } finally {
      store.close();
    }
  });
});
