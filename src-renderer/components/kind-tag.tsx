// Which transport a row rides: "ssh", "conduit" or "ssm", as a small label.
import type { SessionInfo } from '../../src-shared/api/index.js';

const TITLES: Record<SessionInfo['kind'], string> = {
  ssh: 'SSH forward',
  conduit: 'Conduit tunnel (TLS via a router)',
  ssm: 'SSM forward (AWS Session Manager to an EC2 instance)',
};

export function KindTag({ kind }: { kind: SessionInfo['kind'] }) {
  return (
    <span className={`kind kind-${kind}`} data-testid="kind-tag" title={TITLES[kind]}>
      {kind}
    </span>
  );
}
