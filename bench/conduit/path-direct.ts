// Path 1, the ceiling: straight to the echo target, no relay at all.
import type { TunnelPath } from './tunnel-path.js';

export function directPath(targetPort: number): TunnelPath {
  return { port: targetPort, pids: {}, stop: async () => undefined };
}
