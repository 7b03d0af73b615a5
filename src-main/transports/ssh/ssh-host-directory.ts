// The engine's HostDirectory over the ssh config: a snapshot taken by reload(), so list/has/describe
// stay synchronous and `host.reload` can report what changed.
import type { HostDirectory, HostSummary } from '../../core/engine-ports.js';
import { SshConfigResolver, hostSummary } from './ssh-config.js';

export interface SshHostDirectoryOptions {
  /** The ssh config file; a function is asked on every reload (the setting may change). */
  sshConfigPath: string | (() => string);
  /** What `~` means in the ssh config (default: the OS home). */
  home?: string;
}

export function createSshHostDirectory(opts: SshHostDirectoryOptions): HostDirectory {
  let cfg: SshConfigResolver | undefined;
  let names: string[] = [];
  const path = (): string => (typeof opts.sshConfigPath === 'function' ? opts.sshConfigPath() : opts.sshConfigPath);
  const describe = (alias: string): HostSummary => {
    if (!cfg) return { name: alias, hostname: alias, port: 22, user: '', identity_file: [], proxy_jump: [] };
    return hostSummary(cfg.resolve(alias));
  };
  return {
    list: () => names.map(describe),
    has: (alias) => names.includes(alias) || (cfg?.resolve(alias).explicitHostName ?? false),
    describe,
    async reload() {
      const next = await SshConfigResolver.load(path(), opts.home !== undefined ? { home: opts.home } : {});
      const nextNames = next.listHosts();
      const added = nextNames.filter((n) => !names.includes(n));
      const removed = names.filter((n) => !nextNames.includes(n));
      cfg = next;
      names = nextNames;
      return { total: names.length, added, removed };
    },
  };
}
