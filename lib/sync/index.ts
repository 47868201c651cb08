// The pure sync domain: no next, inngest or drizzle imports below this folder.
export * from './sales-document';
export * from './settings';
export * from './build-sales-document';
export * from './plan-sync';
export * from './content-hash';
