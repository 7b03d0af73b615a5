// prompt.* and aws.sso_login: thin handlers over the credential prompt broker and the SSO sign-in.
import { ErrorCode, WarrenError } from '../../src-shared/api/index.js';
import type { PromptBroker } from '../aws/credentials/prompt-broker.js';
import type { SsoLogin } from '../aws/credentials/sso-login.js';
import type { Handlers } from './dispatcher.js';

type PromptMethod = 'prompt.list' | 'prompt.answer' | 'prompt.cancel' | 'aws.sso_login';

export interface PromptDeps {
  broker: PromptBroker;
  ssoLogin: SsoLogin;
}

export function createPromptHandlers(deps: PromptDeps | undefined): Pick<Handlers, PromptMethod> {
  const need = (): PromptDeps => {
    if (!deps) throw new WarrenError(ErrorCode.InternalError, 'this Warren has no AWS access configured');
    return deps;
  };
  return {
    'prompt.list': () => ({ prompts: deps ? deps.broker.list() : [] }),
    'prompt.answer': (p) => {
      need().broker.answer(p.id, p.value);
      return { id: p.id, status: 'answered' };
    },
    'prompt.cancel': (p) => {
      need().broker.cancel(p.id);
      return { id: p.id, status: 'cancelled' };
    },
    'aws.sso_login': (p) => need().ssoLogin.login(p.profile),
  };
}
