// warren conduit router: the router in the foreground (as a container or service runs it). Its
// key is $WARREN_HOME/keys/router.key unless router.toml names one; the first line it prints
// carries the fingerprint clients pin with --router-key.
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { parseHostPort } from '../../../../src-shared/logic/source-pattern.js';
import { loadRouterConfig } from '../../../router/config/router-config.js';
import { readRouterState, writeRouterState } from '../../../router/config/router-state.js';
import { defaultRouterKeyPath } from '../../../transports/conduit/client-key-store.js';
import { loadOrCreateKeyFile } from '../../../transports/conduit/identity/index.js';
import type { CliContext } from '../../context.js';

export function registerConduitRouter(conduit: Command, ctx: CliContext): void {
  conduit
    .command('router')
    .description('run a Conduit router in the foreground until Ctrl-C / SIGTERM (open streams get 5 s to finish)')
    .option('--bind <host:port>', 'where clients connect (default [router] bind, 0.0.0.0:9999)')
    .option('--config <router.toml>', 'router settings: authorized_clients, sources, api, health, alerts')
    .option('--drain <seconds>', 'how long open streams may finish on shutdown', '5')
    .action(async (flags: { bind?: string; config?: string; drain: string }) => {
      const config = await loadRouterConfig(flags.config, { ...(flags.bind ? { cliBind: flags.bind } : {}) });
      const { ConduitRouter } = await import('../../../router/router.js');
      const { createLog } = await import('../../../log.js');
      const keyPath = config.security.private_key_path ?? defaultRouterKeyPath(ctx.paths.home);
      const identity = loadOrCreateKeyFile(keyPath, `router@${os.hostname()}`);
      for (const w of identity.warnings) ctx.err(`warning: ${w}`);
      const statePath = config.security.state_path ?? path.join(ctx.paths.home, 'router-state.json');
      const log = createLog({ level: 'info', file: path.join(ctx.paths.home, 'router.log'), stderr: false });
      const router = new ConduitRouter({
        ...(config.router.name ? { name: config.router.name } : {}),
        bind: parseHostPort(config.router.bind),
        identity,
        clients: config.authorized_clients,
        sources: config.sources,
        handshakeTimeoutMs: config.router.handshake_timeout_ms,
        maxFrameBytes: config.router.max_frame_bytes,
        rotationGraceMs: config.security.rotation_grace_hours * 3600_000,
        state: {
          read: () => readRouterState(statePath).rotated_keys,
          write: (records) => writeRouterState(statePath, { rotated_keys: records }),
        },
        health: { intervalMs: config.health.interval_s * 1000, timeoutMs: config.health.timeout_ms },
        breaker: { failureThreshold: config.circuit_breaker.failure_threshold, openMs: config.circuit_breaker.open_s * 1000 },
        alerts: { webhookUrl: config.alerts.webhook_url, slackWebhookUrl: config.alerts.slack_webhook_url },
        api: config.api.enabled ? { bind: parseHostPort(config.api.bind), token: config.api.token } : undefined,
        log,
      });
      await router.start();
      ctx.out(`conduit router listening on ${router.bind}, key ${router.fingerprint}${router.apiPort ? `, API on ${router.apiBind}` : ''}`);
      ctx.out(`clients pin it with: --router-key ${router.fingerprint}`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          ctx.err('conduit router: draining…');
          void router
            .stop(Number(flags.drain) * 1000)
            .then(() => log.close())
            .then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
