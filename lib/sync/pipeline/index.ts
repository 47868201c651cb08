/**
 * The order pipeline: load-order → plan → the plan's writes (post-document, update-document, record-payments,
 * refund-<id>, void-document, credit-cancellation) or record-decision → write-back-status. One `act` for every
 * trigger; the Inngest functions (lib/jobs/functions) are step tables that call it. Pure of frameworks: dependencies
 * arrive as ports (ports.ts).
 */
export * from './ports';
export * from './failures';
export * from './load-order';
export * from './build-document';
export * from './plan';
export * from './post-document';
export * from './update-document';
export * from './record-payments';
export * from './refund';
export * from './cancel';
export * from './record-decision';
export * from './write-back';
export * from './act';
export * from './batch';
export * from './books-status';
