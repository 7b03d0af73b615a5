// Credential prompts from the engine (event.prompt): an MFA code to type, or an SSO sign-in to
// approve in the browser. prompt.list fills in prompts raised before the window opened; an event
// with any status but "open" removes one (answered here, at a terminal, or timed out). The code
// goes to prompt.answer and is cleared from the field at once.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { WarrenClient } from '../../src-shared/api/index.js';
import type { PromptInfo } from '../../src-shared/api/prompt-contract.js';
import type { LiveCarrier } from '../api/carrier.js';
import { describeError } from '../state/use-warren.js';
import { Modal } from './modal.js';

function until(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
}

export function AwsPromptModal(props: { client: WarrenClient; carrier: LiveCarrier }) {
  const { client, carrier } = props;
  const [prompts, setPrompts] = useState<PromptInfo[]>([]);

  const reload = useCallback(async () => {
    try {
      setPrompts((await client.call('prompt.list')).prompts);
    } catch {
      // the next event or reconnect brings them
    }
  }, [client]);

  useEffect(() => {
    let subscribed = false;
    const offs = [
      client.on('event.prompt', (e) => {
        const { status, ...info } = e;
        setPrompts((list) => (status === 'open' ? [...list.filter((p) => p.id !== e.id), info] : list.filter((p) => p.id !== e.id)));
      }),
    ];
    const onOpen = async (): Promise<void> => {
      // Subscribe once; a carrier that reconnects renews it itself. Then catch up on missed ones.
      if (!subscribed) {
        subscribed = true;
        await client.call('events.subscribe', { types: ['prompt'] }).catch(() => (subscribed = false));
      }
      await reload();
    };
    offs.push(carrier.onStatus((s) => (s === 'open' ? void onOpen() : undefined)));
    if (carrier.status === 'open') void onOpen();
    return () => {
      for (const off of offs) off();
    };
  }, [client, carrier, reload]);

  const current = prompts[0];
  if (!current) return null;
  // Keyed by prompt: the field, error and busy state start afresh for each question.
  return <PromptDialog key={current.id} client={client} prompt={current} more={prompts.length > 1 ? ` (1 of ${prompts.length})` : ''} />;
}

export function PromptDialog(props: { client: WarrenClient; prompt: PromptInfo; more: string }) {
  const { client, prompt: current, more } = props;
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const act = async (call: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await call();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  const cancel = (): void => void act(() => client.call('prompt.cancel', { id: current.id }));

  if (current.kind === 'mfa') {
    const submit = (ev: FormEvent): void => {
      ev.preventDefault();
      const value = code;
      setCode('');
      void act(() => client.call('prompt.answer', { id: current.id, value }));
    };
    return (
      <Modal title={`MFA code required${more}`} testId="aws-prompt-dialog" onClose={cancel}>
        <form onSubmit={submit}>
          <p>
            AWS profile <b>{current.profile}</b> assumes a role that needs the current code of <span className="mono">{current.mfa_serial}</span>.
          </p>
          <input
            autoFocus
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            placeholder="123456"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            data-testid="aws-prompt-code"
          />
          <p className="note">Waiting until {until(current.expires_at)}.</p>
          {error && (
            <div className="form-error" role="alert" data-testid="aws-prompt-error">
              {error}
            </div>
          )}
          <div className="buttons">
            <button type="button" onClick={cancel} disabled={busy} data-testid="aws-prompt-cancel">
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy || code.replace(/\s/g, '').length !== 6} data-testid="aws-prompt-submit">
              Send code
            </button>
          </div>
        </form>
      </Modal>
    );
  }

  const url = current.verification_uri_complete ?? current.verification_uri ?? '';
  return (
    <Modal title={`AWS sign-in required${more}`} testId="aws-prompt-dialog" onClose={cancel}>
      <p>
        AWS profile <b>{current.profile}</b> signs in through IAM Identity Center. Open this page, check that it shows the code below, and approve:
      </p>
      <p>
        <a href={url} target="_blank" rel="noreferrer" className="mono" data-testid="aws-prompt-url">
          {url}
        </a>
      </p>
      <p className="mono fingerprint" data-testid="aws-prompt-user-code">
        {current.user_code}
      </p>
      <p className="note">Warren notices the approval by itself; this closes when it does (until {until(current.expires_at)}).</p>
      {error && (
        <div className="form-error" role="alert" data-testid="aws-prompt-error">
          {error}
        </div>
      )}
      <div className="buttons">
        <button type="button" onClick={cancel} disabled={busy} data-testid="aws-prompt-cancel">
          Cancel
        </button>
        <button type="button" className="primary" disabled={busy} onClick={() => void act(() => client.call('prompt.answer', { id: current.id, value: 'done' }))} data-testid="aws-prompt-done">
          I have approved it
        </button>
      </div>
    </Modal>
  );
}
