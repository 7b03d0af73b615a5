// Pure display helpers: byte counts and durations in human units, the way a tray window shows them.
import { BYTE_UNITS, scaleBytes } from '../../src-shared/logic/bytes.js';

/** 0 → "0 B", 1536 → "1.5 KiB", 10 MiB → "10 MiB". Negative or non-finite input shows "—". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  const { value, unit } = scaleBytes(n);
  if (unit === 0) return `${Math.round(value)} B`;
  // One decimal below 10 keeps small figures readable without jitter in larger ones.
  const shown = value < 10 ? Math.floor(value * 10) / 10 : Math.floor(value);
  return `${shown} ${BYTE_UNITS[unit]}`;
}

/** Milliseconds → "850ms", "12s", "3m 05s", "1m", "2h 07m", "3d 04h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = Math.floor(ms / 1000);
  const s = totalSeconds % 60;
  const totalMinutes = Math.floor(totalSeconds / 60);
  const m = totalMinutes % 60;
  const totalHours = Math.floor(totalMinutes / 60);
  const h = totalHours % 24;
  const d = Math.floor(totalHours / 24);
  // The smaller unit is dropped when it is zero: "1m", not "1m 00s".
  const two = (big: string, small: number, unit: string): string => (small === 0 ? big : `${big} ${String(small).padStart(2, '0')}${unit}`);
  if (d > 0) return two(`${d}d`, h, 'h');
  if (totalHours > 0) return two(`${totalHours}h`, m, 'm');
  if (totalMinutes > 0) return two(`${totalMinutes}m`, s, 's');
  return `${s}s`;
}

/** Round-trip time: "—" when unknown, "<1 ms" for loopback-fast links. */
export function formatRtt(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1) return '<1 ms';
  return `${Math.round(ms)} ms`;
}

/** "127.0.0.1:8080 → db:5432" style endpoint text for a forward. */
export function formatRoute(f: { type: string; local_port: number; remote_host?: string | undefined; remote_port?: number | undefined }): string {
  if (f.type === 'dynamic') return `:${f.local_port} (SOCKS5)`;
  const remote = `${f.remote_host ?? 'localhost'}:${f.remote_port ?? '?'}`;
  return f.type === 'remote' ? `${remote} → :${f.local_port}` : `:${f.local_port} → ${remote}`;
}

/** A conduit tunnel's path as the user reads it: "tcp 127.0.0.1:9000 → router:9999 → db:5432". */
export function formatTunnelRoute(t: { protocol: string; bind: string; router: string; source: string }): string {
  return `${t.protocol} ${t.bind} → ${t.router} → ${t.source}`;
}

/** Key age in days: "today", "1 day", "45 days"; "—" when unknown. */
export function formatAgeDays(days: number | undefined): string {
  if (days === undefined || !Number.isFinite(days) || days < 0) return '—';
  const whole = Math.floor(days);
  if (whole === 0) return 'today';
  return whole === 1 ? '1 day' : `${whole} days`;
}

/** An SSM forward's path: ":15432 → 5432 on i-0abc" or ":15432 → db:5432 via i-0abc". */
export function formatSsmRoute(s: { local_port: number; remote_port: number; remote_host?: string | undefined; instance_id: string }): string {
  return s.remote_host ? `:${s.local_port} → ${s.remote_host}:${s.remote_port} via ${s.instance_id}` : `:${s.local_port} → ${s.remote_port} on ${s.instance_id}`;
}
