// Questions on the terminal: a yes/no confirmation and a passphrase read without echo. Prompts go to
// stderr so stdout stays clean for --json and pipes.
import readline from 'node:readline';
import type { CliIo } from './context.js';
import { CliError } from './cli-error.js';

/** Ask "question [y/N]" on the terminal; anything but y/yes is no. */
export async function confirm(io: CliIo, question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: io.stdin, output: io.stderr, terminal: io.stdin.isTTY === true });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.question(`${question} [y/N] `, resolve);
      rl.once('close', () => resolve(''));
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** First line of piped stdin (a passphrase from a password manager, say), without its newline. */
export async function readFirstLine(input: CliIo['stdin']): Promise<string> {
  const rl = readline.createInterface({ input, terminal: false });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}

/** Read a secret from the terminal without echoing it. Ctrl-C cancels. */
export function readSecretFromTty(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin;
  if (!stdin.setRawMode) return Promise.reject(new CliError('cannot turn off echo on this terminal'));
  io.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  let secret = '';
  return new Promise<string>((resolve, reject) => {
    const finish = (err?: Error): void => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      if (err) reject(err);
      else resolve(secret);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new CliError('cancelled'));
        if (ch === '\u007f' || ch === '\b') secret = [...secret].slice(0, -1).join('');
        else if (ch >= ' ') secret += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The passphrase: hidden on a terminal, else the first line of stdin. */
export async function readSecret(io: CliIo, prompt: string): Promise<string> {
  return io.stdin.isTTY ? readSecretFromTty(io, prompt) : readFirstLine(io.stdin);
}
