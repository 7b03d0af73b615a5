import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ForwardsTable, type ForwardsTableProps } from './forwards-table.js';
import { ssmSession, sshRule, sshSession, tunnelSession } from './test-data.js';

const noop = (): void => undefined;
function render(over: Partial<ForwardsTableProps>): string {
  const props: ForwardsTableProps = { rows: [], tunnels: [], busy: {}, rowErrors: {}, onStart: noop, onStop: noop, onEdit: noop, onDelete: noop, ...over };
  return renderToStaticMarkup(<ForwardsTable {...props} />);
}

/** The markup of one row, found by its test id. */
function row(html: string, name: string): string {
  const start = html.indexOf(`data-testid="forward-row-${name}"`);
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</tr>', start));
}

describe('ForwardsTable', () => {
  it('shows SSH forwards and conduit tunnels side by side, one labelled group per kind', () => {
    const html = render({ rows: [{ rule: sshRule, session: sshSession, status: 'active' }], tunnels: [{ session: tunnelSession, status: 'active' }] });
    expect(html).toContain('data-testid="group-ssh"');
    expect(html).toContain('data-testid="group-conduit"');
    expect(html.indexOf('group-ssh')).toBeLessThan(html.indexOf('group-conduit'));
    expect(row(html, 'web')).toContain('data-kind="ssh"');
    expect(row(html, 'db')).toContain('data-kind="conduit"');
  });

  it('a tunnel row shows protocol bind → router → source and its live figures', () => {
    const html = row(render({ tunnels: [{ session: tunnelSession, status: 'active' }] }), 'db');
    expect(html).toContain('tcp 127.0.0.1:15432 → 10.0.0.1:9999 → db.internal:5432');
    expect(html).toContain('data-status="active"');
    expect(html).toContain('data-sent="1536" data-received="10485760"');
    expect(html).toContain('↑ 1.5 KiB');
    expect(html).toContain('↓ 10 MiB');
    expect(html).toMatch(/data-testid="forward-conns-db"[^>]*>2</);
    expect(html).toMatch(/data-testid="forward-reconnects-db"[^>]*>3</);
    expect(html).toMatch(/data-testid="forward-rtt-db"[^>]*>12 ms</);
    expect(html).toContain('does not allow this client to reach db.internal:5433');
    // Start/Stop and Remove, no editor for tunnels.
    expect(html).toContain('data-testid="forward-toggle-db"');
    expect(html).toMatch(/data-testid="forward-delete-db"[^>]*>Remove</);
    expect(html).not.toContain('forward-edit-db');
  });

  it('offers Start for a stopped tunnel and shows a call error over the session error', () => {
    const html = row(render({ tunnels: [{ session: { ...tunnelSession, status: 'stopped' }, status: 'stopped' }], rowErrors: { db: 'refused' } }), 'db');
    expect(html).toMatch(/data-testid="forward-toggle-db"[^>]*>Start</);
    expect(html).toMatch(/data-testid="forward-error-db"[^>]*>refused</);
  });

  it('keeps Stop usable while a forward is starting, even with its start call in flight', () => {
    const starting = row(render({ rows: [{ rule: sshRule, session: { ...sshSession, status: 'starting' }, status: 'starting' }], busy: { web: true } }), 'web');
    const toggle = (html: string): string => /<button[^>]*data-testid="forward-toggle-web"[^>]*>[^<]*</.exec(html)?.[0] ?? '';
    expect(toggle(starting)).toMatch(/>Stop<$/);
    expect(toggle(starting)).not.toContain('disabled');
    // A stop in flight on an active forward: no second click.
    const stopping = row(render({ rows: [{ rule: sshRule, session: sshSession, status: 'active' }], busy: { web: true } }), 'web');
    expect(toggle(stopping)).toContain('disabled=""');
  });

  it('leaves out an empty group, and says so when there is nothing at all', () => {
    const html = render({ tunnels: [{ session: tunnelSession, status: 'active' }] });
    expect(html).not.toContain('group-ssh');
    expect(render({})).toContain('data-testid="forwards-empty"');
  });

  it('shows SSM forwards as a third group: route via the instance, session id and mode, live figures', () => {
    const all = render({ rows: [{ rule: sshRule, session: sshSession, status: 'active' }], tunnels: [{ session: tunnelSession, status: 'active' }], ssm: [{ session: ssmSession, status: 'active' }] });
    expect(all.indexOf('group-conduit')).toBeLessThan(all.indexOf('group-ssm'));
    expect(all).toContain('SSM forwards');
    const html = row(all, 'web-ssm');
    expect(html).toContain('data-kind="ssm"');
    expect(html).toContain('>ssm<');
    expect(html).toContain(':15432 → 5432 on i-0123456789abcdef0');
    expect(html).toContain('data-session-id="warren-0a1b2c3d4e" data-mode="mux"');
    expect(html).toContain('warren-0a1b2c3d4e · mux');
    expect(html).toContain('data-sent="3072" data-received="2097152"');
    expect(html).toMatch(/data-testid="forward-conns-web-ssm"[^>]*>4</);
    expect(html).toMatch(/data-testid="forward-reconnects-web-ssm"[^>]*>1</);
    expect(html).toMatch(/data-testid="forward-rtt-web-ssm"[^>]*>25 ms</);
    expect(html).toContain('is not connected');
    expect(html).toMatch(/data-testid="forward-toggle-web-ssm"[^>]*>Stop</);
    expect(html).toMatch(/data-testid="forward-delete-web-ssm"[^>]*>Remove</);
    expect(html).not.toContain('forward-edit-web-ssm');
  });

  it('an SSM forward to a remote host reads "via" the instance; alone, it is not "empty"', () => {
    const session = { ...ssmSession, remote_host: 'db.internal', session_id: undefined, mode: undefined, status: 'stopped' as const };
    const html = render({ ssm: [{ session, status: 'stopped' }] });
    expect(html).not.toContain('forwards-empty');
    expect(html).not.toContain('group-ssh');
    expect(row(html, 'web-ssm')).toContain(':15432 → db.internal:5432 via i-0123456789abcdef0');
    expect(row(html, 'web-ssm')).toMatch(/data-testid="forward-toggle-web-ssm"[^>]*>Start</);
  });
});
