import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contentSecurityPolicy, isAllowedExternalUrl, parseDevServerUrl } from './window-policy.js';

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name ?? '', values]));
}

describe('contentSecurityPolicy', () => {
  it("allows only 'self' scripts in production and denies by default", () => {
    const d = directives(contentSecurityPolicy());
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
  });

  it('opens only what the Vite dev server needs, for its own origin', () => {
    const d = directives(contentSecurityPolicy('http://localhost:5173/'));
    expect(d.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(d.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(d.get('script-src')).not.toContain("'unsafe-eval'");
  });
});

describe('isAllowedExternalUrl', () => {
  it('opens https links to allowlisted hosts and their subdomains', () => {
    expect(isAllowedExternalUrl('https://github.com/warren/warren/issues')).toBe(true);
    expect(isAllowedExternalUrl('https://docs.aws.amazon.com/systems-manager/latest/userguide/x.html')).toBe(true);
    expect(isAllowedExternalUrl('https://eu-west-1.console.aws.amazon.com/ec2')).toBe(true);
  });

  it('refuses other schemes, hosts, look-alikes, credentials and ports', () => {
    for (const url of [
      'http://github.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://github.com/share',
      'https://evilgithub.com/',
      'https://github.com.evil.net/',
      'https://user:pw@github.com/',
      'https://github.com:8443/',
      'https://example.com/',
      'not a url',
    ])
      expect(isAllowedExternalUrl(url), url).toBe(false);
  });

  it('property: never allows a non-https URL', () => {
    fc.assert(fc.property(fc.webUrl({ validSchemes: ['http', 'ftp', 'file'] }), (url) => isAllowedExternalUrl(url) === false));
  });
});

describe('parseDevServerUrl', () => {
  it('accepts loopback http(s) URLs and nothing else', () => {
    expect(parseDevServerUrl(undefined)).toEqual({ url: undefined });
    expect(parseDevServerUrl('')).toEqual({ url: undefined });
    expect(parseDevServerUrl('http://localhost:5173')).toEqual({ url: 'http://localhost:5173/' });
    expect(parseDevServerUrl('http://127.0.0.1:5173/').url).toBe('http://127.0.0.1:5173/');
    expect(parseDevServerUrl('http://[::1]:5173/').url).toBe('http://[::1]:5173/');
    for (const bad of ['https://evil.example/', 'file:///tmp/index.html', 'http://localhost.evil.example/', 'nonsense']) {
      const r = parseDevServerUrl(bad);
      expect(r.url, bad).toBeUndefined();
      expect(r.problem, bad).toBeTruthy();
    }
  });
});
