// The credential services the app wires once: the prompt broker (event.prompt ↔ prompt.answer),
// the SSO device sign-in, and the two hooks the AWS clients take (MFA codes, recovery).
import type { PromptEvent } from '../../../src-shared/api/prompt-contract.js';
import type { AwsClientOptions } from '../aws-clients.js';
import { defaultProfileName } from './aws-config.js';
import { PromptBroker, type PromptBrokerLog } from './prompt-broker.js';
import { createCredentialRecovery } from './recovery.js';
import { SsoLogin } from './sso-login.js';
import type { SsoOidcFactory } from './sso-oidc.js';

export { PromptBroker, DEFAULT_PROMPT_TIMEOUT_MS } from './prompt-broker.js';
export { SsoLogin, type SsoLoginResult } from './sso-login.js';

export interface CredentialServices {
  broker: PromptBroker;
  ssoLogin: SsoLogin;
  /** Spread into `new AwsClientCache(…)`. */
  clientOptions: Pick<AwsClientOptions, 'mfaCodeProvider' | 'credentialRecovery'>;
  dispose(): void;
}

export interface CredentialServicesOptions {
  emit(event: PromptEvent): void;
  log?: PromptBrokerLog;
  promptTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  oidc?: SsoOidcFactory;
}

export function createCredentialServices(o: CredentialServicesOptions): CredentialServices {
  const env = o.env ?? process.env;
  const broker = new PromptBroker({ emit: o.emit, ...(o.log ? { log: o.log } : {}), ...(o.promptTimeoutMs ? { timeoutMs: o.promptTimeoutMs } : {}) });
  const ssoLogin = new SsoLogin({ broker, env, ...(o.log ? { log: o.log } : {}), ...(o.oidc ? { oidc: o.oidc } : {}) });
  return {
    broker,
    ssoLogin,
    clientOptions: {
      mfaCodeProvider: (serial, target) => broker.ask({ kind: 'mfa', profile: target.profile ?? defaultProfileName(env), mfa_serial: serial }),
      credentialRecovery: createCredentialRecovery({ ssoLogin, env }),
    },
    dispose: () => broker.dispose(),
  };
}
