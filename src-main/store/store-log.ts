// What the store needs from a logger: warnings about stored data it had to ignore. The daemon passes
// its Log (src-main/log.ts); tests can pass a collector.
export interface StoreLog {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export const silentStoreLog: StoreLog = { warn() {} };
