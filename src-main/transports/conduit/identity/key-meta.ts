// `<key>.meta.json`: when a conduit key was made and where its last rotation stands (which routers
// have learned the new key, so the previous one can be dropped once they all have).
import { z } from 'zod';
import { isFingerprint } from './public-key-text.js';
import { readIfExists, writePrivateFile } from '../../../fs/private-file.js';

const isoTime = z.iso.datetime({ offset: true });

export const keyMetaSchema = z.object({
  created_at: isoTime,
  rotated_at: isoTime.optional(),
  previous: z
    .object({
      fingerprint: z.string().refine(isFingerprint, 'not a SHA256:… fingerprint'),
      created_at: isoTime,
    })
    .optional(),
  /** Router addresses that have accepted the current key since the last rotation. */
  acknowledged_by: z.array(z.string()).default([]),
});
export type KeyMeta = z.infer<typeof keyMetaSchema>;

export const metaPathOf = (keyPath: string): string => `${keyPath}.meta.json`;

/** The key's meta, or undefined if the file does not exist. A broken file is an error that says how to fix it. */
export function readKeyMeta(keyPath: string): KeyMeta | undefined {
  const file = metaPathOf(keyPath);
  const text = readIfExists(file);
  if (text === undefined) return undefined;
  const fix = `fix it or delete it (the key itself is fine; deleting only loses its age and rotation record)`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); ${fix}`, { cause: e });
  }
  const parsed = keyMetaSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new Error(`${file} is not a conduit key record (${where}${issue?.message ?? 'invalid'}); ${fix}`);
  }
  return parsed.data;
}

export function writeKeyMeta(keyPath: string, meta: KeyMeta): void {
  writePrivateFile(metaPathOf(keyPath), `${JSON.stringify(keyMetaSchema.parse(meta), null, 2)}\n`);
}
