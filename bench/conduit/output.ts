// What a child process printed: a bounded tail of stdout+stderr (always drained, so a chatty child
// never blocks on a full pipe), and a bounded wait for a line that says it is ready.
import type { ChildProcess } from 'node:child_process';

const tails = new WeakMap<ChildProcess, { text: string }>();
const MAX_TAIL = 16_000;

/** The last output of `child` (stdout and stderr interleaved); starts capturing on first call. */
export function outputOf(child: ChildProcess): () => string {
  let tail = tails.get(child);
  if (!tail) {
    const t = { text: '' };
    tail = t;
    tails.set(child, t);
    const add = (c: Buffer): void => {
      t.text = (t.text + c.toString('utf8')).slice(-MAX_TAIL);
    };
    child.stdout?.on('data', add);
    child.stderr?.on('data', add);
  }
  const t = tail;
  return () => t.text;
}

/** Resolve with the first match of `re` in the child's output; reject if it exits or time runs out. */
export function readUntil(child: ChildProcess, re: RegExp, what: string, timeoutMs: number): Promise<RegExpMatchArray> {
  const output = outputOf(child);
  return new Promise((resolve, reject) => {
    const finish = (err?: Error, m?: RegExpMatchArray): void => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
      child.off('error', onError);
      if (err) reject(err);
      else resolve(m!);
    };
    const check = (): void => {
      const m = re.exec(output());
      if (m) finish(undefined, m);
    };
    const lastLines = (): string => output().trim().split('\n').slice(-5).join(' | ');
    const onExit = (code: number | null, signal: string | null): void =>
      finish(new Error(`exited (${signal ?? code}) before ${what}: ${lastLines() || 'no output'}`));
    const onError = (e: Error): void => finish(e);
    const timer = setTimeout(() => finish(new Error(`no ${what} within ${timeoutMs} ms: ${lastLines() || 'no output'}`)), timeoutMs);
    // Listeners added after outputOf's, so the tail already holds each chunk when check() runs.
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', onExit);
    child.once('error', onError);
    check();
  });
}
