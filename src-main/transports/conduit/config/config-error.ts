// A conduit.toml / router.toml (or what the environment adds to it) that cannot be used. It crosses
// the API as ConduitConfigInvalid with every problem in data.errors, and the CLI exits with 2.
import { ErrorCode, WarrenError } from '../../../../src-shared/api/errors.js';

export function conduitConfigError(errors: readonly string[]): WarrenError {
  return new WarrenError(ErrorCode.ConduitConfigInvalid, errors.join('\n'), { errors: [...errors] });
}

/** The problem lines of a conduitConfigError, or undefined for any other error. */
export function configErrorLines(e: unknown): string[] | undefined {
  if (!(e instanceof WarrenError) || e.code !== ErrorCode.ConduitConfigInvalid) return undefined;
  const data = e.data as { errors?: unknown } | undefined;
  return Array.isArray(data?.errors) ? data.errors.map(String) : [e.message];
}
