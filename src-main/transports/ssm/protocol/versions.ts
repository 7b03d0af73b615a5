// Version gates. Each end learns the other's version only from the handshake (AgentVersion in the
// HandshakeRequest, ClientVersion in the HandshakeResponse) and picks basic vs mux mode and smux
// keepalive from it (notes §4, §6). Both ends must land on the same answers, so each gate compares
// the way the reference side that owns it does:
//   - client gates (on AgentVersion), as session-manager-plugin: both versions split on ".", the
//     part counts must match (a mismatch means "not greater"), parts compared as integers;
//   - agent gates (on ClientVersion), as amazon-ssm-agent's versionutil: parts compared as integers,
//     and when one is a prefix of the other the shorter is the lesser.
// Anything unparsable gives the conservative answer (basic mode, keepalive on) and never throws.

export const LOCAL_PORT_FORWARDING = 'LocalPortForwarding';

/** Agents newer than this (strictly) multiplex port sessions with smux. */
export const MUX_AFTER_AGENT_VERSION = '3.0.196.0';
/** Agents newer than this run smux with keepalive off, so the client turns it off too. */
export const KEEPALIVE_OFF_AFTER_AGENT_VERSION = '3.1.1511.0';
/** Clients newer than this get an agent whose smux keepalive is off. */
export const KEEPALIVE_OFF_AFTER_CLIENT_VERSION = '1.2.331.0';
/** Clients at or above this get a multiplexing agent. */
export const MUX_FROM_CLIENT_VERSION = '1.1.70';

/**
 * The ClientVersion Warren reports. Agents gate on it, so it must look like a real plugin build:
 * - ≥ 1.1.70, or the agent stays in basic mode (one TCP connection at a time);
 * - > 1.2.331.0, or the agent keeps smux keepalive on while we (facing any agent > 3.1.1511.0)
 *   turn ours off, and the agent then closes every session idle for ~30 s (plugin #93, agent #450);
 * - four numeric parts, the format every released plugin has used.
 * 1.2.694.0 (Nov 2024, widely deployed) is a real release whose OpenDataChannelInput looks like
 * ours: ClientVersion in it (since 1.2.677.0) and no credentials (added in 1.2.688.0, rolled back in
 * 1.2.694.0), so nothing we send contradicts the version we claim.
 */
export const WARREN_CLIENT_VERSION = '1.2.694.0';

const PART_RE = /^\d{1,15}$/;

/** Dot-separated non-negative integers ("3.1.1511.0" → [3, 1, 1511, 0]); undefined if anything else. */
export function parseVersion(v: string | null | undefined): number[] | undefined {
  if (typeof v !== 'string' || v.length === 0) return undefined;
  const parts = v.split('.');
  if (!parts.every((p) => PART_RE.test(p))) return undefined;
  return parts.map(Number);
}

/**
 * Plugin-style comparison: -1, 0 or 1, or undefined when either side does not parse or the two
 * have different part counts (the plugin then answers "not greater").
 */
export function compareSameLength(a: string | null | undefined, b: string | null | undefined): -1 | 0 | 1 | undefined {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y || x.length !== y.length) return undefined;
  return comparePrefix(x, y);
}

/** Agent-style comparison: component-wise, then the version with fewer parts is the lesser. */
export function compareAnyLength(a: string | null | undefined, b: string | null | undefined): -1 | 0 | 1 | undefined {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return undefined;
  const c = comparePrefix(x, y);
  if (c !== 0) return c;
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

function comparePrefix(x: number[], y: number[]): -1 | 0 | 1 {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i]! !== y[i]!) return x[i]! < y[i]! ? -1 : 1;
  }
  return 0;
}

/** Client side: multiplex (smux) iff the document's type is LocalPortForwarding and the agent is > 3.0.196.0. */
export function useMux(propertiesType: string | null | undefined, agentVersion: string | null | undefined): boolean {
  return propertiesType === LOCAL_PORT_FORWARDING && compareSameLength(agentVersion, MUX_AFTER_AGENT_VERSION) === 1;
}

/** Client side: run smux without keepalive iff the agent is > 3.1.1511.0. */
export function clientDisablesKeepalive(agentVersion: string | null | undefined): boolean {
  return compareSameLength(agentVersion, KEEPALIVE_OFF_AFTER_AGENT_VERSION) === 1;
}

/** Agent side (for the emulator): smux keepalive off iff the client is > 1.2.331.0. */
export function agentDisablesKeepalive(clientVersion: string | null | undefined): boolean {
  return compareAnyLength(clientVersion, KEEPALIVE_OFF_AFTER_CLIENT_VERSION) === 1;
}

/** Agent side (for the emulator): multiplex iff type is LocalPortForwarding and the client is ≥ 1.1.70. */
export function agentUsesMux(clientVersion: string | null | undefined, propertiesType: string | null | undefined): boolean {
  const c = compareAnyLength(clientVersion, MUX_FROM_CLIENT_VERSION);
  return propertiesType === LOCAL_PORT_FORWARDING && (c === 0 || c === 1);
}
