// The headless entry: `warren daemon run`. Same engine as the Electron app, no window.
import { startWarren } from './app.js';
import type { SettingsPatch } from '../src-shared/domain/settings.js';

export interface DaemonRunOptions {
  home?: string;
  browser?: { port?: number; rendererDir?: string; pinToken?: boolean } | false;
  logToStderr?: boolean;
  /** Settings from command-line flags (win over env and stored values). */
  settings?: SettingsPatch;
  /** Called once the daemon is serving (socket bound, sessions restoring). */
  onReady?: (info: { socket: string; browserUrl: string | undefined; pid: number }) => void;
}

/** Run until daemon.shutdown, SIGINT or SIGTERM. Resolves with the process exit code. */
export async function runDaemon(options: DaemonRunOptions = {}): Promise<number> {
  const app = await startWarren({
    home: options.home,
    socket: true,
    browser: options.browser ?? false,
    logToStderr: options.logToStderr ?? false,
    settings: options.settings ?? {},
    host: 'daemon',
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    void app.shutdown(`signal ${signal}`);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  options.onReady?.({ socket: app.paths.socket, browserUrl: app.browserUrl, pid: process.pid });
  await app.closed;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
  return 0;
}
