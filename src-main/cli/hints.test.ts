import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src-shared/api/index.js';
import { hintFor } from './hints.js';

describe('hintFor', () => {
  it('tells how to trust an unknown host key, with the fingerprint', () => {
    const hint = hintFor({ code: ErrorCode.HostKeyUnknown, data: { host: 'prod', key_type: 'ssh-ed25519', fingerprint: 'SHA256:abc' } });
    expect(hint).toBe('the server offered ssh-ed25519 key SHA256:abc; run `warren host trust prod` after checking the fingerprint');
  });

  it('falls back to the command subject when the error carries no data', () => {
    expect(hintFor({ code: ErrorCode.PassphraseRequired, data: undefined }, { host: 'box' })).toBe('run `warren host unlock box` to give the passphrase');
    expect(hintFor({ code: ErrorCode.RuleAlreadyExists, data: undefined }, { name: 'web' })).toContain('warren forward delete web');
  });

  it('points a refused door at the CLI, and a reached limit at waiting or splitting', () => {
    expect(hintFor({ code: ErrorCode.NotAllowedFromThisDoor, data: undefined })).toContain('warren config set');
    expect(hintFor({ code: ErrorCode.LimitExceeded, data: undefined })).toContain('split a batch');
  });

  it('has nothing to add for errors without a next step', () => {
    expect(hintFor({ code: ErrorCode.InternalError, data: undefined })).toBeUndefined();
    expect(hintFor({ code: ErrorCode.ConnectionFailed, data: undefined })).toBeUndefined();
  });
});
