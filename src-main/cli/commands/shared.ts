// Small helpers the command files share.
import { Option, type Command } from 'commander';
import { usageError } from '../cli-error.js';

export interface JsonFlag {
  json?: boolean;
}

export function withJson(cmd: Command): Command {
  return cmd.addOption(new Option('--json', 'print the API result as JSON'));
}

export function parseIntOption(name: string, min: number, max: number): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value)) throw usageError(`${name} must be a whole number, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw usageError(`${name} must be from ${min} to ${max}, got ${n}`);
    return n;
  };
}
