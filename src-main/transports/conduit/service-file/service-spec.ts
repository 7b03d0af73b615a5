// What a generated service runs: the foreground warren command for `conduit up`, `conduit router`
// or `conduit start`, and the name, description and paths every service format shares.
import path from 'node:path';
import { isSourceName, parseHostPort } from '../../../../src-shared/logic/source-pattern.js';
import { shellQuote } from './quoting.js';

export type ServiceKind = 'systemd' | 'launchd' | 'openrc' | 'rc.d';
export const SERVICE_KINDS: readonly ServiceKind[] = ['systemd', 'launchd', 'openrc', 'rc.d'];

export type ServiceTarget =
  | { mode: 'up'; configPath: string }
  /** The router always runs in the foreground, so it needs no --foreground. */
  | { mode: 'router'; bind: string; configPath?: string }
  | { mode: 'start'; router: string; source: string; bind: string; name?: string; protocol?: 'tcp' | 'udp' };

export interface ServiceHost {
  /** Absolute path of the warren executable the service runs. */
  warrenPath: string;
  /** WARREN_HOME for the service (its keys, state, socket); each format has a conventional default. */
  warrenHome?: string;
  /** Run as this user instead of root (systemd, openrc, rc.d; launchd only for a LaunchDaemon). */
  user?: string;
}

/** PATH for formats whose default PATH misses where node is usually installed (warren runs on node). */
export const SERVICE_PATH = '/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin';

function requireAbsolute(p: string, what: string): void {
  if (!path.isAbsolute(p)) throw new Error(`${what} must be an absolute path in a service file (services do not start in your working directory), got "${p}"`);
}

function checkAddress(text: string, flag: string): void {
  try {
    parseHostPort(text);
  } catch (e) {
    throw new Error(`${flag}: ${(e as Error).message}`, { cause: e });
  }
}

/** Throws an Error naming the bad input; the generators call it first. */
export function checkServiceInput(target: ServiceTarget, host: ServiceHost): void {
  requireAbsolute(host.warrenPath, 'the warren path');
  if (host.warrenHome !== undefined) requireAbsolute(host.warrenHome, 'WARREN_HOME');
  if (host.user !== undefined && !/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/.test(host.user)) throw new Error(`"${host.user}" is not a user name`);
  switch (target.mode) {
    case 'up':
      requireAbsolute(target.configPath, 'the config file (-f)');
      return;
    case 'router':
      checkAddress(target.bind, '--bind');
      if (target.configPath !== undefined) requireAbsolute(target.configPath, 'the router config (--config)');
      return;
    case 'start':
      checkAddress(target.router, '--router');
      checkAddress(target.bind, '--bind');
      if (!isSourceName(target.source)) checkAddress(target.source, '--source');
      if (target.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/.test(target.name)) throw new Error(`--name: "${target.name}" is not a tunnel name`);
  }
}

/** The arguments after the warren executable; each runs in the foreground so the service manager supervises it. */
export function serviceArgs(target: ServiceTarget): string[] {
  switch (target.mode) {
    case 'up':
      return ['conduit', 'up', '-f', target.configPath, '--foreground'];
    case 'router':
      return ['conduit', 'router', '--bind', target.bind, ...(target.configPath ? ['--config', target.configPath] : [])];
    case 'start':
      return [
        'conduit',
        'start',
        '--router',
        target.router,
        '--source',
        target.source,
        '--bind',
        target.bind,
        ...(target.name ? ['--name', target.name] : []),
        ...(target.protocol && target.protocol !== 'tcp' ? ['--protocol', target.protocol] : []),
        '--foreground',
      ];
  }
}

/** The tunnel name `conduit start` would pick: <routerhost>-<bindport> (ARCHITECTURE's default). */
function startName(target: Extract<ServiceTarget, { mode: 'start' }>): string {
  return target.name ?? `${parseHostPort(target.router).host}-${parseHostPort(target.bind).port}`;
}

/** "warren-conduit-up", "warren-conduit-router", "warren-conduit-<tunnel>": file and unit names. */
export function serviceName(target: ServiceTarget): string {
  const base = target.mode === 'start' ? `warren-conduit-${startName(target)}` : `warren-conduit-${target.mode}`;
  return base.replace(/[^A-Za-z0-9_.-]/g, '-');
}

export function serviceDescription(target: ServiceTarget): string {
  switch (target.mode) {
    case 'up':
      return `Warren conduit tunnels from ${target.configPath}`;
    case 'router':
      return `Warren conduit router on ${target.bind}`;
    case 'start':
      return `Warren conduit tunnel ${startName(target)}: ${target.bind} to ${target.source} via ${target.router}`;
  }
}

/** The warren command that regenerates this file, for the header comment. */
export function regenerateCommand(kind: ServiceKind, target: ServiceTarget): string {
  const args = serviceArgs(target).filter((a) => a !== '--foreground');
  return ['warren', ...args.slice(0, 2), '--service-file', kind, ...args.slice(2)].map(shellQuote).join(' ');
}
