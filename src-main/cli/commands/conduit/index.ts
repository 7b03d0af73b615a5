// warren conduit …: the original Conduit's commands under one roof.
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerConduitConfig } from './config-files.js';
import { registerConduitKeys } from './keys.js';
import { registerConduitRouter } from './router.js';
import { registerConduitTunnels } from './tunnels.js';

export function registerConduit(program: Command, ctx: CliContext): void {
  const conduit = program.command('conduit').description('Conduit TLS tunnels: init, start, up, down, router, list, kill, status, keys, config, service-file');
  registerConduitKeys(conduit, ctx);
  registerConduitTunnels(conduit, ctx);
  registerConduitRouter(conduit, ctx);
  registerConduitConfig(conduit, ctx);
}
