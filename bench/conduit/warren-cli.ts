// The built Warren CLI (`node dist/src-main/cli/warren.js`), run as users run it, each call with its
// own $WARREN_HOME.
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { cliEnv, repoRoot } from '../../e2e/integration/helpers/daemon.js';
import { spawnTracked } from './cleanup.js';

const execFileP = promisify(execFile);
export const warrenJs = path.join(repoRoot, 'dist/src-main/cli/warren.js');

/** Environment for a Warren process living in `home` (an empty ssh config: Conduit needs none). */
function envFor(home: string): NodeJS.ProcessEnv {
  const sshConfig = path.join(home, 'ssh_config');
  if (!fs.existsSync(sshConfig)) fs.writeFileSync(sshConfig, '', { mode: 0o600 });
  return cliEnv(home, sshConfig);
}

export function assertBuilt(): void {
  if (!fs.existsSync(warrenJs)) throw new Error(`${path.relative(repoRoot, warrenJs)} is missing: run \`npm run build:main\``);
}

/** Run one CLI command to completion; its stdout, or an error carrying what it printed. */
export async function runWarren(home: string, args: string[], timeoutMs = 30_000): Promise<string> {
  try {
    const { stdout } = await execFileP(process.execPath, [warrenJs, ...args], { cwd: repoRoot, env: envFor(home), timeout: timeoutMs });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message?: string };
    const said = `${err.stderr ?? ''}\n${err.stdout ?? ''}`.trim().split('\n').slice(0, 3).join(' | ');
    throw new Error(`\`warren ${args.join(' ')}\` failed: ${said || err.message}`, { cause: e });
  }
}

/** Start a long-running CLI command (router, daemon) as a tracked child; output is piped. */
export function spawnWarren(home: string, args: string[]): ChildProcess {
  return spawnTracked(process.execPath, [warrenJs, ...args], { cwd: repoRoot, env: envFor(home), stdio: ['ignore', 'pipe', 'pipe'] });
}
