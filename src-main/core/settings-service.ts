// The settings in force: CLI flag > WARREN_<SECTION>_<KEY> env > stored > default, re-resolved after
// every config.update. Readers call get() each time, so a change applies to the next retry/probe.
import { ErrorCode, WarrenError, type ConfigInfo, type ConfigUpdateParams } from '../../src-shared/api/index.js';
import {
  applyConfigUpdate,
  defaultSettings,
  mergeSettingsPatch,
  resolveSettings,
  settingsProblem,
  type SettingsPatch,
} from '../../src-shared/domain/settings.js';

export interface SettingsStorePort {
  get(): SettingsPatch;
  put(patch: SettingsPatch): void;
}

export class SettingsService {
  private current: ConfigInfo;
  private readonly listeners = new Set<(s: ConfigInfo, before: ConfigInfo) => void>();
  readonly warnings: string[] = [];

  constructor(
    private readonly home: string,
    private readonly store: SettingsStorePort,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly flags: SettingsPatch = {},
  ) {
    this.current = this.resolve();
  }

  get(): ConfigInfo {
    return this.current;
  }

  /** Validate against the whole resulting settings, persist the patch, then re-resolve. */
  update(patch: ConfigUpdateParams): void {
    const candidate = applyConfigUpdate(this.current, patch); // throws a clear error on bad combos
    const problem = settingsProblem(candidate);
    if (problem) throw new WarrenError(ErrorCode.InvalidParams, problem);
    this.store.put(mergeSettingsPatch(this.store.get(), patch));
    const before = this.current;
    this.current = this.resolve();
    for (const l of this.listeners) l(this.current, before);
  }

  onChange(listener: (s: ConfigInfo, before: ConfigInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private resolve(): ConfigInfo {
    const r = resolveSettings({ defaults: defaultSettings(this.home), stored: this.store.get(), env: this.env, flags: this.flags });
    this.warnings.push(...r.warnings);
    return r.settings;
  }
}
