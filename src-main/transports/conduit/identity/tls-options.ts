// node:tls options for conduit: TLS 1.3 only, each side presenting its self-signed carrier
// certificate. Chain validation is off on purpose: there is no CA, trust comes from comparing the
// peer's key fingerprint with a pin (peerFingerprint), which the caller must always do.
import type { ConnectionOptions, TlsOptions, TLSSocket } from 'node:tls';
import type { ConduitIdentity } from './conduit-identity.js';
import { fingerprint, rawPublicKeyOf } from './public-key-text.js';

export const CONDUIT_ALPN = 'conduit/1';
export const ROTATION_EXPORTER_LABEL = 'EXPORTER-conduit-key-rotation';

type TlsIdentity = Pick<ConduitIdentity, 'keyPem' | 'certificatePem'>;

const common = {
  minVersion: 'TLSv1.3',
  maxVersion: 'TLSv1.3',
  ALPNProtocols: [CONDUIT_ALPN],
  rejectUnauthorized: false,
} as const;

export function clientTlsOptions(identity: TlsIdentity): ConnectionOptions {
  return {
    ...common,
    ALPNProtocols: [...common.ALPNProtocols],
    key: identity.keyPem,
    cert: identity.certificatePem,
    // Names in the certificate mean nothing here; the key pin is the check.
    checkServerIdentity: () => undefined,
  };
}

export function serverTlsOptions(identity: TlsIdentity): TlsOptions {
  return {
    ...common,
    ALPNProtocols: [...common.ALPNProtocols],
    key: identity.keyPem,
    cert: identity.certificatePem,
    // Ask for the client's key; a client without one still connects and is refused by pin checks.
    requestCert: true,
  };
}

/** The peer's key fingerprint, or undefined when it sent no certificate or a non-Ed25519 one. */
export function peerFingerprint(socket: TLSSocket): string | undefined {
  const cert = socket.getPeerX509Certificate();
  if (!cert) return undefined;
  try {
    return fingerprint(rawPublicKeyOf(cert));
  } catch {
    return undefined;
  }
}

/** 32 bytes both ends derive identically from this TLS session only (RFC 8446 §7.5 exporter). */
export function tlsBindingBytes(socket: TLSSocket): Buffer {
  // TLS 1.3 treats an empty context and no context alike (RFC 8446 §7.5); node's types want one.
  return socket.exportKeyingMaterial(32, ROTATION_EXPORTER_LABEL, Buffer.alloc(0));
}
