import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { WarrenClient } from '../../src-shared/api/index.js';
import { PromptDialog } from './aws-prompt-modal.js';

const client = { call: () => Promise.reject(new Error('not called')), on: () => () => undefined } as unknown as WarrenClient;

describe('PromptDialog', () => {
  it('asks for an MFA code, naming the profile and device', () => {
    const html = renderToStaticMarkup(
      <PromptDialog client={client} more="" prompt={{ id: 'mfa-1', kind: 'mfa', profile: 'admin', mfa_serial: 'arn:aws:iam::1:mfa/alice', expires_at: '2030-01-01T00:00:00Z', message: 'x' }} />,
    );
    expect(html).toContain('MFA code required');
    expect(html).toContain('<b>admin</b>');
    expect(html).toContain('arn:aws:iam::1:mfa/alice');
    expect(html).toContain('data-testid="aws-prompt-code"');
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*data-testid="aws-prompt-submit"/);
  });

  it('shows the SSO page and code to check, with a way to say it is approved', () => {
    const html = renderToStaticMarkup(
      <PromptDialog
        client={client}
        more=" (1 of 2)"
        prompt={{ id: 'sso-1', kind: 'sso', profile: 'dev', verification_uri: 'https://device.sso/', verification_uri_complete: 'https://device.sso/?user_code=ABCD-EFGH', user_code: 'ABCD-EFGH', expires_at: '2030-01-01T00:00:00Z', message: 'x' }}
      />,
    );
    expect(html).toContain('AWS sign-in required (1 of 2)');
    expect(html).toContain('href="https://device.sso/?user_code=ABCD-EFGH"');
    expect(html).toContain('data-testid="aws-prompt-user-code">ABCD-EFGH<');
    expect(html).toContain('data-testid="aws-prompt-done"');
  });
});
