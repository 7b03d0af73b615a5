// What every command gets: where Warren lives, the terminal streams, colour, and a short-lived
// connection to the daemon that is always closed afterwards.
import type { Readable, Writable } from 'node:stream';
import { createClient, type WarrenClient } from '../../src-shared/api/index.js';
import { warrenPaths, warrenHome, type WarrenPaths } from '../paths.js';
import { colourWanted } from './format.js';
import type { HintSubject } from './hints.js';
import { SocketCarrier } from './socket-carrier.js';

export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  env: NodeJS.ProcessEnv;
}

export interface Connection {
  client: WarrenClient;
  carrier: SocketCarrier;
}

export class CliContext {
  readonly paths: WarrenPaths;
  /** Deadline for each API answer; `--timeout` sets it. */
  timeoutMs = 60_000;
  /** Exit code for a command that ends without an error but not with 0 (daemon run). */
  exitCode = 0;
  /** What the command is about, for the hint under an error ("run `warren host trust prod`"). */
  subject: HintSubject = {};

  constructor(readonly io: CliIo) {
    this.paths = warrenPaths(warrenHome(io.env));
  }

  get colour(): boolean {
    return colourWanted(this.io.stdout.isTTY, this.io.env);
  }

  out(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  err(text: string): void {
    this.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  json(value: unknown): void {
    this.out(JSON.stringify(value, null, 2));
  }

  /** Open a connection; rejects with DaemonUnavailableError when no daemon listens. */
  async connect(connectTimeoutMs?: number): Promise<Connection> {
    const carrier = await SocketCarrier.connect({ socketPath: this.paths.socket, timeoutMs: this.timeoutMs, connectTimeoutMs });
    return { carrier, client: createClient(carrier) };
  }

  /** Run fn with a client and close the connection whatever happens. */
  async withClient<T>(fn: (client: WarrenClient, carrier: SocketCarrier) => Promise<T>): Promise<T> {
    const { client, carrier } = await this.connect();
    try {
      return await fn(client, carrier);
    } finally {
      await carrier.close();
    }
  }

  /** A progress line on stderr. On a terminal it is erased when done; elsewhere it stays as a log line. */
  progress(text: string): { done(): void } {
    const tty = this.io.stderr.isTTY === true;
    this.io.stderr.write(tty ? text : `${text}\n`);
    return {
      done: () => {
        if (tty) this.io.stderr.write('\r\u001b[K');
      },
    };
  }
}
