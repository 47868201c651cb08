// One module per aggregate; drizzle-kit reads this folder (drizzle.config.ts).
export * from './core';
export * from './ledger';
export * from './settings';
export * from './webhooks';
export * from './sync';
export * from './stock';
export * from './connections';
export * from './summaries';
export * from './reconciliation';
export * from './notifications';
