// warren conduit init | keys show | keys rotate: the client's Ed25519 key on this machine (and,
// with --router, the router's). These touch only files under $WARREN_HOME; no daemon is needed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { defaultClientKeyPath, defaultRouterKeyPath } from '../../../transports/conduit/client-key-store.js';
import { createKeyFile, keyAgeDays, loadKeyFile, readKeyMeta, rotateKeyFile, rotationDue, type ConduitIdentity } from '../../../transports/conduit/identity/index.js';
import type { CliContext } from '../../context.js';
import { formatKeyValues } from '../../format.js';
import { withJson, type JsonFlag } from '../shared.js';

function keyPathOf(ctx: CliContext, flags: { key?: string; router?: boolean }): string {
  if (flags.key) return path.resolve(flags.key);
  return flags.router ? defaultRouterKeyPath(ctx.paths.home) : defaultClientKeyPath(ctx.paths.home);
}

function describe(id: ConduitIdentity, keyPath: string): Record<string, string | number | boolean> {
  return {
    path: keyPath,
    public_key: id.publicKeyText,
    fingerprint: id.fingerprint,
    created_at: id.createdAt.toISOString(),
    age_days: keyAgeDays(id),
    rotation_due: rotationDue(id),
  };
}

function show(ctx: CliContext, id: ConduitIdentity, keyPath: string, json: boolean | undefined): void {
  if (json) return ctx.json(describe(id, keyPath));
  ctx.out(id.publicKeyText);
  ctx.out(formatKeyValues([
    ['fingerprint', id.fingerprint],
    ['private key', keyPath],
    ['created', `${id.createdAt.toISOString()} (${keyAgeDays(id)} days ago)`],
  ]));
  if (rotationDue(id)) ctx.out('warning: this key is older than 30 days: run `warren conduit keys rotate`');
}

export function registerConduitKeys(conduit: Command, ctx: CliContext): void {
  withJson(
    conduit
      .command('init')
      .description('make this machine\'s conduit key (an Ed25519 keypair) and print the public key to give the router\'s operator')
      .option('--key <path>', 'where to keep the private key (default: $WARREN_HOME/keys/conduit.key)')
      .option('--force', 'replace an existing key (routers that knew the old one will refuse you)'),
  ).action((flags: JsonFlag & { key?: string; force?: boolean }) => {
    const keyPath = keyPathOf(ctx, flags);
    if (fs.existsSync(keyPath) && !flags.force) {
      const id = loadKeyFile(keyPath);
      if (!flags.json) ctx.err(`a conduit key already exists at ${keyPath} (use --force to replace it):`);
      return show(ctx, id, keyPath, flags.json);
    }
    const id = createKeyFile(keyPath, { comment: `${os.userInfo().username}@${os.hostname()}`, overwrite: flags.force === true });
    if (!flags.json) ctx.out('Conduit key created. Send this public key to the router\'s operator (it goes in authorized_clients):');
    show(ctx, id, keyPath, flags.json);
  });

  const keys = conduit.command('keys').description('show or rotate the conduit key');
  withJson(
    keys
      .command('show')
      .description('print the public key and fingerprint')
      .option('--key <path>', 'a key other than the default')
      .option('--router', "the router's key on this machine ($WARREN_HOME/keys/router.key)"),
  ).action((flags: JsonFlag & { key?: string; router?: boolean }) => {
    const keyPath = keyPathOf(ctx, flags);
    const id = loadKeyFile(keyPath);
    for (const w of id.warnings) ctx.err(`warning: ${w}`);
    if (flags.json) return ctx.json({ ...describe(id, keyPath), acknowledged_by: readKeyMeta(keyPath)?.acknowledged_by ?? [] });
    show(ctx, id, keyPath, false);
  });

  withJson(
    keys
      .command('rotate')
      .description('make a new key; each router learns it at the next connection and accepts the old one for its grace period (24 h)')
      .option('--key <path>', 'a key other than the default')
      .option('--force', 'rotate again although some routers have not yet learned the previous new key'),
  ).action((flags: JsonFlag & { key?: string; force?: boolean }) => {
    const keyPath = keyPathOf(ctx, flags);
    const { current, previous } = rotateKeyFile(keyPath, { discardPrevious: flags.force === true });
    if (flags.json) return ctx.json({ ...describe(current, keyPath), previous_fingerprint: previous.fingerprint });
    ctx.out(`rotated: ${previous.fingerprint} → ${current.fingerprint}`);
    ctx.out('Running tunnels hand the new key to their routers when they next connect; routers accept the old key for their grace period.');
    show(ctx, current, keyPath, false);
  });
}
