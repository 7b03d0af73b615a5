// Alerts about a router's sources and clients to a generic webhook and/or Slack (conduit-spec
// "接続失敗時のアラート送信 (Webhook/Slack統合)"). Sending never throws: an unreachable alert
// endpoint must not disturb the router, so the outcome is returned for the caller to log.
// Flapping is damped: the same alert about the same subject is not repeated within the cooldown;
// the opposite alert (down after up) always goes out at once.
import { backoffDelay } from '../../../src-shared/logic/backoff.js';

export type AlertKind = 'source_down' | 'source_up' | 'client_down' | 'client_up' | 'circuit_open' | 'circuit_closed';

export interface Alert {
  kind: AlertKind;
  /** What the alert is about: a source name, "source endpoint", a client name. */
  subject: string;
  message: string;
  at: Date;
  details?: Record<string, unknown>;
}

export interface DeliveryOutcome {
  delivered: boolean;
  attempts: number;
  error?: string;
}

export interface AlertOutcome extends DeliveryOutcome {
  /** Why nothing was sent, when nothing was. */
  skipped?: 'cooldown' | 'no_target' | 'closed';
  /** Per target, when it was tried. */
  webhook?: DeliveryOutcome;
  slack?: DeliveryOutcome;
}

export interface AlertSenderOptions {
  webhookUrl?: string;
  slackWebhookUrl?: string;
  routerName: string;
  fetchImpl?: typeof fetch;
  /** Per attempt. Default 5 s. */
  timeoutMs?: number;
  /** Retries after the first attempt, on 5xx / 429 / network errors. Default 2. */
  retries?: number;
  /** Default 60 s. */
  cooldownMs?: number;
  /** First retry delay, doubled each time (with jitter). Default 500 ms. */
  retryDelayMs?: number;
  now?: () => number;
}

/** The generic webhook's body. */
export interface WebhookPayload {
  event: AlertKind;
  router: string;
  subject: string;
  message: string;
  timestamp: string;
  details: Record<string, unknown>;
}

const BAD: ReadonlySet<AlertKind> = new Set(['source_down', 'client_down', 'circuit_open']);
const TITLES: Record<AlertKind, string> = {
  source_down: 'Source down',
  source_up: 'Source up',
  client_down: 'Client disconnected',
  client_up: 'Client connected',
  circuit_open: 'Circuit open',
  circuit_closed: 'Circuit closed',
};

export function webhookPayload(alert: Alert, routerName: string): WebhookPayload {
  return {
    event: alert.kind,
    router: routerName,
    subject: alert.subject,
    message: alert.message,
    timestamp: alert.at.toISOString(),
    details: alert.details ?? {},
  };
}

/** Slack's incoming-webhook format: `text` is the notification fallback, `blocks` what is shown. */
export function slackPayload(alert: Alert, routerName: string): { text: string; blocks: unknown[] } {
  const emoji = BAD.has(alert.kind) ? ':red_circle:' : ':large_green_circle:';
  const title = `${TITLES[alert.kind]}: ${alert.subject}`;
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${emoji} *${slackEscape(title)}*\n${slackEscape(alert.message)}` } },
  ];
  const fields = Object.entries(alert.details ?? {})
    .slice(0, 10) // Slack's limit per section
    .map(([k, v]) => ({ type: 'mrkdwn', text: `*${slackEscape(k)}*\n${slackEscape(typeof v === 'string' ? v : JSON.stringify(v) ?? String(v))}` }));
  if (fields.length > 0) blocks.push({ type: 'section', fields });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `router *${slackEscape(routerName)}* · ${alert.at.toISOString()}` }] });
  return { text: `${emoji} [${routerName}] ${title}: ${alert.message}`, blocks };
}

/** Slack reads &, < and > as markup; everything else in mrkdwn is harmless text. */
function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** down ↔ up of one thing share a family, so a flip is recognised. */
function family(kind: AlertKind): string {
  return kind.replace(/_(down|up|open|closed)$/, '');
}

export class AlertSender {
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly cooldownMs: number;
  private readonly retryDelayMs: number;
  private readonly now: () => number;
  /** Last alert sent per family+subject: what it said and when. */
  private readonly last = new Map<string, { kind: AlertKind; at: number }>();
  private readonly closing = new AbortController();

  constructor(private readonly options: AlertSenderOptions) {
    for (const url of [options.webhookUrl, options.slackWebhookUrl]) if (url !== undefined) checkUrl(url);
    this.fetchImpl = options.fetchImpl ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.retries = Math.max(0, options.retries ?? 2);
    this.cooldownMs = options.cooldownMs ?? 60_000;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.now = options.now ?? Date.now;
  }

  async send(alert: Alert): Promise<AlertOutcome> {
    try {
      return await this.deliver(alert);
    } catch (err) {
      return { delivered: false, attempts: 0, error: message(err) };
    }
  }

  /** Abandon deliveries under way (waits and requests); later sends do nothing. */
  close(): void {
    this.closing.abort();
  }

  private async deliver(alert: Alert): Promise<AlertOutcome> {
    const { webhookUrl, slackWebhookUrl, routerName } = this.options;
    if (webhookUrl === undefined && slackWebhookUrl === undefined) return { delivered: false, attempts: 0, skipped: 'no_target' };
    if (this.closing.signal.aborted) return { delivered: false, attempts: 0, skipped: 'closed' };

    const key = `${family(alert.kind)}\u0000${alert.subject}`;
    const now = this.now();
    const previous = this.last.get(key);
    if (previous && previous.kind === alert.kind && now - previous.at < this.cooldownMs)
      return { delivered: false, attempts: 0, skipped: 'cooldown' };
    // Claimed before sending so a second identical alert arriving meanwhile is held back too.
    const mine = { kind: alert.kind, at: now };
    this.last.set(key, mine);

    const [webhook, slack] = await Promise.all([
      webhookUrl === undefined ? undefined : this.post(webhookUrl, webhookPayload(alert, routerName)),
      slackWebhookUrl === undefined ? undefined : this.post(slackWebhookUrl, slackPayload(alert, routerName)),
    ]);
    const tried = [webhook, slack].filter((o): o is DeliveryOutcome => o !== undefined);
    const delivered = tried.every((o) => o.delivered);
    // Nothing got through: let the next identical alert try again rather than stay silent a minute.
    if (tried.every((o) => !o.delivered) && this.last.get(key) === mine) {
      if (previous) this.last.set(key, previous);
      else this.last.delete(key);
    }
    const errors = tried.filter((o) => o.error).map((o) => o.error);
    const outcome: AlertOutcome = { delivered, attempts: tried.reduce((n, o) => n + o.attempts, 0) };
    if (errors.length > 0) outcome.error = errors.join('; ');
    if (webhook) outcome.webhook = webhook;
    if (slack) outcome.slack = slack;
    return outcome;
  }

  private async post(url: string, body: unknown): Promise<DeliveryOutcome> {
    const json = JSON.stringify(body);
    let error = '';
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) {
        const waited = await sleep(backoffDelay(attempt - 1, { initialMs: this.retryDelayMs, maxMs: this.retryDelayMs * 8, jitter: 0.2 }), this.closing.signal);
        if (!waited) return { delivered: false, attempts: attempt, error: `${error}; gave up: sender closed` };
      }
      let retryable: boolean;
      try {
        const res = await this.fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'warren-conduit-router' },
          body: json,
          signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.timeoutMs)]),
        });
        // Read the body to the end so the connection is reused or closed, never left hanging.
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return { delivered: true, attempts: attempt + 1 };
        error = `HTTP ${res.status} from ${redact(url)}`;
        retryable = res.status >= 500 || res.status === 429;
      } catch (err) {
        error = `${message(err)} (${redact(url)})`;
        retryable = !this.closing.signal.aborted;
      }
      if (!retryable) return { delivered: false, attempts: attempt + 1, error };
    }
    return { delivered: false, attempts: this.retries + 1, error };
  }
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`alert webhook URL is not a URL: ${redact(url)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`alert webhook URL must be http(s): ${redact(url)}`);
}

/** Webhook URLs carry their secret in the path (Slack's do): name only the host in messages. */
function redact(url: string): string {
  try {
    return new URL(url).host || '(webhook)';
  } catch {
    return '(webhook)';
  }
}

function message(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

/** Resolves true after ms, false at once if the signal aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
