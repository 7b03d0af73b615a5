// Why a session-manager-plugin could not be run, and what the user does about it. A missing or
// non-executable binary is a setting problem that retrying cannot fix, so it carries
// InvalidParams, which the reconnect policy treats as permanent (isPermanentError).
import { ErrorCode, WarrenError } from '../../../../src-shared/api/index.js';

const INSTALL_URL = 'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html';
const FIX = `install the Session Manager plugin (${INSTALL_URL}), set ssm.session_manager_plugin_path to where it is, or turn off ssm.use_session_manager_plugin to use Warren's own SSM data channel`;

export function pluginLaunchError(path: string, e: NodeJS.ErrnoException): WarrenError {
  if (e.code === 'ENOENT') return new WarrenError(ErrorCode.InvalidParams, `session-manager-plugin not found at "${path}": ${FIX}`, { path });
  if (e.code === 'EACCES' || e.code === 'EPERM')
    return new WarrenError(ErrorCode.InvalidParams, `session-manager-plugin at "${path}" cannot be run (${e.code}: not executable?): ${FIX}`, { path });
  return new WarrenError(ErrorCode.ConnectionFailed, `session-manager-plugin at "${path}" could not be started: ${e.message}`, { path });
}
