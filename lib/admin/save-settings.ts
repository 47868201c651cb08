/**
 * Saving a store's settings, as the order rules and mappings pages (`PUT /api/admin/settings`) and
 * `ledgerbridge settings set` both do: the whole settings object checked against the schema and the accounting
 * system's chart (validateSettingsInput: the pages' field messages), saved as a new version only if nobody saved
 * since `expectedVersion`, and an audit entry `settings.saved`.
 */
import type { StoreHash } from '@/lib/ids';
import type { createAuditRepo } from '@/lib/repos/audit';
import type { SettingsRepo } from '@/lib/repos/settings';
import type { AccountingProvider } from '@/lib/sync/provider';
import type { SyncSettings } from '@/lib/sync/settings';
import type { FieldErrors } from './http';
import { validateSettingsInput, type KnownLocations } from './settings-form';

export interface SaveSettingsDeps {
  storeHash: StoreHash;
  /** The user saving (the pages), or null (the command line). */
  actorUserId: number | null;
  provider: Pick<AccountingProvider, 'describe' | 'displayName' | 'postSummary' | 'summaryDocuments' | 'summaryDocumentProblem'>;
  settings: Pick<SettingsRepo, 'save'>;
  audit: Pick<ReturnType<typeof createAuditRepo>, 'append'>;
  now?: () => Date;
  /**
   * The stock locations `stock.locations` may name: the books' (the registry's `stockLocations`) and the store's,
   * read only when stock sync is to be on (no other save waits for BigCommerce); null when they could not be read.
   * Without it the books' location 1 is assumed and the store's side is not checked.
   */
  stockLocations?: { books: readonly number[]; store(): Promise<readonly number[] | null> };
}

/** Stock sync on in the submitted settings (before parsing: the check decides whether BigCommerce is asked). */
const stockOn = (settings: unknown) =>
  typeof settings === 'object' && settings !== null && (settings as { stock?: { enabled?: unknown } }).stock?.enabled === true;

export type SaveSettingsOutcome =
  | { ok: true; version: number; settings: SyncSettings }
  | { ok: false; kind: 'Validation'; fields: FieldErrors }
  | { ok: false; kind: 'Conflict' };

export async function saveSettings(
  deps: SaveSettingsDeps,
  input: { settings: unknown; expectedVersion: number; auditDetail?: Record<string, unknown> },
): Promise<SaveSettingsOutcome> {
  const chart = await deps.provider.describe();
  // The chart is what every account is checked against: without it nothing can be saved (a bug or an outage, not a field).
  if (!chart.ok) throw new Error(`${deps.provider.displayName} could not describe its chart: ${chart.error.message}`);
  const locations: KnownLocations | undefined = deps.stockLocations && {
    books: deps.stockLocations.books,
    store: stockOn(input.settings) ? await deps.stockLocations.store() : null,
  };
  const checked = validateSettingsInput(input.settings, chart.value, deps.now?.(), locations);
  if (!checked.ok) return { ok: false, kind: 'Validation', fields: checked.fields };
  if (checked.settings.posting.mode === 'daily_summary' && !deps.provider.postSummary) {
    return { ok: false, kind: 'Validation', fields: { 'posting.mode': `${deps.provider.displayName} does not take daily summaries from this app yet; post one document per order.` } };
  }
  if (checked.settings.posting.summaryDocument === 'journal' && !(deps.provider.summaryDocuments ?? ['sales']).includes('journal')) {
    return { ok: false, kind: 'Validation', fields: { 'posting.summaryDocument': `${deps.provider.displayName} does not take summaries as journals from this app yet; post them as sales documents.` } };
  }
  if (checked.settings.posting.summaryDocument === 'journal' && deps.provider.summaryDocumentProblem) {
    const problem = await deps.provider.summaryDocumentProblem('journal');
    if (problem) return { ok: false, kind: 'Validation', fields: { 'posting.summaryDocument': problem } };
  }
  const saved = await deps.settings.save(deps.storeHash, checked.settings, { expectedVersion: input.expectedVersion, actorUserId: deps.actorUserId });
  if (!saved.ok) {
    if (saved.reason === 'conflict') return { ok: false, kind: 'Conflict' };
    return { ok: false, kind: 'Validation', fields: Object.fromEntries(saved.problems.map((p) => [p.path, p.message])) };
  }
  await deps.audit.append(deps.storeHash, 'settings.saved', deps.actorUserId, { version: saved.version, ...input.auditDetail });
  return { ok: true, version: saved.version, settings: saved.settings };
}
