// The faults the soak injects while traffic flows, one loop per group of paths that share a link:
// every few seconds (jittered) each group breaks its link, then waits (bounded) until its forwards
// are active again, so traffic runs between faults instead of the link never coming back.
// - SSH (-L, -R, -D share one SSH connection per host): SIGKILL the per-connection sshd processes
//   (the listener survives, so Warren reconnects); every 4th fault, `forward stop` + `start` of one
//   of the three paths instead.
// - Conduit: restart the router on the same port; every 4th, the tunnels are killed and started.
// - SSM mux and basic: alternately drop the WebSocket (resumable) and terminate the session in the
//   service (beyond resume); every 4th, the forwards are terminated and started.
// - SSM plugin: drop the WebSocket (the fake session-manager-plugin resumes it). The plugin is a
//   daemon-wide setting read at connect, on only while that path opened (see run.ts), so a fault
//   that makes Warren reconnect would bring this path back without the plugin: not injected here.
import type { WarrenClient } from '../../src-shared/api/index.js';
import type { World } from '../../e2e/integration/conformance/world.js';
import type { OpenPath } from '../../e2e/integration/conformance/paths/index.js';

export interface FaultedPath {
  readonly name: string;
  readonly open: OpenPath;
  /** The daemon sessions (rule names) this path started. */
  readonly sessions: readonly string[];
  /** Faults that hit this path, by kind. */
  readonly faults: Map<string, number>;
  /**
   * Until when (Date.now()) the path counts as under a fault: from an injection until its group's
   * forwards are active again plus FAULT_GRACE_MS.
   */
  faultUntil: number;
}

/** A fault done: its kind (the table's tally key), what happened, and the paths it hit. */
export interface Injected {
  key: 'sshd kill' | 'stop/start' | 'router restart' | 'ws drop' | 'session end';
  what: string;
  hit: readonly FaultedPath[];
}

export interface FaultGroup {
  readonly label: string;
  readonly paths: readonly FaultedPath[];
  /** Inject the n-th fault; returns what it did and the paths it hit. */
  inject(n: number): Promise<Injected>;
}

/** How long after its forwards are active again a path still counts as under the fault. */
export const FAULT_GRACE_MS = 5000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll session.list until every named session is active (bounded); false if not in time. */
export async function waitActive(client: WarrenClient, names: readonly string[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { sessions } = await client.call('session.list', {}).catch(() => ({ sessions: [] }));
    const active = new Set(sessions.filter((s) => s.status === 'active').map((s) => s.name));
    if (names.every((n) => active.has(n))) return true;
    await sleep(250);
  }
  return false;
}

async function ssmSessionIds(client: WarrenClient, names: readonly string[]): Promise<string[]> {
  const { sessions } = await client.call('session.list', {});
  return sessions.flatMap((s) => (s.kind === 'ssm' && names.includes(s.name) && s.session_id ? [s.session_id] : []));
}

/** Stop every session of the path the user's way, then `forward.start` each (3 tries, bounded). */
async function stopStart(client: WarrenClient, p: FaultedPath, stop: (name: string) => Promise<unknown>): Promise<string> {
  for (const name of p.sessions) await stop(name).catch(() => undefined);
  await sleep(500);
  const failures: string[] = [];
  for (const name of p.sessions) {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await client.call('forward.start', { name });
        break;
      } catch (e) {
        if (attempt === 3) failures.push(`${name}: ${(e as Error).message}`);
        else await sleep(1000);
      }
    }
  }
  return failures.length ? ` (start failed: ${failures.join('; ')})` : '';
}

export function faultGroups(world: World, byName: (name: string) => FaultedPath | undefined): FaultGroup[] {
  const client = world.daemon.client;
  const groups: FaultGroup[] = [];
  const present = (names: string[]): FaultedPath[] => names.flatMap((n) => byName(n) ?? []);

  const ssh = present(['warren-ssh-L', 'warren-ssh-R', 'warren-ssh-D']);
  if (ssh.length)
    groups.push({
      label: 'ssh',
      paths: ssh,
      async inject(n) {
        if (n % 4 === 3) {
          const p = ssh[(n >> 2) % ssh.length] as FaultedPath;
          const note = await stopStart(client, p, (name) => client.call('forward.stop', { name }));
          return { key: 'stop/start', what: `forward stop/start ${p.name}${note}`, hit: [p] };
        }
        const killed = await world.sshd.killSessions();
        return { key: 'sshd kill', what: `killed ${killed} sshd session process(es)`, hit: ssh };
      },
    });

  const conduit = present(['warren-conduit']);
  for (const p of conduit)
    groups.push({
      label: 'conduit',
      paths: [p],
      async inject(n) {
        if (n % 4 === 3) return { key: 'stop/start', what: `conduit kill/start${await stopStart(client, p, (tunnel) => client.call('conduit.kill', { tunnel }))}`, hit: [p] };
        await world.router.restart();
        return { key: 'router restart', what: 'router restarted', hit: [p] };
      },
    });

  for (const p of present(['warren-ssm-mux', 'warren-ssm-basic']))
    groups.push({
      label: p.name.replace('warren-', ''),
      paths: [p],
      async inject(n) {
        if (n % 4 === 3) return { key: 'stop/start', what: `ec2.terminate/forward.start${await stopStart(client, p, (name) => client.call('ec2.terminate', { name }))}`, hit: [p] };
        const ids = await ssmSessionIds(client, p.sessions);
        if (n % 2 === 0) {
          for (const id of ids) world.svc.dropWebSocket(id);
          return { key: 'ws drop', what: `dropped ${ids.length} WebSocket(s)`, hit: [p] };
        }
        await p.open.faults?.killLink();
        return { key: 'session end', what: `terminated ${ids.length} session(s) in the service`, hit: [p] };
      },
    });

  for (const p of present(['warren-ssm-plugin']))
    groups.push({
      label: 'ssm-plugin',
      paths: [p],
      async inject() {
        const ids = await ssmSessionIds(client, p.sessions);
        for (const id of ids) world.svc.dropWebSocket(id);
        return { key: 'ws drop', what: `dropped ${ids.length} WebSocket(s)`, hit: [p] };
      },
    });
  return groups;
}

/** A fault for the log: when it was injected (Date.now()), and a line saying what happened. */
export type FaultLog = (at: number, line: string) => void;

/**
 * Inject the group's faults every `everyMs` (±30 % jitter) until `until`; after each, wait up to
 * 30 s for its forwards to be active again. At most 1000 faults per group.
 */
export async function runFaults(client: WarrenClient, group: FaultGroup, everyMs: number, startDelayMs: number, until: number, log: FaultLog): Promise<void> {
  await sleep(Math.max(0, Math.min(startDelayMs, until - Date.now())));
  for (let n = 0; n < 1000 && Date.now() < until; n++) {
    await sleep(Math.max(0, Math.min(everyMs * (0.7 + 0.6 * Math.random()), until - Date.now())));
    if (Date.now() >= until) break;
    const at = Date.now();
    for (const p of group.paths) p.faultUntil = Infinity;
    let what: string;
    try {
      const r = await group.inject(n);
      what = r.what;
      for (const p of r.hit) {
        p.faults.set(r.key, (p.faults.get(r.key) ?? 0) + 1);
      }
    } catch (e) {
      what = `fault failed: ${(e as Error).message}`;
    }
    const back = await waitActive(client, group.paths.flatMap((p) => p.sessions), 30_000);
    for (const p of group.paths) p.faultUntil = Date.now() + FAULT_GRACE_MS;
    log(at, `${group.label}: ${what}; ${back ? `active again after ${((Date.now() - at) / 1000).toFixed(1)} s` : 'NOT active again within 30 s'}`);
  }
}
