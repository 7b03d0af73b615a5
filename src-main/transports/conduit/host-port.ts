// "host:port" with IPv6 in brackets, as users write router, source and bind addresses.
export interface HostPort {
  host: string;
  port: number;
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Parses "host:port" / "[v6]:port"; throws an Error naming the input when it is not one. */
export function parseHostPort(text: string, what = 'address'): HostPort {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]\s]+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 1 && port <= 65535)) throw new Error(`${what} "${text}" is not host:port (e.g. 10.2.0.1:9999 or [::1]:9999)`);
  return { host: m[1]!, port };
}
