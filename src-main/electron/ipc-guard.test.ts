import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ErrorCode } from '../../src-shared/api/index.js';
import { errorEnvelope, isTrustedRendererUrl, parseIpcPayload, resultEnvelope } from './ipc-guard.js';

const rendererDir = path.resolve('/opt/Warren/resources/app/dist/renderer');
const indexUrl = pathToFileURL(path.join(rendererDir, 'index.html')).href;

describe('isTrustedRendererUrl', () => {
  it('accepts files inside the renderer directory, with hash and query', () => {
    expect(isTrustedRendererUrl(indexUrl, { rendererDir })).toBe(true);
    expect(isTrustedRendererUrl(`${indexUrl}#/forwards?x=1`, { rendererDir })).toBe(true);
    expect(isTrustedRendererUrl(pathToFileURL(path.join(rendererDir, 'assets', 'a.js')).href, { rendererDir })).toBe(true);
  });

  it('refuses files outside it, escapes, other hosts and other schemes', () => {
    expect(isTrustedRendererUrl(pathToFileURL('/etc/passwd').href, { rendererDir })).toBe(false);
    expect(isTrustedRendererUrl(`${pathToFileURL(rendererDir).href}/../../evil.html`, { rendererDir })).toBe(false);
    expect(isTrustedRendererUrl(pathToFileURL(`${rendererDir}-evil/index.html`).href, { rendererDir })).toBe(false);
    expect(isTrustedRendererUrl(pathToFileURL(rendererDir).href, { rendererDir })).toBe(false);
    expect(isTrustedRendererUrl('file://attacker/share/index.html', { rendererDir })).toBe(false);
    expect(isTrustedRendererUrl('about:blank', { rendererDir })).toBe(false);
    expect(isTrustedRendererUrl('data:text/html,hi', { rendererDir })).toBe(false);
    expect(isTrustedRendererUrl('https://example.com/', { rendererDir })).toBe(false);
    expect(isTrustedRendererUrl('not a url', { rendererDir })).toBe(false);
  });

  it('accepts only the exact dev server origin when one is set', () => {
    const trusted = { rendererDir, devServerUrl: 'http://localhost:5173/' };
    expect(isTrustedRendererUrl('http://localhost:5173/#/x', trusted)).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5174/', trusted)).toBe(false);
    expect(isTrustedRendererUrl('https://localhost:5173/', trusted)).toBe(false);
    expect(isTrustedRendererUrl('http://localhost.evil.com:5173/', trusted)).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:5173/', { rendererDir })).toBe(false);
  });

  it('property: no http(s) URL is trusted without a dev server', () => {
    fc.assert(fc.property(fc.webUrl(), (url) => isTrustedRendererUrl(url, { rendererDir }) === false));
  });
});

describe('parseIpcPayload and envelopes', () => {
  it('accepts { method, params? }', () => {
    expect(parseIpcPayload({ method: 'daemon.status' })).toEqual({ ok: true, payload: { method: 'daemon.status' } });
    expect(parseIpcPayload({ method: 'forward.start', params: { name: 'a' } })).toEqual({
      ok: true,
      payload: { method: 'forward.start', params: { name: 'a' } },
    });
  });

  it('refuses anything else with an InvalidRequest envelope', () => {
    for (const bad of [null, 'daemon.status', 42, [], {}, { method: '' }, { method: 7 }, { method: 'a', extra: 1 }, { method: 'x'.repeat(300) }]) {
      const r = parseIpcPayload(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.envelope).toMatchObject({ error: { code: ErrorCode.InvalidRequest } });
    }
  });

  it('builds result and error envelopes that survive structured cloning', () => {
    expect(resultEnvelope({ a: 1 })).toEqual({ result: { a: 1 } });
    expect(errorEnvelope({ code: 1004, message: 'no rule' })).toEqual({ error: { code: 1004, message: 'no rule' } });
    const withData = errorEnvelope({ code: 1008, message: 'unknown key', data: { host: 'h' } });
    expect(structuredClone(withData)).toEqual({ error: { code: 1008, message: 'unknown key', data: { host: 'h' } } });
  });
});
