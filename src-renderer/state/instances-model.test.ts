import { describe, expect, it } from 'vitest';
import { ec2ConnectParamsSchema, type Ec2Instance } from '../../src-shared/api/index.js';
import { instanceStateTone, pingText, pingTone, sortInstances, validateConnect, validateTarget } from './instances-model.js';

const ID = 'i-0123456789abcdef0';

describe('validateTarget', () => {
  it('leaves out empty fields and checks the others with the contract', () => {
    expect(validateTarget({ profile: ' ', region: '' })).toEqual({ ok: true, target: {} });
    expect(validateTarget({ profile: 'prod', region: 'eu-west-1' })).toEqual({ ok: true, target: { profile: 'prod', region: 'eu-west-1' } });
    const bad = validateTarget({ profile: 'a b', region: 'Europe' });
    expect(!bad.ok && bad.errors).toEqual({ profile: 'a profile name from ~/.aws/config', region: 'a region like eu-west-1' });
  });
});

describe('validateConnect', () => {
  it('builds ec2.connect params that the daemon schema accepts', () => {
    const r = validateConnect(ID, { region: 'eu-west-1' }, { local_port: '15432', remote_port: '5432', remote_host: ' db ', name: 'web-db' });
    expect(r).toEqual({ ok: true, params: { instance_id: ID, local_port: 15432, remote_port: 5432, remote_host: 'db', name: 'web-db', region: 'eu-west-1' } });
    expect(r.ok && ec2ConnectParamsSchema.safeParse(r.params).success).toBe(true);
    expect(validateConnect(ID, {}, { local_port: '1', remote_port: '2', remote_host: '', name: '' })).toEqual({ ok: true, params: { instance_id: ID, local_port: 1, remote_port: 2 } });
  });

  it('reports each bad field', () => {
    const r = validateConnect(ID, {}, { local_port: '', remote_port: '70000', remote_host: '', name: '-bad name' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['local_port', 'name', 'remote_port']);
    expect(r.errors.local_port).toBe('a port is a whole number 1–65535');
    const nan = validateConnect(ID, {}, { local_port: 'abc', remote_port: '1', remote_host: '', name: '' });
    expect(!nan.ok && nan.errors.local_port).toBe('a port is a whole number 1–65535');
  });
});

describe('instances', () => {
  const inst = (instance_id: string, name?: string): Ec2Instance => ({ instance_id, state: 'running', ...(name ? { name } : {}) });
  it('sorts by Name tag, then id, unnamed last', () => {
    const ids = sortInstances([inst('i-3'), inst('i-2', 'web'), inst('i-1', 'api'), inst('i-0')]).map((i) => i.instance_id);
    expect(ids).toEqual(['i-1', 'i-2', 'i-0', 'i-3']);
  });
  it('tones state and SSM ping', () => {
    expect(instanceStateTone('running')).toBe('ok');
    expect(instanceStateTone('pending')).toBe('warn');
    expect(instanceStateTone('stopped')).toBe('muted');
    expect(instanceStateTone('terminated')).toBe('bad');
    expect(pingTone('Online')).toBe('ok');
    expect(pingTone('ConnectionLost')).toBe('warn');
    expect(pingTone(undefined)).toBe('bad');
    expect(pingText(undefined)).toBe('not managed');
  });
});
