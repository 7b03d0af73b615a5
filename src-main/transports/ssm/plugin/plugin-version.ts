// `session-manager-plugin --version`, as the AWS CLI runs it before every session: it decides
// whether the StartSession response may travel in the environment, and it finds a missing or
// broken binary before a session is started for nothing.
import { execFile } from 'node:child_process';
import { ErrorCode, WarrenError } from '../../../../src-shared/api/index.js';
import { pluginLaunchError } from './plugin-errors.js';
import { supportsEnvResponse } from './plugin-contract.js';

const VERSION_TIMEOUT_MS = 10_000;

export interface PluginVersion {
  version: string;
  responseInEnv: boolean;
}

export function readPluginVersion(path: string): Promise<PluginVersion> {
  return new Promise((resolve, reject) => {
    execFile(path, ['--version'], { timeout: VERSION_TIMEOUT_MS, windowsHide: true, encoding: 'utf8' }, (err, stdout) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (typeof e.code === 'string') return reject(pluginLaunchError(path, e));
        const why = e.killed ? `no answer within ${VERSION_TIMEOUT_MS / 1000} s` : e.message;
        return reject(new WarrenError(ErrorCode.ConnectionFailed, `session-manager-plugin at "${path}" --version failed: ${why}`, { path }));
      }
      const version = stdout.trim();
      resolve({ version, responseInEnv: supportsEnvResponse(version) });
    });
  });
}

/**
 * One answer per path for the transport's life. Safe to keep: plugins only get newer, and the
 * argv form every version accepts is the fallback; a binary removed later fails at spawn with
 * the same error. Failures are not kept, so installing the plugin fixes the next attempt.
 */
export function versionCache(): (path: string) => Promise<PluginVersion> {
  const known = new Map<string, Promise<PluginVersion>>();
  return (path) => {
    let p = known.get(path);
    if (!p) {
      p = readPluginVersion(path);
      known.set(path, p);
      p.catch(() => known.delete(path));
    }
    return p;
  };
}
