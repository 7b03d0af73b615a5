// config.import: a MolePort config.yaml's settings and forwards into Warren. Bad forwards are
// skipped with their reason; the rest are imported.
import type { ResultOf } from '../../src-shared/api/index.js';
import type { Engine } from '../core/engine.js';
import { errorMessage } from '../core/reconnect-policy.js';
import { defaultRuleName } from '../core/rule-registry.js';
import type { SettingsService } from '../core/settings-service.js';
import { importMolePortYaml } from '../store/moleport-import.js';

export function importMolePortConfig(yaml: string, engine: Engine, settings: SettingsService): ResultOf<'config.import'> {
  const parsed = importMolePortYaml(yaml);
  if (Object.keys(parsed.settings).length) settings.update(parsed.settings);
  const imported: string[] = [];
  const skipped = [...parsed.skipped];
  for (const rule of parsed.rules) {
    try {
      const added = engine.rules.add(rule);
      engine.emitRuleEvent('added', added.name, added.host);
      imported.push(added.name);
    } catch (e) {
      skipped.push({ name: rule.name ?? defaultRuleName(rule), reason: errorMessage(e) });
    }
  }
  return { imported, skipped };
}
