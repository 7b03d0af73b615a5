import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as efs from './index.js';

const here = fileURLToPath(new URL('.', import.meta.url));

describe('src-shared/efs', () => {
  it('depends on nothing but zod, so a Fargate task can import it anywhere', () => {
    const sources = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources).toContain('index.ts');
    for (const file of sources) {
      const imports = [...readFileSync(`${here}/${file}`, 'utf8').matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
      for (const spec of imports) expect(spec === 'zod' || /^\.\/[a-z-]+\.js$/.test(spec), `${file} imports ${spec}`).toBe(true);
    }
  });

  it('exports the pieces a task needs end to end: decode, mount, fall back, route', () => {
    const targets = efs.decodeMountTargetParameter(
      '{"mount_targets":[{"mount_target_id":"fsmt-12345678","ip_address":"10.0.1.100","availability_zone":"ap-northeast-1a","subnet_id":"subnet-12345678"},' +
        '{"mount_target_id":"fsmt-87654321","ip_address":"10.0.2.100","availability_zone":"ap-northeast-1c","subnet_id":"subnet-87654321"}]}',
    );
    const commands = efs.mountCommands(targets);
    const attempts = commands.map((c) => ({ index: c.index, mount_target_id: c.mount_target_id, ok: c.index === 1, error: c.index === 1 ? undefined : 'timeout' }));
    const router = efs.createRouter(efs.chooseMounts(attempts).usable);
    expect(efs.resolvePath('/reports/2025/06.csv', router)).toBe('/mnt/efs-1/reports/2025/06.csv');
  });
});
