// Conduit identities: Ed25519 keys, their text forms and carrier certificates, key files with
// rotation, pinned routers, and the TLS options that put them to use.
export { fingerprint, formatPublicKey, isFingerprint, parsePin, parsePublicKey, publicKeyFromRaw, rawPublicKeyOf, ED25519_PUBLIC_KEY_BYTES, PUBLIC_KEY_PREFIX, type ParsedPublicKey } from './public-key-text.js';
export { makeSelfSignedCertificate, DEFAULT_CERTIFICATE_DAYS, type SelfSignedCertificateOptions } from './self-signed-certificate.js';
export { generateIdentity, identityFromPrivateKey, type ConduitIdentity } from './conduit-identity.js';
export {
  createKeyFile,
  dropPreviousKey,
  loadKeyFile,
  loadOrCreateKeyFile,
  loadPreviousKey,
  markAcknowledged,
  prevPathOf,
  pubPathOf,
  rotateKeyFile,
  KeyFileExistsError,
  type CreateKeyFileOptions,
  type LoadedConduitIdentity,
  type RotateKeyFileOptions,
} from './key-file.js';
export { keyMetaSchema, metaPathOf, readKeyMeta, type KeyMeta } from './key-meta.js';
export { keyAgeDays, rotationDue, DEFAULT_ROTATION_DAYS } from './key-age.js';
export { signRotationProof, verifyRotationProof } from './rotation-proof.js';
export { checkKnownRouter, forgetKnownRouter, normalizeRouterAddress, recordKnownRouter, routerAddress, type KnownRouterCheck, type KnownRouterStatus } from './known-routers.js';
export { clientTlsOptions, peerFingerprint, serverTlsOptions, tlsBindingBytes, CONDUIT_ALPN, ROTATION_EXPORTER_LABEL } from './tls-options.js';
