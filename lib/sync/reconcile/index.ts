export * from './types';
export { reconcile, documentOrderMatcher, datesBetween, isEligible, dayAgrees, type EligibilityRules, type ReconcileInput } from './classify';
export { reconcileRange, type ReconcileDeps, type ReconcileOutcome, type ReconcileRecordPort } from './run';
export { repairDifferences, isRepairable, REPAIR_CLASSES, type RepairDeps, type RepairOutcome } from './repair';
