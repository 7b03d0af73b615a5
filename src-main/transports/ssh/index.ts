// The SSH transport's public face for app-start and the engine.
export { createSshTransport, jumpChain, type SshTransport, type SshTransportOptions, type TransportLog } from './ssh-transport.js';
export { createSshHostDirectory, type SshHostDirectoryOptions } from './ssh-host-directory.js';
export { SshConfigResolver, hostSummary, type ResolvedHost } from './ssh-config.js';
export { KnownHosts, appendKnownHost, fingerprint, keyTypeOf, knownHostName, type HostKeyStatus } from './known-hosts.js';
export type { PassphraseCache } from './ssh-identities.js';
