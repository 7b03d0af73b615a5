import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { promptEventSchema, type PromptEvent } from '../../../src-shared/api/prompt-contract.js';
import { PromptBroker } from './prompt-broker.js';

const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';

function setup(timeoutMs?: number) {
  const events: PromptEvent[] = [];
  const logged: unknown[] = [];
  const log = { info: (o: object, m: string) => logged.push([o, m]), warn: (o: object, m: string) => logged.push([o, m]) };
  const broker = new PromptBroker({ emit: (e) => events.push(promptEventSchema.parse(e)), log, ...(timeoutMs ? { timeoutMs } : {}) });
  return { broker, events, logged };
}

async function rejection(p: Promise<unknown>): Promise<WarrenError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(WarrenError);
    return e as WarrenError;
  }
  throw new Error('expected a rejection');
}

describe('PromptBroker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('emits event.prompt, lists the prompt, and resolves with the answer', async () => {
    const { broker, events } = setup();
    const code = broker.ask({ kind: 'mfa', profile: 'admin', mfa_serial: SERIAL });
    expect(events).toHaveLength(1);
    const opened = events[0]!;
    expect(opened).toMatchObject({ kind: 'mfa', profile: 'admin', mfa_serial: SERIAL, status: 'open' });
    expect(opened.message).toBe(`MFA code for ${SERIAL} (profile admin)`);
    expect(opened.id).toMatch(/^mfa-[0-9a-f]{8}$/);
    expect(Date.parse(opened.expires_at) - Date.now()).toBe(5 * 60_000);
    expect(broker.list()).toEqual([expect.objectContaining({ id: opened.id, kind: 'mfa' })]);

    broker.answer(opened.id, ' 123 456 ');
    await expect(code).resolves.toBe('123456');
    expect(events[1]).toMatchObject({ id: opened.id, status: 'answered' });
    expect(broker.list()).toEqual([]);
  });

  it('shares one prompt between concurrent asks for the same profile and device', async () => {
    const { broker, events } = setup();
    const a = broker.ask({ kind: 'mfa', profile: 'admin', mfa_serial: SERIAL });
    const b = broker.ask({ kind: 'mfa', profile: 'admin', mfa_serial: SERIAL });
    const other = broker.ask({ kind: 'mfa', profile: 'ops', mfa_serial: SERIAL });
    expect(events.filter((e) => e.status === 'open')).toHaveLength(2);
    const [first, second] = broker.list();
    broker.answer(first!.id, '111111');
    await expect(Promise.all([a, b])).resolves.toEqual(['111111', '111111']);
    broker.answer(second!.id, '222222');
    await expect(other).resolves.toBe('222222');
    // A later ask is a new question (the code has changed by then).
    void broker.ask({ kind: 'mfa', profile: 'admin', mfa_serial: SERIAL });
    expect(broker.list()[0]!.id).not.toBe(first!.id);
  });

  it('rejects invalid answers and keeps the prompt open', async () => {
    const { broker } = setup();
    const code = broker.ask({ kind: 'mfa', profile: 'admin', mfa_serial: SERIAL });
    const { id } = broker.list()[0]!;
    for (const bad of ['12345', '1234567', 'abcdef', '', '12345a']) {
      expect(() => broker.answer(id, bad)).toThrow(/an MFA code is 6 digits/);
    }
    try {
      broker.answer(id, '99999x');
    } catch (e) {
      // The wrong value is not echoed back (it may be almost the real code).
      expect((e as WarrenError).code).toBe(ErrorCode.InvalidParams);
      expect((e as Error).message).not.toContain('99999x');
    }
    expect(broker.size).toBe(1);
    broker.answer(id, '654321');
    await expect(code).resolves.toBe('654321');
  });

  it('accepts only "done" for an SSO prompt, and the engine can close it itself', async () => {
    const { broker, events } = setup();
    const h = broker.open({ kind: 'sso', profile: 'dev', verification_uri: 'https://device.sso.example/', verification_uri_complete: 'https://device.sso.example/?user_code=ABCD-EFGH', user_code: 'ABCD-EFGH' }, { timeoutMs: 600_000 });
    expect(events[0]).toMatchObject({ kind: 'sso', user_code: 'ABCD-EFGH', verification_uri_complete: 'https://device.sso.example/?user_code=ABCD-EFGH', status: 'open' });
    expect(events[0]!.message).toContain('ABCD-EFGH');
    expect(() => broker.answer(h.id, '123456')).toThrow(/answered with "done"/);
    h.close('answered');
    await expect(h.answer).resolves.toBe('');
    expect(events.at(-1)).toMatchObject({ id: h.id, status: 'answered' });
    h.close('cancelled'); // already over: nothing happens
    expect(events).toHaveLength(2);

    const h2 = broker.open({ kind: 'sso', profile: 'dev', verification_uri: 'https://device.sso.example/', user_code: 'WXYZ-1234' });
    broker.answer(h2.id, 'Done');
    await expect(h2.answer).resolves.toBe('done');
  });

  it('times out with an error that names the prompt and the way to answer', async () => {
    const { broker, events } = setup(90_000);
    const code = broker.ask({ kind: 'mfa', profile: 'admin', mfa_serial: SERIAL });
    const id = broker.list()[0]!.id;
    await vi.advanceTimersByTimeAsync(89_999);
    expect(broker.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const err = await rejection(code);
    expect(err.code).toBe(ErrorCode.AwsRequestFailed);
    expect(err.message).toMatch(new RegExp(`no answer to the MFA prompt for ${SERIAL} \\(profile admin\\) within 90 s`));
    expect(err.message).toContain('warren aws answer');
    expect(err.data).toMatchObject({ reason: 'prompt_timeout', prompt_id: id });
    expect(events.at(-1)).toMatchObject({ id, status: 'timed_out' });
    expect(() => broker.answer(id, '123456')).toThrow(/no open prompt/);
  });

  it('cancel fails the waiting call with AwsAccessDenied (exit 4, not retried); dispose withdraws every prompt', async () => {
    const { broker, events } = setup();
    const code = broker.ask({ kind: 'mfa', profile: 'admin', mfa_serial: SERIAL });
    broker.cancel(broker.list()[0]!.id);
    const err = await rejection(code);
    expect(err.code).toBe(ErrorCode.AwsAccessDenied);
    expect(err.message).toMatch(/was cancelled/);
    expect(events.at(-1)!.status).toBe('cancelled');
    expect(() => broker.cancel('mfa-00000000')).toThrow(/no open prompt mfa-00000000/);

    const later = broker.ask({ kind: 'mfa', profile: 'x', mfa_serial: SERIAL });
    broker.dispose();
    expect((await rejection(later)).code).toBe(ErrorCode.ShuttingDown);
    expect((await rejection(broker.ask({ kind: 'mfa', profile: 'y', mfa_serial: SERIAL }))).code).toBe(ErrorCode.ShuttingDown);
  });

  it('never logs or emits the answer', async () => {
    const { broker, events, logged } = setup();
    const code = broker.ask({ kind: 'mfa', profile: 'admin', mfa_serial: SERIAL });
    broker.answer(broker.list()[0]!.id, '908172');
    await code;
    expect(JSON.stringify(logged)).not.toContain('908172');
    expect(JSON.stringify(events)).not.toContain('908172');
  });
});
