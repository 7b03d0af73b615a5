// Browser mode: the door's URL carries the token in the hash (#token=…), which never reaches a
// server log. We move it to sessionStorage and strip it from the address bar, so it is not
// bookmarked, shared in a screenshot or kept in history, yet survives a reload of this tab.
export const TOKEN_STORAGE_KEY = 'warren.token';

export interface TokenEnv {
  location: { hash: string; pathname: string; search: string };
  replaceUrl(url: string): void;
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

export function takeBrowserToken(env: TokenEnv): string | undefined {
  const fromHash = new URLSearchParams(env.location.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    env.storage.setItem(TOKEN_STORAGE_KEY, fromHash);
    env.replaceUrl(env.location.pathname + env.location.search);
    return fromHash;
  }
  return env.storage.getItem(TOKEN_STORAGE_KEY) ?? undefined;
}
