// network_connectivity: can this machine open TCP to the SSM endpoint the SDK will use? The host
// comes from the client's own endpoint resolution (region, FIPS, AWS_ENDPOINT_URL_SSM, a profile's
// endpoint_url), so tests reach the emulator and nothing here names an AWS host.
import net from 'node:net';
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { defineCheck } from '../define-check.js';
import type { CheckContext } from '../types.js';

interface Endpoint {
  host: string;
  port: number;
  protocol: string;
}

class Resolved extends Error {
  constructor(readonly endpoint: Endpoint) {
    super('endpoint resolved');
  }
}

/**
 * Runs the client's middleware up to the build step (endpoint resolved, nothing signed or sent)
 * and stops there; the per-command stack leaves the shared client untouched.
 */
export async function resolveSsmEndpoint(ctx: CheckContext): Promise<Endpoint> {
  const cmd = new DescribeInstanceInformationCommand({});
  cmd.middlewareStack.add(
    () => async (args) => {
      const r = args.request as { hostname?: string; port?: number; protocol?: string };
      const protocol = r.protocol ?? 'https:';
      throw new Resolved({ host: r.hostname ?? '', port: r.port ?? (protocol === 'http:' ? 80 : 443), protocol });
    },
    { step: 'build', priority: 'low', name: 'warrenResolveEndpointOnly' },
  );
  try {
    await ctx.aws.ssm.send(cmd);
  } catch (e) {
    if (e instanceof Resolved) return e.endpoint;
    throw e;
  }
  throw new Error('the SSM client sent a request instead of stopping at the build step');
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<{ ok: true; ms: number } | { ok: false; error: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (r: { ok: true; ms: number } | { ok: false; error: string }) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, error: `timed out after ${timeoutMs} ms` }));
    socket.once('connect', () => done({ ok: true, ms: Math.round(performance.now() - t0) }));
    socket.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, error: e.code ?? e.message }));
  });
}

export const checkNetworkConnectivity = defineCheck('network_connectivity', async (ctx) => {
  const ep = await resolveSsmEndpoint(ctx);
  const host = ep.host.replace(/^\[(.*)\]$/, '$1');
  const r = await tcpConnect(host, ep.port, ctx.connectTimeoutMs ?? 3000);
  const details = { endpoint: `${ep.protocol}//${ep.host}:${ep.port}` };
  if (r.ok) return { status: 'pass', severity: 'INFO', message: `Reached the SSM endpoint ${ep.host}:${ep.port} in ${r.ms} ms.`, details: { ...details, connect_ms: r.ms } };
  return {
    status: 'fail',
    severity: 'ERROR',
    message: `Cannot reach the SSM endpoint ${ep.host}:${ep.port} from this machine (${r.error}).`,
    details: { ...details, error: r.error },
    recommendation: {
      summary: 'Check this machine’s internet access, proxy (HTTPS_PROXY) and firewall for outbound HTTPS to the SSM endpoint.',
      commands: [`curl -sS -o /dev/null -w '%{http_code}\\n' ${ep.protocol}//${ep.host}:${ep.port}/`],
    },
  };
});
