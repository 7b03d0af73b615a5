// This machine's conduit key (conduit.status): fingerprint to hand to router operators, age, and
// what needs doing (missing key, rotation due).
import type { ConduitKeyStatus } from '../../src-shared/api/index.js';
import { formatAgeDays } from '../format/format.js';
import { keyNotes } from '../state/routers-model.js';
import { NoteLine } from './note-line.js';

export function ConduitKeyCard({ keyStatus }: { keyStatus: ConduitKeyStatus }) {
  const notes = keyNotes(keyStatus);
  return (
    <section className="card" data-testid="conduit-key">
      <h3>This machine's conduit key</h3>
      {keyStatus.exists && (
        <dl className="facts">
          <dt>Fingerprint</dt>
          <dd className="mono fingerprint" data-testid="conduit-key-fingerprint">
            {keyStatus.fingerprint ?? '—'}
          </dd>
          <dt>Age</dt>
          <dd data-testid="conduit-key-age" data-rotation-due={keyStatus.rotation_due}>
            {formatAgeDays(keyStatus.age_days)}
            {keyStatus.created_at ? ` (created ${keyStatus.created_at.slice(0, 10)})` : ''}
          </dd>
          <dt>File</dt>
          <dd className="mono">{keyStatus.path}</dd>
        </dl>
      )}
      {notes.map((n, i) => (
        <NoteLine key={i} note={n} testId="conduit-key-warning" />
      ))}
    </section>
  );
}
