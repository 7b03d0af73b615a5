// Notices, without Electron, what should make reconnecting links retry at once: a change of the
// machine's network addresses (Wi-Fi switch, VPN up/down) and a wake from sleep (the clock jumps
// further than our timer allows). Electron adds powerMonitor's own events on top.
import os from 'node:os';

export interface SystemWatch {
  dispose(): void;
}

function addressFingerprint(): string {
  const parts: string[] = [];
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (!a.internal) parts.push(`${name}/${a.family}/${a.address}`);
  }
  return parts.sort().join(',');
}

export function watchSystem(onEvent: (kind: 'network-change' | 'resume') => void, intervalMs = 3000): SystemWatch {
  let fingerprint = addressFingerprint();
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    // A tick that arrives far later than scheduled means the machine was asleep (or stopped).
    if (now - last > intervalMs * 3 + 5000) onEvent('resume');
    last = now;
    const fp = addressFingerprint();
    if (fp !== fingerprint) {
      fingerprint = fp;
      onEvent('network-change');
    }
  }, intervalMs);
  timer.unref();
  return { dispose: () => clearInterval(timer) };
}
