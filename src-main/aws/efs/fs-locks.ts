// Runs that change a file system's mount targets take turns, one per file system at a time, in
// this process: two scalers (or a manual and a scheduled run) on one file system then never plan
// from the same snapshot, so they cannot both pick the same AZ. Across processes (another Warren,
// the Lambda) the controller's re-check and MountTargetConflict adoption keep creation idempotent.

export class FileSystemLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Whether a run holds (or waits for) this file system now. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  /** Run fn once every earlier holder of key has finished; holders go in call order. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    await before;
    try {
      return await fn();
    } finally {
      release();
      // Only the last holder clears the entry; a later one has already replaced it.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
