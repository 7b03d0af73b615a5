// warren conduit config validate|show -f FILE, and warren conduit service-file KIND.
import path from 'node:path';
import type { Command } from 'commander';
import { loadClientConfig } from '../../../transports/conduit/config/client-config.js';
import { resolveClientSettings } from '../../../transports/conduit/config/client-settings.js';
import { showClientConfig } from '../../../transports/conduit/config/show-client-config.js';
import { validateConfigFile } from '../../../transports/conduit/config/validate-config-file.js';
import { defaultClientKeyPath } from '../../../transports/conduit/client-key-store.js';
import { SERVICE_KINDS, serviceFile, type ServiceKind, type ServiceTarget } from '../../../transports/conduit/service-file/service-file.js';
import type { CliContext } from '../../context.js';
import { withJson, type JsonFlag } from '../shared.js';

export function registerConduitConfig(conduit: Command, ctx: CliContext): void {
  const config = conduit.command('config').description('check or show a conduit.toml / router.toml');
  withJson(config.command('validate').description('check a conduit.toml or router.toml').option('-f, --file <file>', 'the file', 'conduit.toml')).action(
    async (flags: JsonFlag & { file: string }) => {
      const r = await validateConfigFile(flags.file);
      if (flags.json) ctx.json(r);
      else if (r.ok) ctx.out(`${flags.file}: valid ${r.kind} config (${r.summary})`);
      else for (const e of r.errors) ctx.err(e);
      if (!r.ok) ctx.exitCode = 2;
    },
  );
  config
    .command('show')
    .description('print the effective client config (file + CONDUIT_* environment + defaults)')
    .option('-f, --file <file>', 'the file', 'conduit.toml')
    .action(async (flags: { file: string }) => {
      const file = await loadClientConfig(flags.file);
      const settings = resolveClientSettings({ env: process.env, file, defaults: { privateKeyPath: defaultClientKeyPath(ctx.paths.home) } });
      ctx.out(showClientConfig(file, settings));
    });

  conduit
    .command('service-file <kind>')
    .description(`print a service definition (${SERVICE_KINDS.join(', ')}) that runs \`warren conduit up\` (-f) or the router (--router-mode)`)
    .option('-f, --file <conduit.toml>', 'run `warren conduit up -f FILE`')
    .option('--router-mode', 'run `warren conduit router` instead')
    .option('--bind <host:port>', 'router bind address (with --router-mode)', '0.0.0.0:9999')
    .option('--config <router.toml>', 'router config (with --router-mode)')
    .option('--warren-path <path>', 'the warren executable the service runs', process.argv[1] ? path.resolve(process.argv[1]) : '/usr/local/bin/warren')
    .option('--warren-home <dir>', 'WARREN_HOME for the service')
    .option('--user <name>', 'run as this user')
    .action((kind: string, flags: { file?: string; routerMode?: boolean; bind: string; config?: string; warrenPath: string; warrenHome?: string; user?: string }) => {
      if (!(SERVICE_KINDS as readonly string[]).includes(kind)) {
        ctx.err(`warren conduit service-file: unknown kind "${kind}"; use one of ${SERVICE_KINDS.join(', ')}`);
        ctx.exitCode = 2;
        return;
      }
      let target: ServiceTarget;
      if (flags.routerMode) target = { mode: 'router', bind: flags.bind, ...(flags.config ? { configPath: path.resolve(flags.config) } : {}) };
      else target = { mode: 'up', configPath: path.resolve(flags.file ?? 'conduit.toml') };
      ctx.out(
        serviceFile(kind as ServiceKind, target, {
          warrenPath: flags.warrenPath,
          ...(flags.warrenHome ? { warrenHome: path.resolve(flags.warrenHome) } : {}),
          ...(flags.user ? { user: flags.user } : {}),
        }),
      );
    });
}
