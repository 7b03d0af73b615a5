// The SSM parameter that tells Fargate tasks which EFS mount targets exist, exactly in the design's
// format: {"mount_targets":[{"mount_target_id","ip_address","availability_zone","subnet_id"}]}.
// The Lambda writes it (encode) and every task reads it at start (decode), so both sides share this
// one schema. Encoding is canonical — sorted, fixed key order, no spaces — so equal sets of mount
// targets give byte-equal parameters and an unchanged list is never rewritten as a "change".
import { z } from 'zod';

// The patterns the EFS and EC2 APIs document for these ids (8 hex digits for old ids, 17 for new).
const MOUNT_TARGET_ID = /^fsmt-[0-9a-f]{8,40}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,40}$/;
// "ap-northeast-1a", "us-gov-west-1b", and Local Zones such as "us-west-2-lax-1a".
const AVAILABILITY_ZONE = /^[a-z]{2}(?:-[a-z0-9]+)+$/;

/** A value for an error message: as JSON, cut short so a wrong document does not flood the log. */
const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};
/** One message for a wrong value and for a missing one (zod's default names only the type). */
const expected = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? `missing: expected ${what}` : `expected ${what}, got ${show(issue.input)}`),
});
const idText = (what: string, pattern: RegExp) => z.string(expected(what)).regex(pattern, expected(what));

export const mountTargetIdSchema = idText('a mount target id like "fsmt-12345678"', MOUNT_TARGET_ID);
export const subnetIdSchema = idText('a subnet id like "subnet-12345678"', SUBNET_ID);
export const availabilityZoneSchema = idText('an availability zone name like "ap-northeast-1a"', AVAILABILITY_ZONE);
// zod's IPv4 refuses leading zeros ("010.0.0.1"), which some tools would read as octal.
export const ipv4Schema = z.ipv4(expected('an IPv4 address like "10.0.1.100"'));

// Objects are not strict: a newer writer may add a key (say "lifecycle_state") without stopping
// older tasks from starting. A misspelt key still fails, because then a required one is missing.
export const mountTargetSchema = z.object(
  {
    mount_target_id: mountTargetIdSchema,
    ip_address: ipv4Schema,
    availability_zone: availabilityZoneSchema,
    subnet_id: subnetIdSchema,
  },
  expected('a mount target object'),
);
export type MountTarget = z.infer<typeof mountTargetSchema>;

export const mountTargetParameterSchema = z
  .object(
    {
      // Empty is refused: a task given no mount target has nothing to start with, and saying so
      // here is clearer than the "nothing could be mounted" that would follow.
      mount_targets: z
        .array(mountTargetSchema, expected('a list of mount targets'))
        .min(1, { error: 'mount_targets is empty: a task would have nothing to mount' }),
    },
    expected('an object with a "mount_targets" list'),
  )
  .superRefine((param, ctx) => {
    // EFS allows one mount target per availability zone, and ids are unique; a list that breaks
    // either is stale or hand-edited, and routing over it would be wrong.
    const seen = { id: new Map<string, number>(), az: new Map<string, number>(), ip: new Map<string, number>() };
    param.mount_targets.forEach((mt, i) => {
      const checks: [Map<string, number>, string, keyof MountTarget][] = [
        [seen.id, mt.mount_target_id, 'mount_target_id'],
        [seen.az, mt.availability_zone, 'availability_zone'],
        [seen.ip, mt.ip_address, 'ip_address'],
      ];
      for (const [map, value, key] of checks) {
        const first = map.get(value);
        if (first === undefined) map.set(value, i);
        else ctx.addIssue({ code: 'custom', path: ['mount_targets', i, key], message: `${key} ${JSON.stringify(value)} is also mount_targets[${first}]'s` });
      }
    });
  });
export type MountTargetParameter = z.infer<typeof mountTargetParameterSchema>;

/** Thrown for a parameter that is not the expected JSON; the message names the field and the problem. */
export class MountTargetParameterError extends Error {
  override readonly name = 'MountTargetParameterError';
}

/** Code-unit order, not localeCompare: the same in every locale and every runtime. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The canonical order: by availability zone, then id (ids are unique, so the order is total). */
export function sortMountTargets(list: readonly MountTarget[]): MountTarget[] {
  return [...list].sort((a, b) => byText(a.availability_zone, b.availability_zone) || byText(a.mount_target_id, b.mount_target_id));
}

/** Only the design's keys, in the design's order (JSON.stringify keeps insertion order). */
const canonical = (mt: MountTarget): MountTarget => ({
  mount_target_id: mt.mount_target_id,
  ip_address: mt.ip_address,
  availability_zone: mt.availability_zone,
  subnet_id: mt.subnet_id,
});

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      return where === '' ? issue.message : `${where}: ${issue.message}`;
    })
    .join('; ');
}

function parse(value: unknown): MountTarget[] {
  const result = mountTargetParameterSchema.safeParse(value);
  if (!result.success) throw new MountTargetParameterError(`invalid mount target parameter: ${describeIssues(result.error)}`);
  return result.data.mount_targets;
}

/**
 * The parameter's JSON text for a list of mount targets: sorted canonically, keys in the design's
 * order, unknown keys dropped. Throws MountTargetParameterError for a list decode would refuse, so
 * nothing unreadable is ever written.
 */
export function encodeMountTargetParameter(list: readonly MountTarget[]): string {
  const valid = parse({ mount_targets: list });
  return JSON.stringify({ mount_targets: sortMountTargets(valid).map(canonical) });
}

/** SSM's advanced tier holds 8 KB; eight times that leaves room for any encoding, and no more. */
const MAX_PARAMETER_CHARS = 64 * 1024;

/**
 * The mount targets in the parameter's text, in the order written (encode writes them sorted; the
 * position is the task's mount point number, /mnt/efs-N). Throws MountTargetParameterError naming
 * what is wrong; the design's answer to that is to start with the task's default list.
 */
export function decodeMountTargetParameter(text: string): MountTarget[] {
  let value: unknown;
  try {
    // Whatever is stored in SSM (an advanced parameter holds at most 8 KB). Sized here rather than
    // with src-shared/logic/parse-limits.ts: this folder depends on zod alone. V8's JSON.parse does
    // not recurse, and 64 KB of nesting cannot go deeper than zod's schema looks.
    if (text.length > MAX_PARAMETER_CHARS)
      throw new MountTargetParameterError(`invalid mount target parameter: ${text.length} characters, more than the ${MAX_PARAMETER_CHARS} a parameter can hold`);
    value = JSON.parse(text);
  } catch (e) {
    if (e instanceof MountTargetParameterError) throw e;
    throw new MountTargetParameterError(`invalid mount target parameter: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return parse(value).map(canonical);
}
