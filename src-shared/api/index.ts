export * from './errors.js';
export * from './models.js';
export * from './contract.js';
export * from './jsonrpc.js';
export * from './client.js';
export * from './bridge.js';
export * from './conduit-contract.js';
export * from './conduit-router.js';
