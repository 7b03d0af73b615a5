// Which transport a row rides: "ssh" or "conduit", as a small label.
import type { SessionInfo } from '../../src-shared/api/index.js';

export function KindTag({ kind }: { kind: SessionInfo['kind'] }) {
  return (
    <span className={`kind kind-${kind}`} data-testid="kind-tag" title={kind === 'ssh' ? 'SSH forward' : 'Conduit tunnel (TLS via a router)'}>
      {kind}
    </span>
  );
}
