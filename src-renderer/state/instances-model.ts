// The Instances view as plain data: which profile/region to ask (ec2.instances), how an instance's
// state and SSM agent read, and the "Connect…" form checked with the contract's own schema.
import { z } from 'zod';
import { awsProfileSchema, awsRegionSchema, ec2ConnectParamsSchema, type Ec2ConnectParams, type Ec2Instance } from '../../src-shared/api/index.js';
import type { Tone } from './routers-model.js';

/** Where to look: both optional (the daemon's default profile and region then). */
export interface AwsTargetValues {
  profile: string;
  region: string;
}
export type AwsTarget = { profile?: string; region?: string };

export function validateTarget(values: AwsTargetValues): { ok: true; target: AwsTarget } | { ok: false; errors: Partial<Record<keyof AwsTargetValues, string>> } {
  const profile = values.profile.trim();
  const region = values.region.trim();
  const errors: Partial<Record<keyof AwsTargetValues, string>> = {};
  if (profile) {
    const r = awsProfileSchema.safeParse(profile);
    if (!r.success) errors.profile = r.error.issues[0]?.message ?? 'invalid profile';
  }
  if (region) {
    const r = awsRegionSchema.safeParse(region);
    if (!r.success) errors.region = r.error.issues[0]?.message ?? 'invalid region';
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, target: { ...(profile ? { profile } : {}), ...(region ? { region } : {}) } };
}

/** Instances by Name tag, then id; unnamed ones last. */
export function sortInstances(instances: Ec2Instance[]): Ec2Instance[] {
  return [...instances].sort((a, b) => {
    if (!!a.name !== !!b.name) return a.name ? -1 : 1;
    return (a.name ?? '').localeCompare(b.name ?? '') || a.instance_id.localeCompare(b.instance_id);
  });
}

export function instanceStateTone(state: string): Tone {
  if (state === 'running') return 'ok';
  if (state === 'pending' || state === 'stopping' || state === 'shutting-down') return 'warn';
  return state === 'stopped' ? 'muted' : 'bad';
}

/** The SSM agent's PingStatus; absent: the instance is not managed by SSM. */
export function pingTone(ping: string | undefined): Tone {
  if (ping === 'Online') return 'ok';
  if (ping === undefined) return 'bad';
  return ping === 'ConnectionLost' ? 'warn' : 'bad';
}
export function pingText(ping: string | undefined): string {
  return ping ?? 'not managed';
}

export interface ConnectFormValues {
  local_port: string;
  remote_port: string;
  remote_host: string;
  name: string;
}
export type ConnectField = keyof ConnectFormValues;
export type ConnectErrors = Partial<Record<ConnectField, string>>;

export function emptyConnectForm(): ConnectFormValues {
  return { local_port: '', remote_port: '', remote_host: '', name: '' };
}

function port(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^\d+$/.test(t) ? Number(t) : Number.NaN;
}

/** The params ec2.connect takes for this instance, or the errors per field. */
export function validateConnect(
  instanceId: string,
  target: AwsTarget,
  values: ConnectFormValues,
): { ok: true; params: Ec2ConnectParams } | { ok: false; errors: ConnectErrors } {
  const raw = {
    instance_id: instanceId,
    local_port: port(values.local_port),
    remote_port: port(values.remote_port),
    ...(values.remote_host.trim() ? { remote_host: values.remote_host.trim() } : {}),
    ...(values.name.trim() ? { name: values.name.trim() } : {}),
    ...target,
  };
  const r = ec2ConnectParamsSchema.safeParse(raw);
  if (r.success) return { ok: true, params: raw as Ec2ConnectParams };
  return { ok: false, errors: fieldErrors(r.error) };
}

function fieldErrors(error: z.ZodError): ConnectErrors {
  const errors: ConnectErrors = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (field !== 'local_port' && field !== 'remote_port' && field !== 'remote_host' && field !== 'name') continue;
    const missing = /received undefined|expected number, received nan|Required/i.test(issue.message);
    errors[field] ??= (field === 'local_port' || field === 'remote_port') && missing ? 'a port is a whole number 1–65535' : issue.message;
  }
  return errors;
}
