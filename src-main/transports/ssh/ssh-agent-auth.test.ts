// Integration: authentication through a real ssh-agent (OpenSSH's), the way most users' keys live.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src-shared/api/index.js';
import { waitFor } from '../../../e2e/fixtures/ports.js';
import { startSshd, type SshdFixture } from '../../../e2e/fixtures/sshd.js';
import { createSshTransport, type TransportLog } from './ssh-transport.js';

const execFileP = promisify(execFile);
const quietLog: TransportLog = { debug() {}, info() {}, warn() {}, error() {} };

describe('ssh transport: ssh-agent', () => {
  let sshd: SshdFixture;
  let agent: ChildProcess;
  let agentSock: string;

  beforeAll(async () => {
    sshd = await startSshd();
    agentSock = path.join(sshd.dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: 'ignore' });
    await waitFor(async () => (await fs.stat(agentSock).catch(() => undefined)) !== undefined, 'ssh-agent socket', 10_000);
    await execFileP('ssh-add', [sshd.userKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: agentSock } });
    // No usable IdentityFile: only the agent holds the authorised key.
    await sshd.writeClientConfig(
      [
        'Host viaagent',
        '  HostName 127.0.0.1',
        `  Port ${sshd.port}`,
        `  User ${sshd.user}`,
        `  IdentityFile ${path.join(sshd.dir, 'no-such-key')}`,
        `  UserKnownHostsFile ${sshd.knownHostsPath}`,
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    agent?.kill();
    await sshd?.stop();
  });

  it('authenticates with a key held by ssh-agent (SSH_AUTH_SOCK)', async () => {
    const t = createSshTransport({ sshConfigPath: sshd.sshConfigPath, log: quietLog, env: { SSH_AUTH_SOCK: agentSock }, home: sshd.dir });
    const link = await t.connect('viaagent', new AbortController().signal);
    expect(await link.probe(5000)).toBeGreaterThan(0);
    await link.close();
  });

  it('without the agent the same host fails with 1007 naming what was tried', async () => {
    const t = createSshTransport({ sshConfigPath: sshd.sshConfigPath, log: quietLog, env: {}, home: sshd.dir });
    const err = await t.connect('viaagent', new AbortController().signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.AuthenticationFailed });
  });
});
