// Shows whichever prompt the store holds: trust an unknown key, a changed-key warning, a passphrase.
import type { Prompt } from '../state/reducer.js';
import type { WarrenActions } from '../state/use-warren.js';
import { ChangedHostKeyDialog, UnknownHostKeyDialog } from './host-key-dialog.js';
import { PassphraseDialog } from './passphrase-dialog.js';

export function PromptHost(props: { prompt: Prompt | undefined; actions: WarrenActions }) {
  const { prompt, actions } = props;
  if (!prompt) return null;
  switch (prompt.kind) {
    case 'unknown-key':
      return <UnknownHostKeyDialog info={prompt.info} onTrust={actions.trustHost} onCancel={actions.dismissPrompt} />;
    case 'changed-key':
      return <ChangedHostKeyDialog info={prompt.info} onClose={actions.dismissPrompt} />;
    case 'passphrase':
      return <PassphraseDialog host={prompt.host} keyPath={prompt.keyPath} onUnlock={actions.unlockHost} onCancel={actions.dismissPrompt} />;
  }
}
