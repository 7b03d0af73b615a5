// The session-manager-plugin fallback for the `ssm` transport (setting ssm.use_session_manager_plugin).
export { createPluginSsmTransport, DEFAULT_READY_TIMEOUT_MS, type PluginSsmTransportOptions } from './plugin-transport.js';
export { PluginSsmLink, KILL_GRACE_MS } from './plugin-link.js';
export { liveChildCount } from './orphan-guard.js';
