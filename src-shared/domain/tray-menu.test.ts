import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SessionStatus } from '../api/models.js';
import {
  buildTrayMenu,
  describeRule,
  trayIconState,
  trayTooltip,
  type TrayMenuItem,
  type TrayRule,
  type TraySession,
  type SsmTrayRule,
} from './tray-menu.js';

const STATUSES: SessionStatus[] = ['stopped', 'starting', 'active', 'reconnecting', 'error'];

const db: TrayRule = { name: 'db', host: 'bastion', type: 'local', local_port: 5432, remote_host: 'db.internal', remote_port: 5432 };
const socks: TrayRule = { name: 'socks', host: 'bastion', type: 'dynamic', local_port: 1080 };
const web: TrayRule = { name: 'web', host: 'box', type: 'remote', local_port: 3000, remote_port: 8080 };

function ruleItems(items: TrayMenuItem[]) {
  return items.filter((i): i is Extract<TrayMenuItem, { kind: 'checkbox' }> => i.id.startsWith('rule:'));
}

describe('buildTrayMenu', () => {
  it('lists rules sorted by name with state, then Open, Start at login, Quit', () => {
    const items = buildTrayMenu({
      rules: [web, db, socks],
      sessions: [
        { name: 'db', status: 'active' },
        { name: 'web', status: 'reconnecting' },
      ],
      startAtLogin: false,
      engineReady: true,
    });
    expect(items.map((i) => i.id)).toEqual(['rule:db', 'rule:socks', 'rule:web', 'sep-rules', 'open', 'start-at-login', 'sep-quit', 'quit']);
    const [dbItem, socksItem, webItem] = ruleItems(items);
    expect(dbItem).toMatchObject({ label: 'db  :5432 → db.internal:5432', checked: true, enabled: true, action: { type: 'stop', name: 'db' } });
    expect(socksItem).toMatchObject({ label: 'socks  SOCKS :1080', checked: false, action: { type: 'start', name: 'socks' } });
    expect(webItem).toMatchObject({ label: 'web  box:8080 → :3000 — reconnecting…', checked: true, action: { type: 'stop', name: 'web' } });
    expect(items.find((i) => i.id === 'start-at-login')).toMatchObject({ checked: false, action: { type: 'set-start-at-login', enabled: true } });
  });

  it('disables a starting rule and offers a retry (start) for a failed one', () => {
    const items = ruleItems(
      buildTrayMenu({
        rules: [db, socks],
        sessions: [
          { name: 'db', status: 'starting' },
          { name: 'socks', status: 'error' },
        ],
        startAtLogin: true,
        engineReady: true,
      }),
    );
    expect(items[0]).toMatchObject({ enabled: false, checked: true });
    expect(items[1]).toMatchObject({ enabled: true, checked: false, action: { type: 'start', name: 'socks' } });
    expect(items[1]?.label).toMatch(/— error$/);
  });

  it('says so when there are no rules or the engine is not answering', () => {
    const none = buildTrayMenu({ rules: [], sessions: [], startAtLogin: 'unsupported', engineReady: true });
    expect(none[0]).toMatchObject({ id: 'no-rules', enabled: false });
    expect(none.some((i) => i.id === 'start-at-login')).toBe(false);
    const down = buildTrayMenu({ rules: [db], sessions: [], startAtLogin: true, engineReady: false });
    expect(down[0]).toMatchObject({ id: 'engine-unavailable', enabled: false });
    expect(ruleItems(down)).toHaveLength(0);
    expect(down.at(-1)).toMatchObject({ id: 'quit', enabled: true });
  });

  it('summarises rules beyond the cap in one line that opens the window', () => {
    const rules = Array.from({ length: 5 }, (_, i) => ({ ...socks, name: `r${i}`, local_port: 1000 + i }));
    const items = buildTrayMenu({ rules, sessions: [], startAtLogin: false, engineReady: true, maxRules: 3 });
    expect(ruleItems(items).map((i) => i.id)).toEqual(['rule:r0', 'rule:r1', 'rule:r2']);
    expect(items.find((i) => i.id === 'more-rules')).toMatchObject({ label: '…and 2 more', action: { type: 'open' } });
  });

  const ruleArb = fc.record({
    name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,20}$/),
    host: fc.stringMatching(/^[a-z][a-z0-9.-]{0,15}$/),
    type: fc.constantFrom('local' as const, 'remote' as const, 'dynamic' as const),
    local_port: fc.integer({ min: 1, max: 65535 }),
    remote_host: fc.option(fc.stringMatching(/^[a-z][a-z0-9.-]{0,15}$/), { nil: undefined }),
    remote_port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  });
  const inputArb = fc
    .uniqueArray(ruleArb, { selector: (r) => r.name, maxLength: 40 })
    .chain((rules) =>
      fc.record({
        rules: fc.constant(rules),
        sessions: fc.array(
          fc.record({ name: rules.length ? fc.constantFrom(...rules.map((r) => r.name)) : fc.constant('x'), status: fc.constantFrom(...STATUSES) }),
          { maxLength: rules.length },
        ),
        startAtLogin: fc.constantFrom(true, false, 'unsupported' as const),
        maxRules: fc.integer({ min: 0, max: 50 }),
      }),
    );

  it('property: each rule appears at most once, every rule up to the cap exactly once, the rest counted', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const items = buildTrayMenu({ ...input, engineReady: true });
        const shown = ruleItems(items).map((i) => i.id);
        expect(new Set(shown).size).toBe(shown.length);
        expect(shown.length).toBe(Math.min(input.rules.length, input.maxRules));
        const hidden = input.rules.length - shown.length;
        const more = items.find((i) => i.id === 'more-rules');
        if (hidden > 0) expect(more && more.kind !== 'separator' ? more.label : '').toBe(`…and ${hidden} more`);
        else expect(more).toBeUndefined();
        for (const id of shown) expect(input.rules.some((r) => `rule:${r.name}` === id)).toBe(true);
      }),
    );
  });

  it('property: a rule toggle is enabled iff its session is not starting; checked iff running; labels never empty; ids unique', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const items = buildTrayMenu({ ...input, engineReady: true, maxRules: 100 });
        // The last session reported for a name wins, as in the engine's own map.
        const status = new Map(input.sessions.map((s) => [s.name, s.status] as const));
        for (const item of ruleItems(items)) {
          const st = status.get(item.id.slice('rule:'.length)) ?? 'stopped';
          expect(item.enabled).toBe(st !== 'starting');
          expect(item.checked).toBe(st === 'starting' || st === 'active' || st === 'reconnecting');
          expect(item.action.type).toBe(item.checked ? 'stop' : 'start');
        }
        for (const item of items) if (item.kind !== 'separator') expect(item.label.trim().length).toBeGreaterThan(0);
        const ids = items.map((i) => i.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(items.at(-1)?.id).toBe('quit');
        // The result must survive a structured clone / JSON round trip (it is plain data).
        expect(JSON.parse(JSON.stringify(items))).toEqual(items);
      }),
    );
  });
});

describe('trayIconState and tooltip', () => {
  const s = (status: SessionStatus): TraySession => ({ name: status, status });
  it('chooses idle / active / warning by overall state', () => {
    expect(trayIconState([])).toBe('idle');
    expect(trayIconState([s('stopped')])).toBe('idle');
    expect(trayIconState([s('active'), s('stopped')])).toBe('active');
    expect(trayIconState([s('starting')])).toBe('active');
    expect(trayIconState([s('active'), s('reconnecting')])).toBe('warning');
    expect(trayIconState([s('error'), s('stopped')])).toBe('warning');
  });

  it('property: warning iff any session reconnects or failed', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STATUSES).map(s)), (sessions) => {
        const bad = sessions.some((x) => x.status === 'reconnecting' || x.status === 'error');
        expect(trayIconState(sessions) === 'warning').toBe(bad);
      }),
    );
  });

  it('counts states in the tooltip', () => {
    expect(trayTooltip([])).toBe('Warren — no active forwards');
    expect(trayTooltip([s('active'), s('active'), s('reconnecting'), s('stopped')])).toBe('Warren — 2 active, 1 reconnecting');
  });

  it('describes each forward type', () => {
    expect(describeRule({ name: 'a', host: 'h', type: 'local', local_port: 1, remote_host: 'r', remote_port: 2 })).toBe(':1 → r:2');
    expect(describeRule({ name: 'a', host: 'h', type: 'remote', local_port: 1, remote_port: 2 })).toBe('h:2 → :1');
    expect(describeRule({ name: 'a', host: 'h', type: 'dynamic', local_port: 1 })).toBe('SOCKS :1');
    expect(describeRule({ kind: 'conduit', name: 'c', bind: '127.0.0.1:8080', source: '10.2.0.2:8080', protocol: 'tcp' })).toBe('127.0.0.1:8080 ⇒ 10.2.0.2:8080');
    expect(describeRule({ kind: 'conduit', name: 'd', bind: '127.0.0.1:53', source: 'dns', protocol: 'udp' })).toBe('udp 127.0.0.1:53 ⇒ dns');
  });
});

describe('recent instance forwards (tray quick-connect)', () => {
  const ssm = (name: string, port: number, extra: Partial<SsmTrayRule> = {}): SsmTrayRule => ({ kind: 'ssm', name, instance_id: 'i-0123456789abcdef0', local_port: port, remote_port: 5432, ...extra });
  const base = { rules: [], startAtLogin: false as const, engineReady: true };

  it('lists them in the order given (most recent first) with their state, capped, after the rules', () => {
    const recent = [ssm('db', 15432), ssm('web', 8080, { remote_port: 80, remote_host: 'internal.example' }), ssm('old', 9000)];
    const items = buildTrayMenu({ ...base, recentInstances: recent, sessions: [{ name: 'web', status: 'active' }], maxRecentInstances: 2 });
    const ids = items.map((i) => i.id);
    expect(ids.slice(0, 5)).toEqual(['no-rules', 'sep-instances', 'instances-header', 'instance:db', 'instance:web']);
    expect(ids).toContain('more-instances');
    const web = items.find((i) => i.id === 'instance:web');
    expect(web).toMatchObject({ kind: 'checkbox', checked: true, action: { type: 'stop', name: 'web' }, label: 'web  :8080 → internal.example:80 via i-0123456789abcdef0' });
    expect(items.find((i) => i.id === 'instance:db')).toMatchObject({ checked: false, action: { type: 'start', name: 'db' }, label: 'db  :15432 → i-0123456789abcdef0:5432' });
  });

  it('shows no section without SSM forwards or while the engine is not answering', () => {
    expect(buildTrayMenu({ ...base, sessions: [] }).some((i) => i.id === 'instances-header')).toBe(false);
    expect(buildTrayMenu({ ...base, engineReady: false, sessions: [], recentInstances: [ssm('db', 1)] }).some((i) => i.id === 'instances-header')).toBe(false);
  });

  it('property: each recent forward at most once, ids unique, a starting one not clickable', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), status: fc.constantFrom('stopped', 'starting', 'active', 'reconnecting', 'error') }), { maxLength: 12 }),
        fc.integer({ min: 0, max: 8 }),
        (rows, max) => {
          const recent = rows.map((r, i) => ssm(r.name, 1000 + i));
          const sessions = rows.map((r) => ({ name: r.name, status: r.status as TraySession['status'] }));
          const items = buildTrayMenu({ ...base, recentInstances: recent, sessions, maxRecentInstances: max });
          const ids = items.map((i) => i.id);
          expect(new Set(ids).size).toBe(ids.length);
          const shown = items.filter((i) => i.id.startsWith('instance:'));
          expect(shown.length).toBe(Math.min(max, new Set(rows.map((r) => r.name)).size));
          const statusByName = new Map<string, TraySession['status']>(sessions.map((s) => [s.name, s.status]));
          for (const item of shown) {
            const st = statusByName.get(item.id.slice('instance:'.length));
            expect(item.kind !== 'separator' && item.enabled).toBe(st !== 'starting');
          }
        },
      ),
    );
  });
});
