// `warren conduit up|router|start --service-file KIND …`: the text of a service definition that
// runs the same command in the foreground under the system's service manager.
import { launchdPlist } from './launchd-plist.js';
import { openrcScript } from './openrc-script.js';
import { rcdScript } from './rcd-script.js';
import type { ServiceHost, ServiceKind, ServiceTarget } from './service-spec.js';
import { systemdUnit } from './systemd-unit.js';

export { SERVICE_KINDS, serviceArgs, serviceName, type ServiceHost, type ServiceKind, type ServiceTarget } from './service-spec.js';
export { launchdLabel } from './launchd-plist.js';
export { rcdName } from './rcd-script.js';

/** Throws an Error naming a bad input (relative path, bad address, line break in an argument). */
export function serviceFile(kind: ServiceKind, target: ServiceTarget, host: ServiceHost): string {
  switch (kind) {
    case 'systemd':
      return systemdUnit(target, host);
    case 'launchd':
      return launchdPlist(target, host);
    case 'openrc':
      return openrcScript(target, host);
    case 'rc.d':
      return rcdScript(target, host);
  }
}
