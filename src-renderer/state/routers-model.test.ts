import { describe, expect, it } from 'vitest';
import { client, keyStatus, router } from '../components/test-data.js';
import { clientKeyNote, healthTone, keyNotes, linkTone, sortedRouters } from './routers-model.js';

describe('routers model', () => {
  it('gives link and health words a tone', () => {
    expect(linkTone('connected')).toBe('ok');
    expect(linkTone('reconnecting')).toBe('warn');
    expect(linkTone('error')).toBe('bad');
    expect(linkTone('disconnected')).toBe('muted');
    expect(['ok', 'up', 'closed'].map(healthTone)).toEqual(['ok', 'ok', 'ok']);
    expect(['degraded', 'half_open', 'unknown'].map(healthTone)).toEqual(['warn', 'warn', 'warn']);
    expect(['down', 'open'].map(healthTone)).toEqual(['bad', 'bad']);
  });

  it("warns about this client's key only in grace or expired", () => {
    expect(clientKeyNote(client)).toBeUndefined();
    expect(clientKeyNote({ ...client, key_status: 'grace', grace_until: '2026-02-01T00:00:00.000Z' })).toMatchObject({ tone: 'warn', text: expect.stringContaining('until 2026-02-01') });
    expect(clientKeyNote({ ...client, key_status: 'expired' })?.tone).toBe('bad');
  });

  it("turns this machine's key status into notes, the fix named once", () => {
    expect(keyNotes(keyStatus)).toEqual([{ tone: 'warn', text: keyStatus.warnings[0] }]);
    expect(keyNotes({ ...keyStatus, warnings: [] })).toEqual([{ tone: 'warn', text: 'The key is due for rotation: run `warren conduit keys rotate`.' }]);
    expect(keyNotes({ ...keyStatus, rotation_due: false, warnings: [] })).toEqual([]);
    const missing = keyNotes({ path: '/k', exists: false, rotation_due: false, rotation_pending: false, acknowledged_by: [], warnings: ['no conduit key at /k; run `warren conduit init`'] });
    expect(missing).toEqual([{ tone: 'bad', text: 'No conduit key at /k: run `warren conduit init` to make one.' }]);
    const pending = keyNotes({ ...keyStatus, rotation_due: false, warnings: [], rotation_pending: true, acknowledged_by: ['10.0.0.1:9999'] });
    expect(pending[0]!.text).toContain('so far: 10.0.0.1:9999');
  });

  it('orders routers by address', () => {
    const b = { ...router, router: '10.0.0.2:9999' };
    expect(sortedRouters([b, router]).map((r) => r.router)).toEqual(['10.0.0.1:9999', '10.0.0.2:9999']);
  });
});
