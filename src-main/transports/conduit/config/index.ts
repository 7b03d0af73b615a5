// Conduit configuration files on disk: loading conduit.toml with CONDUIT_* overrides, the
// CLI > env > file > defaults resolution, `config show` and `config validate`.
export { loadClientConfig, CLIENT_ENV_SPEC, type LoadConfigOptions } from './client-config.js';
export { resolveClientSettings, type ClientCliOptions, type ClientSettings, type ClientSettingsDefaults, type ClientSettingsInput, type SettingOrigin } from './client-settings.js';
export { showClientConfig } from './show-client-config.js';
export { validateConfigFile, configKindOf, type ConfigFileCheck, type ConfigKind } from './validate-config-file.js';
export { conduitConfigError, configErrorLines } from './config-error.js';
export { applyEnvOverrides, envName, type Env, type EnvSpec, type EnvValueKind } from './env-overrides.js';
export { readTomlFile, resolveUserPath } from './toml-file.js';
