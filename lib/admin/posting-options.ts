/**
 * The posting section of the mappings page: the store's posting settings (`posting` in lib/sync/settings.ts:
 * approval and a tracking option) where its accounting system has those choices (the registry's display data says
 * which), and the system's tracking categories read live through the provider's describe(). Nothing is shown, and
 * the system is not asked, where it has neither. A saved tracking option the system no longer has is a warning on
 * the field: every document would be refused until it is changed.
 */
import type { ProviderDisplay } from '@/lib/accounting/definition';
import type { ChartDescription, Outcome, RemoteTrackingCategory } from '@/lib/sync/provider';
import type { SyncSettings } from '@/lib/sync/settings';

export interface PostingOptionsView {
  /** The store's system has posting choices: the page shows the section. */
  applies: boolean;
  /** The system's name, and which of the choices it has. */
  system: { name: string; tenantNoun: string; drafts: boolean; trackingNoun: string | null };
  trackingCategories: RemoteTrackingCategory[];
  /** Why the categories could not be read (a reconnect is needed, the system is unavailable); null when they were. */
  error: string | null;
  /** `{ "posting.tracking": message }` when the saved choice is not in the books (any more). */
  fieldWarnings: Record<string, string>;
}

export interface PostingOptionsDeps {
  display: ProviderDisplay;
  settings: Pick<SyncSettings, 'posting'>;
  describe(): Promise<Outcome<ChartDescription>>;
}

export async function postingOptionsView(deps: PostingOptionsDeps): Promise<PostingOptionsView> {
  const { name, tenantNoun, drafts, trackingNoun } = deps.display;
  const system = { name, tenantNoun, drafts, trackingNoun };
  if (!drafts && trackingNoun === null) return { applies: false, system, trackingCategories: [], error: null, fieldWarnings: {} };
  if (trackingNoun === null) return { applies: true, system, trackingCategories: [], error: null, fieldWarnings: {} };
  const chart = await deps.describe();
  if (!chart.ok) {
    return { applies: true, system, trackingCategories: [], error: `${name}'s tracking categories could not be read: ${chart.error.message}`, fieldWarnings: {} };
  }
  const categories = chart.value.trackingCategories ?? [];
  const fieldWarnings: Record<string, string> = {};
  const chosen = deps.settings.posting.tracking;
  if (chosen) {
    const category = categories.find((c) => c.name.toLowerCase() === chosen.category.toLowerCase());
    if (!category) {
      fieldWarnings['posting.tracking'] = `${name} has no active ${trackingNoun} "${chosen.category}" any more: documents will be refused until you choose another or none.`;
    } else if (!category.options.some((o) => o.name.toLowerCase() === chosen.option.toLowerCase())) {
      fieldWarnings['posting.tracking'] = `"${chosen.option}" is no longer an active option of "${category.name}" in ${name}: documents will be refused until you choose another.`;
    }
  }
  return { applies: true, system, trackingCategories: categories, error: null, fieldWarnings };
}
