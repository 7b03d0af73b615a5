// A session status as a colored pill; the color classes live in styles.css.
import type { SessionStatus } from '../../src-shared/api/index.js';

export function StatusBadge(props: { status: SessionStatus; testId: string; title?: string | undefined }) {
  return (
    <span className={`badge badge-${props.status}`} data-testid={props.testId} data-status={props.status} title={props.title}>
      {props.status}
    </span>
  );
}
