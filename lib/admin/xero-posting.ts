/**
 * The Xero section of the mappings page: the store's Xero posting settings (`xero` in lib/sync/settings.ts) and the
 * organisation's tracking categories, read live from Xero through the provider's describe(). Nothing here is shown
 * while the store posts elsewhere. A saved tracking option Xero no longer has is a warning on the field: every
 * invoice would be refused with "Tracking category … does not exist" until it is changed.
 */
import type { ChartDescription, Outcome, RemoteTrackingCategory } from '@/lib/sync/provider';
import type { SyncSettings } from '@/lib/sync/settings';

export interface XeroPostingView {
  /** The store posts to Xero: the page shows the section. */
  applies: boolean;
  trackingCategories: RemoteTrackingCategory[];
  /** Why the categories could not be read (a reconnect is needed, Xero is unavailable); null when they were. */
  error: string | null;
  /** `{ "xero.tracking": message }` when the saved choice is not in Xero (any more). */
  fieldWarnings: Record<string, string>;
}

export interface XeroPostingDeps {
  providerId: string;
  settings: Pick<SyncSettings, 'xero'>;
  describe(): Promise<Outcome<ChartDescription>>;
}

export async function xeroPostingView(deps: XeroPostingDeps): Promise<XeroPostingView> {
  if (deps.providerId !== 'xero') return { applies: false, trackingCategories: [], error: null, fieldWarnings: {} };
  const chart = await deps.describe();
  if (!chart.ok) {
    return { applies: true, trackingCategories: [], error: `Xero's tracking categories could not be read: ${chart.error.message}`, fieldWarnings: {} };
  }
  const categories = chart.value.trackingCategories ?? [];
  const fieldWarnings: Record<string, string> = {};
  const chosen = deps.settings.xero.tracking;
  if (chosen) {
    const category = categories.find((c) => c.name.toLowerCase() === chosen.category.toLowerCase());
    if (!category) {
      fieldWarnings['xero.tracking'] = `Xero has no active tracking category "${chosen.category}" any more: invoices will be refused until you choose another or none.`;
    } else if (!category.options.some((o) => o.name.toLowerCase() === chosen.option.toLowerCase())) {
      fieldWarnings['xero.tracking'] = `"${chosen.option}" is no longer an active option of "${category.name}" in Xero: invoices will be refused until you choose another.`;
    }
  }
  return { applies: true, trackingCategories: categories, error: null, fieldWarnings };
}
