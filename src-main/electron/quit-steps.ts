// prepareToQuit's engine (Bruno's before-quit): run cleanup steps one after another, each in its own
// try/catch and under its own time cap, so one stuck or failing step cannot keep the app from
// exiting nor skip the steps after it. Electron-free, so it is tested directly.

export interface QuitStep {
  name: string;
  run(): Promise<void> | void;
  /** Give up waiting after this long (the step may still finish in the background). */
  timeoutMs: number;
}

export type QuitOutcome = { name: string; outcome: 'ok' | 'timeout'; ms: number } | { name: string; outcome: 'error'; ms: number; error: string };

export async function runQuitSteps(steps: readonly QuitStep[], now: () => number = Date.now): Promise<QuitOutcome[]> {
  const outcomes: QuitOutcome[] = [];
  for (const step of steps) {
    const started = now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), step.timeoutMs);
    });
    try {
      // Promise.resolve().then(...) also turns a synchronous throw into a rejection.
      const result = await Promise.race([Promise.resolve().then(() => step.run()).then(() => 'ok' as const), timeout]);
      outcomes.push({ name: step.name, outcome: result, ms: now() - started });
    } catch (e) {
      outcomes.push({ name: step.name, outcome: 'error', ms: now() - started, error: e instanceof Error ? e.message : String(e) });
    } finally {
      clearTimeout(timer);
    }
  }
  return outcomes;
}
