import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forwardAddParamsSchema, sshForwardRuleSchema, type ForwardInfo } from '../../src-shared/api/index.js';
import { emptyForm, formFromRule, validateAdd, validateUpdate, type ForwardFormValues } from './forward-form-model.js';

const base: ForwardFormValues = { ...emptyForm('prod'), local_port: '8080', remote_host: 'localhost', remote_port: '80' };

describe('validateAdd', () => {
  it('builds forward.add params, leaving the name to the daemon when empty', () => {
    expect(validateAdd(base)).toEqual({
      ok: true,
      params: { kind: 'ssh', host: 'prod', type: 'local', local_port: 8080, remote_host: 'localhost', remote_port: 80, auto_connect: false },
    });
    const named = validateAdd({ ...base, name: ' web ', auto_connect: true });
    expect(named.ok && named.params).toMatchObject({ name: 'web', auto_connect: true });
  });

  it('reports errors per field', () => {
    const r = validateAdd({ ...base, name: '-bad name', host: '', local_port: '70000', remote_port: 'abc' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['host', 'local_port', 'name', 'remote_port']);
    expect(r.errors.remote_port).toBe('a port is a whole number 1–65535');
  });

  it('requires remote_port for local/remote and drops remote fields for dynamic', () => {
    const r = validateAdd({ ...base, remote_port: '' });
    expect(!r.ok && r.errors.remote_port).toBe('a local forward needs remote_port');
    // Reported together with errors in other fields, not one round later.
    const both = validateAdd({ ...base, local_port: 'abc', remote_port: '' });
    expect(!both.ok && Object.keys(both.errors).sort()).toEqual(['local_port', 'remote_port']);
    const d = validateAdd({ ...base, type: 'dynamic' });
    expect(d.ok && d.params).toEqual({ kind: 'ssh', host: 'prod', type: 'dynamic', local_port: 8080, auto_connect: false });
  });

  it('whatever it accepts, the daemon schemas accept too', () => {
    fc.assert(
      fc.property(
        fc.record({
          name: fc.oneof(fc.constant(''), fc.string({ maxLength: 10 })),
          host: fc.oneof(fc.constant('prod'), fc.string({ maxLength: 5 })),
          type: fc.constantFrom('local' as const, 'remote' as const, 'dynamic' as const),
          local_port: fc.oneof(fc.integer({ min: -5, max: 70000 }).map(String), fc.string({ maxLength: 4 })),
          remote_host: fc.oneof(fc.constant('db'), fc.string({ maxLength: 5 })),
          remote_port: fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 70000 }).map(String)),
          auto_connect: fc.boolean(),
        }),
        (values) => {
          const r = validateAdd(values);
          if (!r.ok) return;
          expect(forwardAddParamsSchema.safeParse(r.params).success).toBe(true);
          expect(sshForwardRuleSchema.safeParse({ ...r.params, name: r.params.name ?? 'auto' }).success).toBe(true);
        },
      ),
    );
  });
});

describe('validateUpdate', () => {
  const rule: ForwardInfo = { kind: 'ssh', name: 'web', host: 'prod', type: 'local', local_port: 8080, remote_host: 'localhost', remote_port: 80, auto_connect: false };
  it('sends only what changed', () => {
    expect(validateUpdate(rule, formFromRule(rule))).toEqual({ ok: true, params: { name: 'web' } });
    expect(validateUpdate(rule, { ...formFromRule(rule), name: 'web2', local_port: '9090' })).toEqual({ ok: true, params: { name: 'web', new_name: 'web2', local_port: 9090 } });
    expect(validateUpdate(rule, { ...formFromRule(rule), type: 'dynamic' })).toEqual({ ok: true, params: { name: 'web', type: 'dynamic', remote_host: null, remote_port: null } });
  });
  it('reports field errors', () => {
    const r = validateUpdate(rule, { ...formFromRule(rule), local_port: '0' });
    expect(!r.ok && Object.keys(r.errors)).toEqual(['local_port']);
  });
});
