// warren config get|set|show|validate|import
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { CliError } from '../cli-error.js';
import { buildConfigUpdate, getConfigValue } from '../config-keys.js';
import { validateMolePortConfig } from '../config-validate.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { withJson, type JsonFlag } from './shared.js';
import { CONFIG_DOCUMENT_LIMITS, ParseLimitError } from '../../../src-shared/logic/parse-limits.js';
import { readTextFileBounded } from '../../parse/bounded-file.js';

/** At most the config size limit is read: `warren config import /dev/zero` ends with an error. */
async function readFileOrFail(file: string): Promise<string> {
  try {
    return await readTextFileBounded(file, CONFIG_DOCUMENT_LIMITS.maxBytes, file);
  } catch (e) {
    if (e instanceof ParseLimitError) throw new CliError(e.message, ExitCode.Config);
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`, ExitCode.Config);
  }
}

export function registerConfig(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('settings, and MolePort config.yaml import');

  withJson(config.command('get <key>').description('one setting, by dotted key (e.g. reconnect.max_retries)')).action(
    async (key: string, flags: JsonFlag) => {
      const info = await ctx.withClient((c) => c.call('config.get'));
      const value = getConfigValue(info, key);
      if (flags.json) return ctx.json(value);
      ctx.out(typeof value === 'object' && value !== null ? stringify(value).trimEnd() : String(value));
    },
  );

  withJson(config.command('set <key> <value>').description('change one setting (typed by key)')).action(
    async (key: string, value: string, flags: JsonFlag) => {
      const update = buildConfigUpdate(key, value);
      const r = await ctx.withClient((c) => c.call('config.update', update));
      if (flags.json) return ctx.json(r);
      ctx.out(`${key} = ${value}`);
    },
  );

  withJson(config.command('show').description('every setting')).action(async (flags: JsonFlag) => {
    const info = await ctx.withClient((c) => c.call('config.get'));
    if (flags.json) return ctx.json(info);
    ctx.out(stringify(info).trimEnd());
  });

  withJson(config.command('validate <file>').description('check a MolePort config.yaml without importing it (exit 2 on problems)')).action(
    async (file: string, flags: JsonFlag) => {
      const report = validateMolePortConfig(await readFileOrFail(file));
      if (report.problems.length) ctx.exitCode = ExitCode.Config;
      if (flags.json) return ctx.json({ file, ok: report.problems.length === 0, ...report });
      for (const p of report.problems) ctx.out(`problem: ${p}`);
      for (const w of report.warnings) ctx.out(`warning: ${w}`);
      ctx.out(
        report.problems.length
          ? `${file}: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}`
          : `${file}: ok (${report.forwardCount} forward${report.forwardCount === 1 ? '' : 's'})`,
      );
    },
  );

  withJson(config.command('import <file>').description('import settings and forwards from a MolePort config.yaml')).action(
    async (file: string, flags: JsonFlag) => {
      const yaml = await readFileOrFail(file);
      const r = await ctx.withClient((c) => c.call('config.import', { yaml }));
      if (flags.json) return ctx.json(r);
      ctx.out(`imported ${r.imported.length} forward${r.imported.length === 1 ? '' : 's'}${r.imported.length ? `: ${r.imported.join(', ')}` : ''}`);
      for (const s of r.skipped) ctx.out(`skipped ${s.name}: ${s.reason}`);
    },
  );
}
