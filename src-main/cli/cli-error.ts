// An error the CLI itself raises (bad usage, a refused prompt, a daemon that will not start), with
// the exit code it should end with and an optional hint line.
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.General,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Wrong arguments or a wrong value: exit 2, like commander's own usage errors. */
export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, ExitCode.Config, hint);
}
