// warren aws prompts|answer|cancel|sso-login, and callAnsweringPrompts(): how a command that waits
// on the daemon answers the credential prompts (MFA code, SSO sign-in) the daemon raises meanwhile.
//
// On a terminal the question is asked in place (the MFA code without echo). Elsewhere (scripts, CI)
// the prompt is printed with the command that answers it from another shell, and the call keeps
// waiting. Whoever answers first wins: the window, another terminal, this one.
import type { Command } from 'commander';
import { ErrorCode, WarrenError, type EventType, type MethodName, type ParamsOf, type ResultOf } from '../../../src-shared/api/index.js';
import { promptEventSchema, SSO_DONE_ANSWER, type PromptEvent, type PromptInfo } from '../../../src-shared/api/prompt-contract.js';
import { CliError, usageError } from '../cli-error.js';
import type { CliContext, CliIo } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { formatTable } from '../format.js';
import { readFirstLine } from '../prompt.js';
import { DaemonConnectionError, type SocketCarrier } from '../socket-carrier.js';
import { withJson, type JsonFlag } from './shared.js';

/** A daemon call may wait this long in total while prompts are open (the broker's own limit is 5 min each). */
const PROMPT_WAIT_CAP_MS = 60 * 60_000;

/**
 * Read one line from the terminal without echo. Resolves undefined when `signal` aborts (the
 * prompt was answered elsewhere); Ctrl-C rejects with "cancelled".
 */
export function readTtyLine(io: CliIo, question: string, signal: AbortSignal): Promise<string | undefined> {
  const stdin = io.stdin;
  if (!stdin.setRawMode) return Promise.reject(new CliError('cannot turn off echo on this terminal'));
  if (signal.aborted) return Promise.resolve(undefined);
  io.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  let line = '';
  return new Promise<string | undefined>((resolve, reject) => {
    const finish = (outcome: { value: string | undefined } | { error: Error }): void => {
      stdin.off('data', onData);
      signal.removeEventListener('abort', onAbort);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.value);
    };
    const onAbort = (): void => finish({ value: undefined });
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish({ value: line });
        if (ch === '\u0003') return finish({ error: new CliError('cancelled', ExitCode.Auth) });
        if (ch === '\u007f' || ch === '\b') line = [...line].slice(0, -1).join('');
        else if (ch >= ' ') line += ch;
      }
    };
    stdin.on('data', onData);
    signal.addEventListener('abort', onAbort);
  });
}

function ssoLines(p: PromptInfo): string[] {
  return [
    `AWS IAM Identity Center sign-in for profile ${p.profile}:`,
    `  open   ${p.verification_uri_complete ?? p.verification_uri ?? '(no address given)'}`,
    `  check  that the page shows the code ${p.user_code ?? '?'}, and approve it`,
  ];
}

/** How a waiting command handles prompts: on a terminal it asks; elsewhere it prints how to answer. */
class PromptAnswerer {
  private readonly seen = new Set<string>();
  private readonly open = new Map<string, AbortController>();
  private queue: Promise<void> = Promise.resolve();
  /** A Ctrl-C at a question: the call is given up. */
  failure: Error | undefined;
  private onFail: ((e: Error) => void) | undefined;
  private onOpenChange: (() => void) | undefined;

  constructor(
    private readonly ctx: CliContext,
    private readonly carrier: SocketCarrier,
  ) {}

  get openCount(): number {
    return this.open.size;
  }

  watch(hooks: { fail(e: Error): void; openChanged(): void }): void {
    this.onFail = hooks.fail;
    this.onOpenChange = hooks.openChanged;
  }

  handle(e: PromptEvent): void {
    if (e.status !== 'open') {
      const ac = this.open.get(e.id);
      if (!ac) return;
      this.open.delete(e.id);
      ac.abort();
      if (e.status === 'answered') this.ctx.err(e.kind === 'sso' ? 'signed in.' : `prompt ${e.id} answered.`);
      else this.ctx.err(`prompt ${e.id} ${e.status === 'timed_out' ? 'timed out' : 'was cancelled'}.`);
      this.onOpenChange?.();
      return;
    }
    if (this.seen.has(e.id)) return;
    this.seen.add(e.id);
    const ac = new AbortController();
    this.open.set(e.id, ac);
    this.onOpenChange?.();
    // One question at a time on the terminal; the rest wait their turn (or are answered meanwhile).
    this.queue = this.queue.then(() => this.ask(e, ac.signal)).catch((err: unknown) => {
      this.failure = err instanceof Error ? err : new Error(String(err));
      this.onFail?.(this.failure);
    });
  }

  private interactive(): boolean {
    return this.ctx.io.stdin.isTTY === true && typeof this.ctx.io.stdin.setRawMode === 'function';
  }

  private async ask(p: PromptInfo, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const { ctx } = this;
    if (ctx.io.stderr.isTTY) ctx.io.stderr.write('\n'); // off the progress line
    if (p.kind === 'sso') for (const l of ssoLines(p)) ctx.err(l);
    if (!this.interactive()) {
      if (p.kind === 'mfa') ctx.err(`AWS needs the MFA code for ${p.mfa_serial ?? '?'} (profile ${p.profile}).`);
      ctx.err(
        p.kind === 'mfa'
          ? `  answer with: warren aws answer ${p.id} CODE   (or in the Warren window); waiting until ${p.expires_at}`
          : `  waiting for the approval until ${p.expires_at} (\`warren aws cancel ${p.id}\` gives up)`,
      );
      return;
    }
    for (;;) {
      const question = p.kind === 'mfa' ? `MFA code for ${p.mfa_serial ?? '?'} (profile ${p.profile}): ` : 'Press Enter once approved (Ctrl-C gives up) ';
      let value: string | undefined;
      try {
        value = await readTtyLine(ctx.io, question, signal);
      } catch (e) {
        // Ctrl-C: refuse the prompt so the daemon stops waiting too.
        await this.carrier.call('prompt.cancel', { id: p.id }, { timeoutMs: 5_000 }).catch(() => undefined);
        throw e;
      }
      if (value === undefined) return; // answered elsewhere, timed out, or signed in
      if (p.kind === 'mfa' && value.trim() === '') continue;
      try {
        await this.carrier.call('prompt.answer', { id: p.id, value: p.kind === 'sso' ? SSO_DONE_ANSWER : value });
        if (p.kind === 'sso') ctx.err('checking the sign-in …');
        return;
      } catch (e) {
        // A code of the wrong shape: the prompt is still open, ask again.
        if (e instanceof WarrenError && e.code === ErrorCode.InvalidParams && !signal.aborted && this.open.has(p.id)) {
          ctx.err(`error: ${e.message}`);
          continue;
        }
        if (e instanceof WarrenError && e.code === ErrorCode.InvalidParams) return; // gone meanwhile
        throw e;
      }
    }
  }

  dispose(): void {
    for (const ac of this.open.values()) ac.abort();
    this.open.clear();
  }
}

/**
 * Call a daemon method that may need credentials, answering the prompts it raises meanwhile.
 * The usual --timeout still bounds how long the daemon may stay silent, but not while a prompt
 * is open: a person typing a code or signing in is not a hung daemon.
 */
/** Other events the caller wants on the same connection while the call runs (e.g. progress). */
export interface AlsoFollow {
  types: EventType[];
  on(method: string, payload: unknown): void;
}

export async function callAnsweringPrompts<M extends MethodName>(ctx: CliContext, method: M, params: ParamsOf<M>, also?: AlsoFollow): Promise<ResultOf<M>> {
  const { carrier } = await ctx.connect();
  const answerer = new PromptAnswerer(ctx, carrier);
  let deadline: NodeJS.Timeout | undefined;
  try {
    carrier.onNotification((name, payload) => {
      if (name !== 'event.prompt') return also?.on(name, payload);
      const e = promptEventSchema.safeParse(payload);
      if (e.success) answerer.handle(e.data);
    });
    await carrier.call('events.subscribe', { types: ['prompt', ...(also?.types ?? [])] });
    // Prompts raised before we subscribed (another client's call, a reconnect) are ours to answer too.
    const pending = (await carrier.call('prompt.list', {})) as ResultOf<'prompt.list'>;
    for (const p of pending.prompts) answerer.handle({ ...p, status: 'open' });

    return await new Promise<ResultOf<M>>((resolve, reject) => {
      const arm = (): void => {
        if (deadline) clearTimeout(deadline);
        deadline = undefined;
        if (answerer.openCount > 0) return;
        deadline = setTimeout(() => reject(new DaemonConnectionError(`no answer from the daemon to ${method} within ${Math.round(ctx.timeoutMs / 1000)} s`)), ctx.timeoutMs);
      };
      answerer.watch({ fail: reject, openChanged: arm });
      arm();
      carrier.call(method, params ?? {}, { timeoutMs: ctx.timeoutMs + PROMPT_WAIT_CAP_MS }).then((r) => resolve(r as ResultOf<M>), reject);
    });
  } finally {
    if (deadline) clearTimeout(deadline);
    answerer.dispose();
    await carrier.close();
  }
}

function describePrompt(p: PromptInfo): string {
  return p.kind === 'mfa' ? `MFA code for ${p.mfa_serial ?? '?'}` : `sign in at ${p.verification_uri_complete ?? p.verification_uri ?? '?'} (code ${p.user_code ?? '?'})`;
}

export function registerAws(program: Command, ctx: CliContext): void {
  const aws = program.command('aws').description('AWS credentials: MFA and SSO prompts, SSO sign-in');

  withJson(aws.command('prompts').description('credential prompts waiting for an answer')).action(async (f: JsonFlag) => {
    const r = await ctx.withClient((c) => c.call('prompt.list'));
    if (f.json) return ctx.json(r);
    if (r.prompts.length === 0) return ctx.out('no prompts waiting');
    ctx.out(formatTable(['ID', 'KIND', 'PROFILE', 'WHAT', 'UNTIL'], r.prompts.map((p) => [p.id, p.kind, p.profile, describePrompt(p), p.expires_at])));
  });

  aws
    .command('answer <id> [code]')
    .description('answer a prompt: the MFA code (read from the terminal or stdin when left out), or nothing for an SSO sign-in you approved')
    .action(async (id: string, code: string | undefined) => {
      const r = await ctx.withClient(async (c) => {
        const prompt = (await c.call('prompt.list')).prompts.find((p) => p.id === id);
        if (!prompt) throw usageError(`no open prompt ${id}: it was answered elsewhere, cancelled or timed out`, 'see `warren aws prompts`');
        let value = code;
        if (value === undefined) {
          if (prompt.kind === 'sso') value = SSO_DONE_ANSWER;
          else if (ctx.io.stdin.isTTY) value = await readTtyLine(ctx.io, `MFA code for ${prompt.mfa_serial ?? '?'} (profile ${prompt.profile}): `, new AbortController().signal);
          else value = await readFirstLine(ctx.io.stdin);
        }
        if (value === undefined) throw new CliError('cancelled');
        return c.call('prompt.answer', { id, value });
      });
      ctx.out(`${r.id}: ${r.status}`);
    });

  aws
    .command('cancel <id>')
    .description('refuse a prompt (the call waiting on it fails)')
    .action(async (id: string) => {
      const r = await ctx.withClient((c) => c.call('prompt.cancel', { id }));
      ctx.out(`${r.id}: ${r.status}`);
    });

  withJson(
    aws
      .command('sso-login')
      .description('sign in to AWS IAM Identity Center (SSO) for a profile, without the AWS CLI')
      .option('--profile <name>', 'AWS profile with sso_session (default: AWS_PROFILE or "default")'),
  ).action(async (f: JsonFlag & { profile?: string }) => {
    const r = await callAnsweringPrompts(ctx, 'aws.sso_login', f.profile ? { profile: f.profile } : {});
    if (f.json) return ctx.json(r);
    ctx.out(`signed in${r.sso_session ? ` to SSO session ${r.sso_session}` : ''} for profile ${r.profile}; the token is valid until ${r.expires_at} (${r.cache_file})`);
  });
}
