// The window: header with tabs, hosts on the left, forwards and tunnels (or instances, routers, or settings)
// on the right, dialogs on top.
import { useState } from 'react';
import type { SessionInfo, WarrenClient } from '../src-shared/api/index.js';
import type { LiveCarrier } from './api/carrier.js';
import { AwsPromptModal } from './components/aws-prompt-modal.js';
import { ConfirmDialog } from './components/confirm-dialog.js';
import { ConnectionBanner } from './components/connection-banner.js';
import { EfsPanel } from './components/efs-panel.js';
import { ForwardForm } from './components/forward-form.js';
import { ForwardsTable } from './components/forwards-table.js';
import { HostsPanel } from './components/hosts-panel.js';
import { InstancesPanel } from './components/instances-panel.js';
import { PromptHost } from './components/prompt-host.js';
import { RoutersPanel } from './components/routers-panel.js';
import { SettingsPanel } from './components/settings-panel.js';
import { TunnelForm } from './components/tunnel-form.js';
import { forwardRows, ssmRows, summarize, tunnelRows } from './state/reducer.js';
import { useWarren } from './state/use-warren.js';

type Tab = 'forwards' | 'instances' | 'routers' | 'efs' | 'settings';
type Editor = { mode: 'add' } | { mode: 'edit'; name: string } | { mode: 'tunnel' } | undefined;
type Deleting = { name: string; kind: SessionInfo['kind'] } | undefined;

const TABS: Array<{ id: Tab; label: string }> = [
  { id: 'forwards', label: 'Forwards' },
  { id: 'instances', label: 'Instances' },
  { id: 'routers', label: 'Routers' },
  { id: 'efs', label: 'EFS' },
  { id: 'settings', label: 'Settings' },
];

export function App(props: { client: WarrenClient; carrier: LiveCarrier }) {
  const { state, actions } = useWarren(props.client, props.carrier);
  const [tab, setTab] = useState<Tab>('forwards');
  const [editor, setEditor] = useState<Editor>();
  const [deleting, setDeleting] = useState<Deleting>();
  const rows = forwardRows(state);
  const tunnels = tunnelRows(state);
  const ssm = ssmRows(state);
  const summary = summarize(state);
  const editing = editor?.mode === 'edit' ? state.forwards.find((f) => f.name === editor.name) : undefined;

  return (
    <div className="app">
      <header>
        <h1>Warren</h1>
        <span
          className="summary"
          data-testid="summary"
          title={`SSH ${summary.ssh.active}/${summary.ssh.total} · conduit ${summary.conduit.active}/${summary.conduit.total} · SSM ${summary.ssm.active}/${summary.ssm.total}`}
        >
          {summary.active}/{summary.total} active
        </span>
        <nav>
          {TABS.map((t) => (
            <button key={t.id} className={tab === t.id ? 'tab on' : 'tab'} onClick={() => setTab(t.id)} data-testid={`tab-${t.id}`}>
              {t.label}
            </button>
          ))}
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
          {tab === 'forwards' && (
            <>
              <div className="panel-head">
                <h2>Forwards &amp; tunnels</h2>
                <div className="head-buttons">
                  <button className="primary" onClick={() => setEditor({ mode: 'add' })} disabled={!state.loaded} data-testid="add-forward">
                    + Add forward
                  </button>
                  <button className="primary" onClick={() => setEditor({ mode: 'tunnel' })} disabled={!state.loaded} data-testid="add-tunnel">
                    + Add conduit tunnel
                  </button>
                </div>
              </div>
              {state.loaded && (
                <ForwardsTable
                  rows={rows}
                  tunnels={tunnels}
                  ssm={ssm}
                  busy={state.busy}
                  rowErrors={state.rowErrors}
                  onStart={(n) => void actions.start(n)}
                  onStop={(n) => void actions.stop(n)}
                  onEdit={(name) => setEditor({ mode: 'edit', name })}
                  onDelete={(name, kind) => setDeleting({ name, kind })}
                />
              )}
            </>
          )}
          {tab === 'instances' && <InstancesPanel client={props.client} onConnect={actions.connectInstance} />}
          {tab === 'routers' && <RoutersPanel client={props.client} />}
          {tab === 'efs' && <EfsPanel client={props.client} />}
          {tab === 'settings' && state.config && <SettingsPanel config={state.config} onSave={actions.saveConfig} />}
        </section>
      </main>
      {(editor?.mode === 'add' || editor?.mode === 'edit') && (
        <ForwardForm hosts={state.hosts} editing={editing} onAdd={actions.addForward} onUpdate={actions.updateForward} onClose={() => setEditor(undefined)} />
      )}
      {editor?.mode === 'tunnel' && <TunnelForm onStart={actions.startTunnel} onClose={() => setEditor(undefined)} />}
      {deleting && (
        <ConfirmDialog
          title={deleting.kind === 'conduit' ? `Remove tunnel ${deleting.name}?` : deleting.kind === 'ssm' ? `Remove SSM forward ${deleting.name}?` : `Delete ${deleting.name}?`}
          message={
            deleting.kind === 'conduit'
              ? 'The tunnel is stopped and removed from Warren. The router keeps its own settings. This cannot be undone.'
              : deleting.kind === 'ssm'
                ? 'Its SSM session is terminated and the forward removed from Warren. The instance is not touched. This cannot be undone.'
                : 'The forward is stopped and its rule removed. This cannot be undone.'
          }
          confirmLabel={deleting.kind === 'ssh' ? 'Delete' : 'Remove'}
          onConfirm={() => actions.deleteForward(deleting.name)}
          onClose={() => setDeleting(undefined)}
        />
      )}
      <PromptHost prompt={state.prompt} actions={actions} />
      <AwsPromptModal client={props.client} carrier={props.carrier} />
    </div>
  );
}
