// The engine's side of credential prompts. Code deep in the AWS credential chain (an MFA code for
// assume-role, an SSO device sign-in) calls ask()/open(); the broker turns that into an
// `event.prompt` notification and waits for prompt.answer / prompt.cancel from whichever face the
// user is looking at. The engine never blocks on a terminal: the daemon has none.
//
// Rules that keep this safe to leave running unattended:
// - every prompt times out (default 5 min) with an error that says what was abandoned and how to
//   answer next time, so a tunnel reconnecting at night does not hang forever;
// - concurrent asks for the same profile and MFA device share one prompt (the EC2 and SSM clients
//   of one profile resolve credentials together, and a user must not be asked twice for one code);
// - answers are validated before they are accepted (a typo does not burn the prompt);
// - the answer is never logged, put in an event or echoed in an error.
import { randomBytes } from 'node:crypto';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { MFA_CODE_PATTERN, SSO_DONE_ANSWER, type PromptEvent, type PromptInfo, type PromptKind, type PromptStatus } from '../../../src-shared/api/prompt-contract.js';

export const DEFAULT_PROMPT_TIMEOUT_MS = 5 * 60_000;

export type PromptRequest =
  | { kind: 'mfa'; profile: string; mfa_serial: string }
  | { kind: 'sso'; profile: string; verification_uri: string; verification_uri_complete?: string | undefined; user_code: string };

export interface PromptOptions {
  /** How long to wait for an answer; default the broker's (5 min). */
  timeoutMs?: number;
}

/** A prompt the caller keeps hold of, to end it itself (e.g. the SSO sign-in finished in the browser). */
export interface PromptHandle {
  readonly id: string;
  /** The validated answer; rejects on cancel, timeout or shutdown. */
  readonly answer: Promise<string>;
  /** End the prompt from the engine's side; a no-op once it has ended. */
  close(status: 'answered' | 'cancelled' | 'timed_out'): void;
}

export interface PromptBrokerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface PromptBrokerOptions {
  /** Deliver event.prompt (the app wires it to the event bus). */
  emit(event: PromptEvent): void;
  timeoutMs?: number;
  log?: PromptBrokerLog;
  now?: () => number;
}

interface Pending {
  info: PromptInfo;
  key: string;
  answer: Promise<string>;
  resolve(value: string): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  timeoutMs: number;
}

/** "5 min", "90 s": for messages. */
function humanDuration(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

function describe(req: PromptRequest): string {
  return req.kind === 'mfa'
    ? `MFA code for ${req.mfa_serial} (profile ${req.profile})`
    : `Sign in to AWS IAM Identity Center for profile ${req.profile}: open ${req.verification_uri_complete ?? req.verification_uri} and check the code ${req.user_code}`;
}

function what(info: PromptInfo): string {
  return info.kind === 'mfa' ? `the MFA prompt for ${info.mfa_serial ?? '?'} (profile ${info.profile})` : `the SSO sign-in for profile ${info.profile}`;
}

export class PromptBroker {
  private readonly pending = new Map<string, Pending>();
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private disposed = false;

  constructor(private readonly opts: PromptBrokerOptions) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_PROMPT_TIMEOUT_MS;
    this.now = opts.now ?? Date.now;
  }

  /** Ask and wait for the answer (shared with any open prompt for the same profile and device). */
  ask(req: PromptRequest, options: PromptOptions = {}): Promise<string> {
    return this.open(req, options).answer;
  }

  /** Open a prompt (or join the open one for the same question) and get a handle on it. */
  open(req: PromptRequest, options: PromptOptions = {}): PromptHandle {
    if (this.disposed) {
      const err = new WarrenError(ErrorCode.ShuttingDown, 'Warren is shutting down and cannot ask for credentials now');
      return { id: '', answer: Promise.reject(err), close: () => undefined };
    }
    const key = req.kind === 'mfa' ? `mfa\u0000${req.profile}\u0000${req.mfa_serial}` : `sso\u0000${req.profile}\u0000${req.user_code}`;
    const shared = [...this.pending.values()].find((p) => p.key === key);
    if (shared) return this.handle(shared);

    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const info: PromptInfo = {
      id: this.newId(req.kind),
      kind: req.kind,
      profile: req.profile,
      expires_at: new Date(this.now() + timeoutMs).toISOString(),
      message: describe(req),
    };
    if (req.kind === 'mfa') info.mfa_serial = req.mfa_serial;
    else {
      info.verification_uri = req.verification_uri;
      if (req.verification_uri_complete) info.verification_uri_complete = req.verification_uri_complete;
      info.user_code = req.user_code;
    }
    let resolve!: (v: string) => void;
    let reject!: (e: Error) => void;
    const answer = new Promise<string>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Callers that stop listening (a shared ask whose other party already failed) must not turn
    // the rejection into an unhandled one.
    answer.catch(() => undefined);
    const timer = setTimeout(() => this.finish(info.id, 'timed_out', { error: this.timeoutError(info, timeoutMs) }), timeoutMs);
    timer.unref?.();
    const p: Pending = { info, key, answer, resolve, reject, timer, timeoutMs };
    this.pending.set(info.id, p);
    this.opts.log?.info({ prompt: info.id, kind: info.kind, profile: info.profile, timeout_ms: timeoutMs }, 'credential prompt opened');
    this.opts.emit({ ...info, status: 'open' });
    return this.handle(p);
  }

  /** Prompts still waiting, oldest first. */
  list(): PromptInfo[] {
    return [...this.pending.values()].map((p) => ({ ...p.info }));
  }

  /** Accept an answer. Throws (and keeps the prompt open) when the value is not a valid answer. */
  answer(id: string, value: string): void {
    const p = this.get(id);
    let accepted: string;
    if (p.info.kind === 'mfa') {
      // People paste codes as "123 456"; the spaces are not part of it.
      accepted = value.replace(/\s+/g, '');
      if (!MFA_CODE_PATTERN.test(accepted))
        throw new WarrenError(ErrorCode.InvalidParams, `an MFA code is 6 digits (the current code shown by ${p.info.mfa_serial ?? 'your MFA device'}); prompt ${id} is still open`, {
          prompt_id: id,
        });
    } else {
      accepted = value.trim().toLowerCase();
      if (accepted !== SSO_DONE_ANSWER)
        throw new WarrenError(ErrorCode.InvalidParams, `an SSO sign-in is answered with "${SSO_DONE_ANSWER}" once you have approved it in the browser (or cancelled); prompt ${id} is still open`, {
          prompt_id: id,
        });
    }
    this.finish(id, 'answered', { value: accepted });
  }

  cancel(id: string): void {
    const p = this.get(id);
    // AwsAccessDenied: the reconnector treats it as permanent (the user said no; retrying would
    // ask again at once) and the CLI exits 4 (auth). A timeout, by contrast, is retried later.
    this.finish(id, 'cancelled', {
      error: new WarrenError(ErrorCode.AwsAccessDenied, `${what(p.info)} was cancelled, so the AWS call that needed it failed; run the command again to be asked again`, {
        reason: 'prompt_cancelled',
        prompt_id: id,
        kind: p.info.kind,
        profile: p.info.profile,
      }),
    });
  }

  /** Shutdown: every waiting call fails, every face is told the prompts are gone. */
  dispose(): void {
    this.disposed = true;
    for (const id of [...this.pending.keys()])
      this.finish(id, 'cancelled', { error: new WarrenError(ErrorCode.ShuttingDown, 'Warren is shutting down; the credential prompt was withdrawn') });
  }

  get size(): number {
    return this.pending.size;
  }

  private handle(p: Pending): PromptHandle {
    return {
      id: p.info.id,
      answer: p.answer,
      close: (status) => {
        if (!this.pending.has(p.info.id)) return;
        if (status === 'answered') this.finish(p.info.id, 'answered', { value: '' });
        else if (status === 'timed_out') this.finish(p.info.id, 'timed_out', { error: this.timeoutError(p.info, p.timeoutMs) });
        else this.cancel(p.info.id);
      },
    };
  }

  private timeoutError(info: PromptInfo, timeoutMs: number): WarrenError {
    // AwsRequestFailed, not a permanent code: a tunnel that needed the answer keeps retrying and
    // asks again later, rather than dying because nobody was at the screen.
    return new WarrenError(
      ErrorCode.AwsRequestFailed,
      `no answer to ${what(info)} within ${humanDuration(timeoutMs)}: the AWS call that needed it was given up. ` +
        'Answer it in the Warren window, at the `warren` command that is waiting, or with `warren aws answer ID CODE` when it is asked again' +
        (info.kind === 'sso' ? ` (or run \`warren aws sso-login --profile ${info.profile}\` first)` : ''),
      { reason: 'prompt_timeout', prompt_id: info.id, kind: info.kind, profile: info.profile },
    );
  }

  private get(id: string): Pending {
    const p = this.pending.get(id);
    if (!p) throw new WarrenError(ErrorCode.InvalidParams, `no open prompt ${id}: it was answered elsewhere, cancelled or timed out (see \`warren aws prompts\`)`, { prompt_id: id });
    return p;
  }

  private finish(id: string, status: Exclude<PromptStatus, 'open'>, outcome: { value: string } | { error: Error }): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    // Log the outcome, never the value.
    this.opts.log?.[status === 'answered' ? 'info' : 'warn']({ prompt: id, kind: p.info.kind, profile: p.info.profile, status }, 'credential prompt ended');
    this.opts.emit({ ...p.info, status });
    if ('value' in outcome) p.resolve(outcome.value);
    else p.reject(outcome.error);
  }

  private newId(kind: PromptKind): string {
    // Short enough to type in `warren aws answer ID CODE`.
    for (;;) {
      const id = `${kind}-${randomBytes(4).toString('hex')}`;
      if (!this.pending.has(id)) return id;
    }
  }
}
