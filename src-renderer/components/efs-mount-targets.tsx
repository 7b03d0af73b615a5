// The file system's mount targets by availability zone (efs.status, asked of AWS each time), each
// marked when the SSM parameter lists it, and the AZs known to be free (where the next one goes).
import type { EfsMountTargetStatus, EfsRun } from '../../src-shared/api/index.js';
import { azRows, lifecycleTone } from '../state/efs-model.js';

export interface EfsMountTargetsProps {
  targets?: EfsMountTargetStatus[] | undefined;
  /** Why AWS could not be asked (status still answers). */
  awsError?: string | undefined;
  /** The latest run's plan: a dry run names the free AZ it would use. */
  plan?: EfsRun['plan'];
  zones?: readonly string[];
}

export function EfsMountTargets({ targets, awsError, plan, zones }: EfsMountTargetsProps) {
  const rows = targets ? azRows(targets, { ...(plan ? { plan } : {}), ...(zones ? { zones } : {}) }) : [];
  return (
    <div className="efs-targets" data-testid="efs-mount-targets">
      {awsError && (
        <div className="note-line tone-warn" role="alert" data-testid="efs-aws-error" data-tone="warn">
          AWS: {awsError}
        </div>
      )}
      {targets && targets.length === 0 && rows.length === 0 && (
        <div className="empty" data-testid="efs-targets-empty">
          This file system has no mount targets.
        </div>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="forwards">
            <thead>
              <tr>
                <th>AZ</th>
                <th>Mount target</th>
                <th>IP</th>
                <th>Subnet</th>
                <th>State</th>
                <th>In parameter</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) =>
                r.mount_target ? (
                  <tr key={r.mount_target.mount_target_id} data-testid={`efs-az-${r.availability_zone}`} data-mount-target={r.mount_target.mount_target_id}>
                    <td className="name">{r.availability_zone}</td>
                    <td className="mono" data-testid="efs-target-id">
                      {r.mount_target.mount_target_id}
                    </td>
                    <td className="mono">{r.mount_target.ip_address ?? '—'}</td>
                    <td className="mono">{r.mount_target.subnet_id}</td>
                    <td>
                      <span className={`pill tone-${lifecycleTone(r.mount_target.lifecycle_state)}`} data-testid="efs-target-state" data-value={r.mount_target.lifecycle_state}>
                        {r.mount_target.lifecycle_state}
                      </span>
                    </td>
                    <td data-testid="efs-target-listed" data-value={String(r.mount_target.in_parameter)}>
                      {r.mount_target.in_parameter ? 'yes' : <span className="tone-warn">not listed</span>}
                    </td>
                  </tr>
                ) : (
                  <tr key={`free-${r.availability_zone}`} className="free" data-testid={`efs-az-${r.availability_zone}`} data-free="true">
                    <td className="name">{r.availability_zone}</td>
                    <td colSpan={5}>
                      <span className="pill tone-muted">free</span>
                      {r.subnet_id && <span className="note"> next scale-up: {r.subnet_id}</span>}
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
