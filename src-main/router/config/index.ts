// The router's configuration (router.toml + CONDUIT_* + --bind) and its small state file.
export { loadRouterConfig, ROUTER_ENV_SPEC, type LoadRouterConfigOptions } from './router-config.js';
export { readRouterState, writeRouterState, emptyRouterState, routerStateSchema, rotatedKeySchema, type RouterState, type RotatedKey } from './router-state.js';
