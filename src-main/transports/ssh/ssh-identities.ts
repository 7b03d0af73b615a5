// Which credentials a connection offers, in OpenSSH's order: the agent (unless IdentitiesOnly),
// then each identity file. Encrypted files without a known passphrase are set aside so that the
// caller can ask for one (1010) when nothing else worked.
import fs from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { ResolvedHost } from './ssh-config.js';

export type AuthAttempt =
  | { type: 'agent'; username: string; agent: string; label: string }
  | { type: 'publickey'; username: string; key: Buffer; passphrase?: string; label: string };

export interface IdentityPlan {
  attempts: AuthAttempt[];
  /** Encrypted identity files with no passphrase (or a wrong one) in the cache. */
  locked: { path: string; wrongPassphrase: boolean }[];
  /** Files named but unusable (missing, unreadable, unsupported), for error messages. */
  skipped: { path: string; reason: string }[];
}

/** Passphrases by identity file path (absolute, as IdentityFile resolves). Memory only. */
export type PassphraseCache = Map<string, string>;

const isEncryptedError = (e: Error): boolean => /no passphrase given/i.test(e.message);
const isBadPassphraseError = (e: Error): boolean => /passphrase/i.test(e.message);

/** Parse a private key; 'encrypted' when it needs a passphrase, 'bad-passphrase' when the one given fails. */
export function tryParseKey(data: Buffer, passphrase?: string): 'ok' | 'encrypted' | 'bad-passphrase' | Error {
  const parsed = ssh2.utils.parseKey(data, passphrase);
  if (!(parsed instanceof Error)) return 'ok';
  if (isEncryptedError(parsed)) return 'encrypted';
  if (passphrase !== undefined && isBadPassphraseError(parsed)) return 'bad-passphrase';
  return parsed;
}

export async function planIdentities(host: ResolvedHost, passphrases: PassphraseCache, env: NodeJS.ProcessEnv = process.env): Promise<IdentityPlan> {
  const plan: IdentityPlan = { attempts: [], locked: [], skipped: [] };
  const agent = env['SSH_AUTH_SOCK'];
  // IdentitiesOnly yes: OpenSSH then offers only keys named by IdentityFile; we skip the agent.
  if (agent && !host.identitiesOnly) plan.attempts.push({ type: 'agent', username: host.user, agent, label: `ssh-agent (${agent})` });
  const explicit = host.identityFiles.length > 0;
  for (const file of host.identityFilesOrDefault) {
    let data: Buffer;
    try {
      data = await fs.readFile(file);
    } catch (e) {
      // Missing default keys are normal; a missing named key deserves a mention.
      if (explicit) plan.skipped.push({ path: file, reason: (e as NodeJS.ErrnoException).code ?? String(e) });
      continue;
    }
    const passphrase = passphrases.get(file);
    const parsed = tryParseKey(data, passphrase);
    if (parsed === 'ok') {
      plan.attempts.push({ type: 'publickey', username: host.user, key: data, ...(passphrase !== undefined ? { passphrase } : {}), label: file });
    } else if (parsed === 'encrypted' || parsed === 'bad-passphrase') {
      plan.locked.push({ path: file, wrongPassphrase: parsed === 'bad-passphrase' });
    } else {
      plan.skipped.push({ path: file, reason: parsed.message });
    }
  }
  return plan;
}

/**
 * An ssh2 authHandler that walks the plan once. `tried` collects the labels actually offered, for
 * the AuthenticationFailed message.
 */
export function authHandlerFor(plan: IdentityPlan, tried: string[]): ssh2.AuthHandlerMiddleware {
  let i = 0;
  return (_methodsLeft, _partial, next) => {
    const attempt = plan.attempts[i++];
    // ssh2 takes `false` for "no more methods" (client.js doNextAuth); its typings omit it.
    if (!attempt) return next(false as unknown as ssh2.AuthenticationType);
    tried.push(attempt.label);
    if (attempt.type === 'agent') return next({ type: 'agent', username: attempt.username, agent: attempt.agent });
    return next({
      type: 'publickey',
      username: attempt.username,
      key: attempt.key,
      ...(attempt.passphrase !== undefined ? { passphrase: attempt.passphrase } : {}),
    });
  };
}
