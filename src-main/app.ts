// The engine with its doors, as one object: what the headless daemon (`warren daemon run`) and the
// Electron main process both start. Everything a face needs goes through `dispatcher`.
import type { Dispatcher } from './api/dispatcher.js';
import type { WarrenPaths } from './paths.js';
import type { SettingsPatch } from '../src-shared/domain/settings.js';

export interface WarrenOptions {
  /** $WARREN_HOME; defaults to warrenHome(). */
  home?: string;
  /** Serve JSON-RPC on $WARREN_HOME/warren.sock (default true). */
  socket?: boolean;
  /**
   * Browser mode: serve the renderer and a token-guarded WebSocket on 127.0.0.1. The token is new at
   * every start unless pinToken keeps it (in $WARREN_HOME/browser-token) across restarts.
   */
  browser?: { port?: number; rendererDir?: string; pinToken?: boolean } | false;
  /** Also write log lines to stderr (daemon run in a terminal). */
  logToStderr?: boolean;
  /** Settings given as command-line flags: they win over env, stored and default values. */
  settings?: SettingsPatch;
  /** Who runs the engine; shown in logs. */
  host?: 'daemon' | 'electron' | 'test';
}

export interface WarrenApp {
  readonly paths: WarrenPaths;
  readonly dispatcher: Dispatcher;
  /** http://127.0.0.1:PORT/#token=… when browser mode is on. */
  readonly browserUrl: string | undefined;
  /** OS signals the engine reacts to: retry reconnecting sessions at once on resume / network change. */
  systemEvent(kind: 'resume' | 'suspend' | 'network-change'): void;
  /** Orderly stop: save which sessions are active, stop sessions, close doors and the database. */
  shutdown(reason: string): Promise<void>;
  /** Resolves when shutdown finished (after daemon.shutdown over the API, a signal or shutdown()). */
  readonly closed: Promise<void>;
}

export { startWarren } from './app-start.js';
