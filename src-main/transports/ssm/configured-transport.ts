// The SSM transport the engine uses, as the settings say: Warren's own data channel (default) or an
// installed session-manager-plugin (ssm.use_session_manager_plugin), chosen at each connect so a
// config change applies to the next session; either way wrapped in make-before-break renewal.
import type { Settings } from '../../../src-shared/domain/settings.js';
import { ssmMaxSessionMs } from '../../../src-shared/domain/settings.js';
import { tryParseDuration } from '../../../src-shared/logic/duration.js';
import type { AwsClientCache } from '../../aws/aws-clients.js';
import type { Transport } from '../../core/link.js';
import { withRenewal } from './renewing-transport.js';
import { createPluginSsmTransport } from './plugin/index.js';
import { createSessionDeadlines } from './session-deadline.js';
import { createSsmTransport, type SsmTarget } from './ssm-transport.js';

export interface ConfiguredSsmTransportOptions {
  clients: AwsClientCache;
  settings: () => Settings;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

export function createConfiguredSsmTransport(opts: ConfiguredSsmTransportOptions): Transport<SsmTarget> {
  const logOpt = opts.log ? { log: opts.log } : {};
  const native = createSsmTransport({ clients: opts.clients, ...logOpt });
  const plugin = createPluginSsmTransport({ clients: opts.clients, pluginPath: () => opts.settings().ssm.session_manager_plugin_path, ...logOpt });
  const chosen: Transport<SsmTarget> = {
    connect(target, signal) {
      return (opts.settings().ssm.use_session_manager_plugin ? plugin : native).connect(target, signal);
    },
  };
  const deadline = createSessionDeadlines({ clients: opts.clients, maxSessionMs: () => ssmMaxSessionMs(opts.settings()), ...(opts.log ? { log: opts.log } : {}) });
  return withRenewal(chosen, {
    deadline,
    renewBeforeMs: () => tryParseDuration(opts.settings().ssm.renew_before) ?? 120_000,
    ...(opts.log ? { log: opts.log } : {}),
  });
}
