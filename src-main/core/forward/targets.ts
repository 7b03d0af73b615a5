// Where a rule's connections go, as the far side of its link sees it.
import type { ConduitRule, ForwardRule } from '../../../src-shared/api/index.js';
import { isSourceName, parseHostPort } from '../../../src-shared/logic/source-pattern.js';
import type { StreamTarget } from '../link.js';

/** A conduit source: host:port, or a source group's name (port 0 tells the link to send the name). */
export function conduitTarget(rule: ConduitRule | ForwardRule): StreamTarget {
  if (rule.kind !== 'conduit') throw new Error('not a conduit rule');
  return isSourceName(rule.source) ? { host: rule.source, port: 0 } : parseHostPort(rule.source);
}

export function streamTarget(rule: ForwardRule): StreamTarget {
  if (rule.kind === 'conduit') return conduitTarget(rule);
  // An SSM session's destination is fixed by its document; this is informational.
  if (rule.kind === 'ssm') return { host: rule.remote_host ?? 'localhost', port: rule.remote_port };
  return { host: rule.remote_host ?? 'localhost', port: rule.remote_port ?? 0 };
}
