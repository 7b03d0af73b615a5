import { describe, expect, it } from 'vitest';
import { TOKEN_STORAGE_KEY, takeBrowserToken, type TokenEnv } from './token.js';

function env(hash: string, stored?: string): TokenEnv & { url: string | undefined; store: Map<string, string> } {
  const store = new Map<string, string>(stored ? [[TOKEN_STORAGE_KEY, stored]] : []);
  const e = {
    url: undefined as string | undefined,
    store,
    location: { hash, pathname: '/', search: '?x=1' },
    replaceUrl(url: string) {
      e.url = url;
    },
    storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
  };
  return e;
}

describe('takeBrowserToken', () => {
  it('takes the token from the hash, keeps it for this tab and strips it from the address bar', () => {
    const e = env('#token=abc_-123');
    expect(takeBrowserToken(e)).toBe('abc_-123');
    expect(e.store.get(TOKEN_STORAGE_KEY)).toBe('abc_-123');
    expect(e.url).toBe('/?x=1');
  });
  it('falls back to the stored token after a reload', () => {
    const e = env('', 'kept');
    expect(takeBrowserToken(e)).toBe('kept');
    expect(e.url).toBeUndefined();
  });
  it('prefers a new token in the hash over a stale stored one', () => {
    expect(takeBrowserToken(env('#token=new', 'old'))).toBe('new');
  });
  it('returns undefined when there is none', () => {
    expect(takeBrowserToken(env('#other=1'))).toBeUndefined();
  });
});
