// Credential prompts: when the engine needs something only the user has (an MFA code for an
// assume-role profile, a browser sign-in for an SSO session) it emits `event.prompt` and waits for
// whichever face answers first (the window, the CLI that is waiting on a call, `warren aws answer`).
// `prompt.list` exists because a window opened after the event still has to see the question.
import { z } from 'zod';
import { awsProfileSchema } from './models.js';

export const promptKindSchema = z.enum(['mfa', 'sso']);
export type PromptKind = z.infer<typeof promptKindSchema>;

/** open: waiting; the others are final (the prompt is gone from prompt.list). */
export const promptStatusSchema = z.enum(['open', 'answered', 'cancelled', 'timed_out']);
export type PromptStatus = z.infer<typeof promptStatusSchema>;

export const promptIdSchema = z.string().min(1).max(128);

export const promptInfoSchema = z.object({
  id: z.string(),
  kind: promptKindSchema,
  /** The AWS profile whose credentials need it. */
  profile: z.string(),
  /** mfa: the device (ARN or serial number) whose current code is asked for. */
  mfa_serial: z.string().optional(),
  /** sso: where to sign in, and the code the page shows (the user checks they match). */
  verification_uri: z.string().optional(),
  /** sso: the same page with the code filled in. */
  verification_uri_complete: z.string().optional(),
  user_code: z.string().optional(),
  /** When the prompt stops waiting (ISO 8601). */
  expires_at: z.string(),
  /** One line to show as is. */
  message: z.string(),
});
export type PromptInfo = z.infer<typeof promptInfoSchema>;

/** Notification `event.prompt`: a prompt opened (status open) or ended (any other status). */
export const promptEventSchema = promptInfoSchema.extend({ status: promptStatusSchema });
export type PromptEvent = z.infer<typeof promptEventSchema>;

/** An MFA code is six digits; an SSO prompt is only acknowledged. */
export const MFA_CODE_PATTERN = /^\d{6}$/;
export const SSO_DONE_ANSWER = 'done';

export const promptMethods = {
  'prompt.list': {
    params: z.object({}).strict(),
    result: z.object({ prompts: z.array(promptInfoSchema) }),
    doc: 'Credential prompts waiting for an answer (MFA codes, SSO sign-ins)',
  },
  'prompt.answer': {
    // The value is a one-time code: bounded, and never echoed back in errors or logs.
    params: z.object({ id: promptIdSchema, value: z.string().max(256) }).strict(),
    result: z.object({ id: z.string(), status: z.literal('answered') }),
    doc: 'Answer a prompt: the MFA code (6 digits), or "done" for an SSO sign-in',
  },
  'prompt.cancel': {
    params: z.object({ id: promptIdSchema }).strict(),
    result: z.object({ id: z.string(), status: z.literal('cancelled') }),
    doc: 'Refuse a prompt: the call that needed it fails with "cancelled"',
  },
  'aws.sso_login': {
    params: z.object({ profile: awsProfileSchema.optional() }).strict(),
    result: z.object({
      profile: z.string(),
      /** The [sso-session] the token belongs to; absent for a legacy profile (sso_start_url only). */
      sso_session: z.string().optional(),
      start_url: z.string(),
      /** When the new access token expires (ISO 8601). */
      expires_at: z.string(),
      /** Where the token was cached, as the AWS SDKs and CLI read it. */
      cache_file: z.string(),
    }),
    doc: 'Sign in to AWS IAM Identity Center (SSO) for a profile: device authorization, shown as an sso prompt; the token is cached where the AWS SDKs and CLI read it',
  },
} as const;
