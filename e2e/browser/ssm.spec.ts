// Browser mode end to end with AWS: the real daemon, its AWS SDK clients pointed at the emulator by
// its standard env() only (no other AWS_* setting), and the emulator's SSM data channel carrying
// bytes to a loopback echo server as the instance's port. A user lists instances, diagnoses one
// (staged progress, likelihood 100), connects to it, pushes bytes through the local port and sees
// the SSM forwards group count them; a stopped instance is CRITICAL with the command to start it.
import fs from 'node:fs';
import path from 'node:path';
import { startAwsEmulator, type AwsEmulator } from '../fixtures/aws-emulator/index.js';
import { startDataChannelService, type DataChannelService } from '../fixtures/aws-emulator/data-channel/index.js';
import { canConnect, freePort } from '../fixtures/ports.js';
import { connectThrough, echoThrough } from '../integration/helpers/traffic.js';
import { expect, runBrowserDaemon, test as base } from './fixtures.js';

const WEB = 'i-0aaaaaaaaaaaaaaa1';
const OFF = 'i-0bbbbbbbbbbbbbbb2';

const test = base.extend<{ dataChannel: DataChannelService; emu: AwsEmulator }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  dataChannel: async ({}, use) => {
    const svc = await startDataChannelService();
    await use(svc);
    await svc.close();
  },
  emu: async ({ dataChannel }, use) => {
    const emu = await startAwsEmulator({ sessions: dataChannel });
    emu.addInstance({ id: WEB, name: 'web', state: 'running', vpcEndpoints: true, publicIp: '203.0.113.10' });
    emu.addInstance({ id: OFF, name: 'batch', state: 'stopped', vpcEndpoints: true, publicIp: '203.0.113.11' });
    await use(emu);
    await emu.close();
  },
  // SSM needs no sshd: an empty ssh config, and only the emulator's AWS settings.
  daemon: async ({ home, emu }, use, testInfo) => {
    const sshConfig = path.join(home.path, 'ssh_config');
    fs.writeFileSync(sshConfig, '');
    await runBrowserDaemon(home.path, sshConfig, use, testInfo, { env: emu.env() as unknown as Record<string, string>, awsOnly: true });
  },
});

test('list instances, diagnose one, connect to it and carry bytes through the SSM forward', async ({ warren, daemon, echo, page }) => {
  await warren.open(daemon.url);
  await warren.openInstances();
  const web = warren.instance(WEB);
  await expect(web).toContainText('web');
  await expect(web.getByTestId('instance-state')).toHaveAttribute('data-value', 'running');
  await expect(web.getByTestId('instance-ping')).toHaveAttribute('data-value', 'Online');
  await expect(web.getByTestId('instance-agent')).not.toHaveText('—');
  await expect(warren.instance(OFF).getByTestId('instance-state')).toHaveAttribute('data-value', 'stopped');
  // Refresh shows its spinner while the daemon asks EC2 and SSM again.
  await page.getByTestId('instances-refresh').click();
  await expect(page.getByTestId('instances-loading')).toHaveCount(0);
  await expect(web).toBeVisible();

  // Preventive diagnostics, staged: every stage reported, nothing in the way.
  const panel = await warren.diagnose(WEB, 'preventive');
  await expect(panel.getByTestId('diag-likelihood')).toHaveAttribute('data-value', '100');
  await expect(panel.getByTestId('diag-likelihood')).toHaveText('100%');
  const stages = panel.getByTestId('diag-stage');
  await expect(stages.first()).toHaveText('stage 1/4 ec2');
  await expect(stages.last()).toHaveText('stage 4/4 network');
  await expect(panel.getByTestId('diag-step-instance_state')).toHaveAttribute('data-status', 'pass');
  await expect(panel.getByTestId('diag-step-ssm_agent')).toHaveAttribute('data-status', 'pass');
  await expect(panel.getByTestId('diag-result-instance_state')).toHaveAttribute('data-tone', 'ok');
  await expect(panel.locator('[data-testid^="diag-result-"][data-status="fail"]')).toHaveCount(0);
  await expect(panel.getByTestId('diag-running')).toHaveCount(0);
  await page.screenshot({ path: '/tmp/warren-diagnose.png' });
  await panel.getByTestId('diag-close').click();

  // Connect: 127.0.0.1:local → the echo port "on the instance".
  const local = await freePort();
  await warren.connectInstance(WEB, { localPort: local, remotePort: echo.port, name: 'web-echo' });
  await expect(warren.connectForm()).toBeHidden();
  await expect(page.getByTestId('connect-result')).toContainText('web-echo: active');

  await warren.openForwards();
  await expect(page.getByTestId('group-ssm')).toBeVisible();
  const row = warren.row('web-echo');
  await expect(row).toHaveAttribute('data-kind', 'ssm');
  await warren.expectStatus('web-echo', 'active');
  await expect(page.getByTestId('ssm-route-web-echo')).toHaveText(`:${local} → ${echo.port} on ${WEB}`);
  await expect(page.getByTestId('ssm-session-web-echo')).toHaveAttribute('data-mode', 'mux');
  await expect(page.getByTestId('ssm-session-web-echo')).not.toHaveAttribute('data-session-id', '');
  await expect(page.getByTestId('summary')).toHaveText('1/1 active');

  const size = 256 * 1024;
  const sock = await connectThrough(local);
  const result = await echoThrough(sock, size);
  sock.destroy();
  expect(result).toMatchObject({ bytes: size, intact: true });
  await expect.poll(async () => (await warren.bytes('web-echo')).sent, { timeout: 15_000 }).toBeGreaterThanOrEqual(size);
  await expect.poll(async () => (await warren.bytes('web-echo')).received, { timeout: 15_000 }).toBeGreaterThanOrEqual(size);
  await expect(page.getByTestId('forward-bytes-web-echo')).toContainText('256 KiB');
  // How long the session took to come up (recorded in the history too).
  await expect(page.getByTestId('ssm-activity-web-echo')).toContainText(/connected in \d+ ms/);
  await page.screenshot({ path: '/tmp/warren-ssm-forwards.png' });

  // Stop, then Remove.
  await warren.toggle('web-echo').click();
  await warren.expectStatus('web-echo', 'stopped');
  await expect.poll(() => canConnect(local)).toBe(false);
  await page.getByTestId('forward-delete-web-echo').click();
  await expect(page.getByTestId('confirm-dialog')).toContainText('Remove SSM forward web-echo?');
  await page.getByTestId('confirm-accept').click();
  await expect(row).toBeHidden();
});

test('a stopped instance is CRITICAL at instance_state, with the command to start it', async ({ warren, daemon, page }) => {
  await warren.open(daemon.url);
  await warren.openInstances();
  const panel = await warren.diagnose(OFF, 'preventive');
  const result = panel.getByTestId('diag-result-instance_state');
  await expect(result).toHaveAttribute('data-status', 'fail');
  await expect(result).toHaveAttribute('data-severity', 'CRITICAL');
  await expect(result).toHaveAttribute('data-tone', 'bad');
  await expect(result.getByTestId('diag-severity')).toHaveText('CRITICAL');
  await expect(panel.getByTestId('diag-commands-instance_state')).toContainText(`aws ec2 start-instances --instance-ids ${OFF}`);
  expect(Number(await panel.getByTestId('diag-likelihood').getAttribute('data-value'))).toBeLessThan(50);
  // abort_on_critical: the later stages were not run.
  await expect(panel.getByTestId('diag-result-ssm_agent')).toHaveAttribute('data-status', 'skip');
  await page.screenshot({ path: '/tmp/warren-diagnose-stopped.png' });

  // The full run checks everything, and still leads with the CRITICAL problem.
  await panel.getByTestId('diag-mode').selectOption('full');
  await panel.getByTestId('diag-run').click();
  await expect(panel.getByTestId('diag-running')).toHaveCount(0, { timeout: 30_000 });
  await expect(panel.locator('[data-testid^="diag-result-"]').first()).toHaveAttribute('data-testid', 'diag-result-instance_state');
  await expect(panel.getByTestId('diag-result-ssm_agent')).not.toHaveAttribute('data-status', 'skip');
});

test('a check that could not run shows as "could not check" with why, what to try and a Check again button', async ({ warren, daemon, emu, page }) => {
  await warren.open(daemon.url);
  await warren.openInstances();
  await expect(warren.instance(WEB).getByTestId('instance-state')).toHaveAttribute('data-value', 'running');
  // SSM answers every DescribeInstanceInformation with its internal error (HTTP 500) from now on.
  emu.failAction('ssm:DescribeInstanceInformation');
  const panel = await warren.diagnose(WEB, 'preventive');
  const agent = panel.getByTestId('diag-result-ssm_agent');
  await expect(agent).toHaveAttribute('data-status', 'could_not_check');
  await expect(agent).toHaveAttribute('data-reason', 'api_error');
  await expect(agent).toHaveAttribute('data-tone', 'warn');
  await expect(agent.getByTestId('diag-severity')).toHaveText('COULD NOT CHECK');
  await expect(agent.getByTestId('diag-unchecked-why')).toHaveText('Not checked: AWS answered with an error.');
  await expect(agent.getByTestId('diag-unchecked-try')).toContainText('Run the diagnostics again');
  // A CRITICAL item nobody could see: not "likely".
  expect(Number(await panel.getByTestId('diag-likelihood').getAttribute('data-value'))).toBeLessThan(50);
  await page.screenshot({ path: '/tmp/warren-diagnose-could-not-check.png' });

  // The fix is a button: once SSM answers again, Check again runs the diagnostics anew.
  emu.clearFaults();
  await agent.getByTestId('diag-fix-retry-ssm_agent').click();
  await expect(panel.getByTestId('diag-result-ssm_agent')).toHaveAttribute('data-status', 'pass', { timeout: 30_000 });
  await expect(panel.getByTestId('diag-likelihood')).toHaveAttribute('data-value', '100');
});
