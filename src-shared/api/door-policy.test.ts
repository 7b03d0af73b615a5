import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configUpdateParamsSchema, methods } from './contract.js';
import { doorRefusal, doors, doorsFor, localSettings, methodPolicy, settingPolicy } from './door-policy.js';
import { ErrorCode } from './errors.js';

/** Dotted leaf keys of a zod object schema (what `warren config set` accepts). */
function leaves(schema: z.ZodType, prefix = ''): string[] {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  if (!(s instanceof z.ZodObject)) return [prefix];
  return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

function nested(dotted: string, value: unknown): Record<string, unknown> {
  return dotted
    .split('.')
    .reverse()
    .reduce<unknown>((v, k) => ({ [k]: v }), value) as Record<string, unknown>;
}

describe('door policy tables', () => {
  it('mark every method and every setting, and nothing else', () => {
    expect(Object.keys(methodPolicy).sort()).toEqual(Object.keys(methods).sort());
    expect(Object.keys(settingPolicy).sort()).toEqual(leaves(configUpdateParamsSchema).sort());
  });

  it('keep every setting that names a file out of browser mode', () => {
    expect(localSettings).toEqual(expect.arrayContaining(['ssh_config_path', 'ssm.session_manager_plugin_path']));
    for (const [key, reach] of Object.entries(settingPolicy)) if (/(_path|_file|\.file)$/.test(key)) expect(reach, key).toBe('local');
  });

  it('serve a method to exactly the doors its reach names', () => {
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(methodPolicy) as Array<keyof typeof methodPolicy>)), fc.constantFrom(...doors), (method, door) => {
        const allowed = doorsFor[methodPolicy[method].reach].includes(door);
        const refusal = doorRefusal(method, {}, door);
        expect(refusal === undefined).toBe(allowed);
        if (refusal) expect(refusal.code).toBe(ErrorCode.NotAllowedFromThisDoor);
      }),
    );
  });

  it('refuse a local setting from browser mode whatever its value, and allow it from the local doors', () => {
    fc.assert(
      fc.property(fc.constantFrom(...localSettings), fc.string({ minLength: 1 }), (setting, value) => {
        const params = nested(setting, value);
        expect(doorRefusal('config.update', params, 'websocket')).toMatchObject({ code: ErrorCode.NotAllowedFromThisDoor, data: { setting } });
        for (const door of doorsFor.local) expect(doorRefusal('config.update', params, door)).toBeUndefined();
      }),
    );
  });

  it('refuse a conduit key path from browser mode but serve the same call without it', () => {
    const params = { router: 'r:443', source: 'db:5432', bind: '127.0.0.1:5432' };
    expect(doorRefusal('conduit.start', { ...params, private_key_path: '/etc/shadow' }, 'websocket')).toMatchObject({ data: { param: 'private_key_path' } });
    expect(doorRefusal('conduit.start', params, 'websocket')).toBeUndefined();
    expect(doorRefusal('conduit.up', { private_key_path: '/k' }, 'socket')).toBeUndefined();
  });

  it('deny a name that is not in the table', () => {
    for (const door of doors) expect(doorRefusal('no.such', {}, door)).toMatchObject({ code: ErrorCode.NotAllowedFromThisDoor });
    expect(doorRefusal('constructor', {}, 'socket')).toBeDefined();
  });
});
