// The Electron-free rules of the window: its Content-Security-Policy and which external links may
// leave the app. Kept pure so they are tested without a browser.

/**
 * `script-src 'self'` always: no inline or remote script can run in a window that holds the API.
 * The Vite dev server is the one exception that needs more: its React Fast Refresh preamble is an
 * inline script and HMR talks over a WebSocket, so in development (and only then) those are allowed
 * for the dev server's own origin.
 */
export function contentSecurityPolicy(devServerUrl?: string): string {
  const dev = devServerUrl ? new URL(devServerUrl) : undefined;
  const wsOrigin = dev ? `${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}` : undefined;
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'none'"]],
    ['script-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    // React and CSS-in-JS set style attributes; styles cannot run code.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', wsOrigin ? ["'self'", wsOrigin] : ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['worker-src', ["'self'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/**
 * Sites a link in the window may open in the user's browser: the project's own pages and the AWS
 * and SSH documentation the diagnostics link to. Anything else is refused (and logged) rather than
 * handed to the OS, because `shell.openExternal` with an attacker's URL can start local programs.
 */
export const EXTERNAL_HOST_ALLOWLIST: readonly string[] = [
  'github.com',
  'docs.aws.amazon.com',
  'aws.amazon.com',
  'console.aws.amazon.com',
  'man.openbsd.org',
  'www.openssh.com',
];

export function isAllowedExternalUrl(url: string, allowlist: readonly string[] = EXTERNAL_HOST_ALLOWLIST): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:') return false;
  // user:pass@host URLs are a phishing classic; there is no reason for the app to open one.
  if (parsed.username !== '' || parsed.password !== '') return false;
  if (parsed.port !== '') return false;
  const host = parsed.hostname.toLowerCase();
  // Exact host or a subdomain of it (console.aws.amazon.com, *.console.aws.amazon.com for regions).
  return allowlist.some((allowed) => host === allowed || host.endsWith(`.${allowed}`));
}

/**
 * WARREN_DEV_SERVER_URL comes from the environment, i.e. from outside: accept only an http(s) URL
 * on this machine, so a stray variable cannot point the privileged window at a remote site.
 */
export function parseDevServerUrl(value: string | undefined): { url: string | undefined; problem?: string } {
  if (value === undefined || value.trim() === '') return { url: undefined };
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return { url: undefined, problem: `WARREN_DEV_SERVER_URL is not a URL: ${value}` };
  }
  const loopback = parsed.hostname === 'localhost' || parsed.hostname === '127.0.0.1' || parsed.hostname === '[::1]';
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !loopback)
    return { url: undefined, problem: `WARREN_DEV_SERVER_URL must be http(s) on localhost, got ${value}` };
  return { url: parsed.href };
}
