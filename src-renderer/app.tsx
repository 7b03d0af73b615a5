// The window: header with tabs, hosts on the left, forwards on the right, dialogs on top.
import { useState } from 'react';
import type { WarrenClient } from '../src-shared/api/index.js';
import type { LiveCarrier } from './api/carrier.js';
import { ConfirmDialog } from './components/confirm-dialog.js';
import { ConnectionBanner } from './components/connection-banner.js';
import { ForwardForm } from './components/forward-form.js';
import { ForwardsTable } from './components/forwards-table.js';
import { HostsPanel } from './components/hosts-panel.js';
import { PromptHost } from './components/prompt-host.js';
import { SettingsPanel } from './components/settings-panel.js';
import { forwardRows } from './state/reducer.js';
import { useWarren } from './state/use-warren.js';

type Tab = 'forwards' | 'settings';
type Editor = { mode: 'add' } | { mode: 'edit'; name: string } | undefined;

export function App(props: { client: WarrenClient; carrier: LiveCarrier }) {
  const { state, actions } = useWarren(props.client, props.carrier);
  const [tab, setTab] = useState<Tab>('forwards');
  const [editor, setEditor] = useState<Editor>();
  const [deleting, setDeleting] = useState<string>();
  const rows = forwardRows(state);
  const active = rows.filter((r) => r.status === 'active').length;
  const editing = editor?.mode === 'edit' ? state.forwards.find((f) => f.name === editor.name) : undefined;

  return (
    <div className="app">
      <header>
        <h1>Warren</h1>
        <span className="summary" data-testid="summary">
          {active}/{rows.length} active
        </span>
        <nav>
          <button className={tab === 'forwards' ? 'tab on' : 'tab'} onClick={() => setTab('forwards')} data-testid="tab-forwards">
            Forwards
          </button>
          <button className={tab === 'settings' ? 'tab on' : 'tab'} onClick={() => setTab('settings')} data-testid="tab-settings">
            Settings
          </button>
        </nav>
      </header>
      <ConnectionBanner status={state.connection} loaded={state.loaded} />
      {state.loadError && (
        <div className="form-error page-error" role="alert" data-testid="load-error">
          {state.loadError}
        </div>
      )}
      <main>
        <HostsPanel hosts={state.hosts} onReload={actions.reloadHosts} />
        <section className="content">
          {tab === 'forwards' ? (
            <>
              <div className="panel-head">
                <h2>Forwards</h2>
                <button className="primary" onClick={() => setEditor({ mode: 'add' })} disabled={!state.loaded} data-testid="add-forward">
                  + Add forward
                </button>
              </div>
              {state.loaded && (
                <ForwardsTable
                  rows={rows}
                  busy={state.busy}
                  rowErrors={state.rowErrors}
                  onStart={(n) => void actions.start(n)}
                  onStop={(n) => void actions.stop(n)}
                  onEdit={(name) => setEditor({ mode: 'edit', name })}
                  onDelete={setDeleting}
                />
              )}
            </>
          ) : (
            state.config && <SettingsPanel config={state.config} onSave={actions.saveConfig} />
          )}
        </section>
      </main>
      {editor && (
        <ForwardForm hosts={state.hosts} editing={editing} onAdd={actions.addForward} onUpdate={actions.updateForward} onClose={() => setEditor(undefined)} />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting}?`}
          message="The forward is stopped and its rule removed. This cannot be undone."
          confirmLabel="Delete"
          onConfirm={() => actions.deleteForward(deleting)}
          onClose={() => setDeleting(undefined)}
        />
      )}
      <PromptHost prompt={state.prompt} actions={actions} />
    </div>
  );
}
