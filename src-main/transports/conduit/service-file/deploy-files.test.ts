// deploy/ cannot be run here (no Docker, no cluster), so this checks what can be checked: the
// files parse, fit together, and carry what the README promises.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { validateRouterConfig } from '../../../../src-shared/api/conduit-config.js';
import { loadRouterConfig } from '../../../router/config/router-config.js';
import { configErrorLines } from '../config/config-error.js';
import { serviceFile } from './service-file.js';

const deploy = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../deploy');
const read = (rel: string) => fs.readFileSync(path.join(deploy, rel), 'utf8');
type Obj = Record<string, unknown>;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-deploy-'));
  dirs.push(dir);
  return dir;
}

/** A single-document manifest as plain data. */
const k8s = (name: string): Obj => parse(read(`kubernetes/${name}`)) as Obj;
/** Walk a parsed manifest by keys and array indexes. */
function at(obj: unknown, ...keys: Array<string | number>): unknown {
  return keys.reduce<unknown>((o, k) => (o as Record<string | number, unknown> | undefined)?.[k], obj);
}

describe('deploy/kubernetes', () => {
  const files = fs.readdirSync(path.join(deploy, 'kubernetes')).filter((f) => /\.ya?ml$/.test(f));

  it('holds the five manifests', () => {
    expect(files.sort()).toEqual(['configmap.yaml', 'deployment.yaml', 'kustomization.yaml', 'secret.yaml', 'service.yaml']);
  });

  it.each(files)('%s parses and names its apiVersion, kind and metadata.name, in no namespace', (file) => {
    const docs = parseAllDocuments(read(`kubernetes/${file}`));
    if (!Array.isArray(docs)) throw new Error(`${file} holds no YAML document`);
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      expect(doc.errors).toEqual([]);
      const m = doc.toJS() as Obj;
      expect(typeof m['apiVersion']).toBe('string');
      expect(typeof m['kind']).toBe('string');
      expect(typeof at(m, 'metadata', 'name')).toBe('string');
      expect(at(m, 'metadata', 'namespace')).toBeUndefined();
    }
  });

  it('the kustomization lists every manifest', () => {
    expect([...(at(k8s('kustomization.yaml'), 'resources') as string[])].sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml').sort());
  });

  it('the Deployment runs one non-root, read-only pod probed on /api/v1/health, wired to the ConfigMap and Secret', () => {
    const d = k8s('deployment.yaml');
    const pod = at(d, 'spec', 'template', 'spec') as Obj;
    const c = at(pod, 'containers', 0) as Obj;
    expect(at(d, 'spec', 'replicas')).toBe(1);
    expect(at(pod, 'securityContext', 'runAsNonRoot')).toBe(true);
    expect(at(c, 'securityContext', 'readOnlyRootFilesystem')).toBe(true);
    expect(at(c, 'args')).toEqual(['--bind', '0.0.0.0:9999', '--config', '/etc/warren/router.toml']);
    const ports = Object.fromEntries((c['ports'] as Obj[]).map((p) => [p['name'], p['containerPort']]));
    expect(ports).toEqual({ tunnel: 9999, api: 9998 });
    for (const probe of ['readinessProbe', 'livenessProbe']) expect(at(c, probe, 'httpGet')).toEqual({ path: '/api/v1/health', port: 'api' });
    expect(at(c, 'resources', 'limits', 'memory')).toBeDefined();

    const secret = k8s('secret.yaml');
    const token = (c['env'] as Obj[]).find((e) => e['name'] === 'CONDUIT_API_TOKEN');
    expect(at(token, 'valueFrom', 'secretKeyRef')).toEqual({ name: at(secret, 'metadata', 'name'), key: 'api-token' });
    expect(Object.keys(at(secret, 'stringData') as Obj).sort()).toEqual(['api-token', 'router.key']);

    const volumes = Object.fromEntries((pod['volumes'] as Obj[]).map((v) => [v['name'], v]));
    const mounts = Object.fromEntries((c['volumeMounts'] as Obj[]).map((m) => [m['mountPath'], m['name']]));
    expect(at(volumes[mounts['/var/lib/warren'] as string], 'emptyDir')).toEqual({});
    expect((c['env'] as Obj[]).find((e) => e['name'] === 'WARREN_HOME')?.['value']).toBe('/var/lib/warren');
    expect(at(volumes[mounts['/etc/warren/router.toml'] as string], 'configMap', 'name')).toBe(at(k8s('configmap.yaml'), 'metadata', 'name'));
    expect(at(volumes[mounts['/etc/warren/keys'] as string], 'secret', 'secretName')).toBe(at(secret, 'metadata', 'name'));
  });

  it('the Service exposes the tunnel port of the Deployment', () => {
    const s = k8s('service.yaml');
    expect(at(s, 'spec', 'ports', 0)).toMatchObject({ port: 9999, targetPort: 'tunnel' });
    expect(at(s, 'spec', 'selector')).toEqual(at(k8s('deployment.yaml'), 'spec', 'selector', 'matchLabels'));
  });

  it("the ConfigMap's router.toml passes the router schema with the Secret's token, and not without it", async () => {
    const toml = at(k8s('configmap.yaml'), 'data', 'router.toml') as string;
    const file = path.join(tempDir(), 'router.toml');
    fs.writeFileSync(file, toml);
    const env = { CONDUIT_API_TOKEN: 'a'.repeat(64) };
    const config = await loadRouterConfig(file, { env, cliBind: '0.0.0.0:9999' });
    expect(config.api).toMatchObject({ bind: '0.0.0.0:9998', enabled: true });
    expect(config.security.private_key_path).toBe('/etc/warren/keys/router.key');
    expect(config.authorized_clients[0]?.allow).toContain('web');
    let lines: string[] | undefined;
    try {
      await loadRouterConfig(file, { env: {} });
    } catch (e) {
      lines = configErrorLines(e);
    }
    expect(lines?.[0]).toMatch(/api\.token: required/);
  });

  it("the Secret's placeholder token is refused, so a forgotten placeholder cannot go live", () => {
    const placeholder = at(k8s('secret.yaml'), 'stringData', 'api-token') as string;
    const r = validateRouterConfig({ api: { bind: '0.0.0.0:9998', token: placeholder } });
    expect(r.ok).toBe(false);
  });
});

describe('deploy/systemd', () => {
  const host = { warrenPath: '/usr/local/bin/warren', user: 'warren' };
  const units = {
    'warren-conduit-router.service': serviceFile('systemd', { mode: 'router', bind: '0.0.0.0:9999', configPath: '/etc/warren/router.toml' }, host),
    'warren-conduit-up.service': serviceFile('systemd', { mode: 'up', configPath: '/etc/warren/conduit.toml' }, host),
  };

  it.each(Object.entries(units))('%s is what the generator emits', (name, generated) => {
    expect(read(`systemd/${name}`)).toBe(generated);
  });

  it.for(Object.keys(units))('%s passes systemd-analyze verify', (name, ctx) => {
    if (spawnSync('sh', ['-c', 'command -v systemd-analyze'], { timeout: 5000 }).status !== 0) {
      console.log('skipped: systemd-analyze is not installed');
      ctx.skip();
    }
    // verify insists that ExecStart's program exists; warren is not installed here, /bin/true is.
    const file = path.join(tempDir(), name);
    fs.writeFileSync(file, read(`systemd/${name}`).replace(/^ExecStart=\S+/m, 'ExecStart=/bin/true'));
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', timeout: 20_000 });
    expect({ status: r.status, stderr: r.stderr.trim() }).toEqual({ status: 0, stderr: '' });
  });
});

describe('deploy/docker', () => {
  const dockerfile = read('docker/Dockerfile.router');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const all = (word: string) => instructions.filter((l) => l.startsWith(`${word} `));

  it('builds in one stage and runs in another, as a non-root user', () => {
    expect(all('FROM')).toEqual(['FROM node:20-bookworm AS builder', 'FROM node:20-bookworm-slim']);
    const user = all('USER').at(-1)?.split(/\s+/)[1]?.split(':')[0];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(dockerfile).toMatch(/RUN npm ci/);
    expect(dockerfile).toMatch(/npm run build:main && npm prune --omit=dev/);
  });

  it('starts the router, exposes 9999 and checks /api/v1/health', () => {
    expect(all('EXPOSE')).toEqual(['EXPOSE 9999']);
    expect(all('ENTRYPOINT')).toEqual(['ENTRYPOINT ["node", "dist/src-main/cli/warren.js", "conduit", "router"]']);
    expect(all('CMD')).toEqual(['CMD ["--bind", "0.0.0.0:9999", "--config", "/etc/warren/router.toml"]']);
    expect(all('HEALTHCHECK')[0]).toContain('http://127.0.0.1:9998/api/v1/health');
    expect(dockerfile).toMatch(/ENV NODE_ENV=production\s+\\\s+WARREN_HOME=\/var\/lib\/warren/);
    // The entry point is what tsc emits for the CLI.
    expect(fs.existsSync(path.join(deploy, '..', 'src-main', 'cli', 'warren.ts'))).toBe(true);
  });

  it('has a .dockerignore that keeps node_modules and dist out and says how to use it', () => {
    const ignore = read('docker/.dockerignore');
    expect(ignore).toMatch(/^node_modules$/m);
    expect(ignore).toMatch(/^dist$/m);
    expect(ignore).toMatch(/^# .*cp deploy\/docker\/\.dockerignore \.dockerignore/m);
  });
});
