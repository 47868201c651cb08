/**
 * Onboarding: choose the accounting system, confirm the order rules, optionally start a backfill, finish on the
 * overview. Re-runnable: finishing again saves the rules again (a new settings version) and records it again.
 * Completion is an audit entry, so "who set this store up, when" is in the trail with everything else.
 */
import { z } from 'zod';
import { PROVIDER_IDS, providers } from '@/lib/accounting/registry';
import type { ChartDescription } from '@/lib/sync/provider';
import type { StoreHash } from '@/lib/ids';
import type { SaveSettingsResult, StoredSettings } from '@/lib/repos/settings';
import type { FieldErrors } from './http';
import { validateSettingsInput } from './settings-form';

export const ONBOARDING_DONE = 'onboarding.completed';

const statusIds = z.array(z.number().int().min(0).max(100));

export const completeOnboardingSchema = z.object({
  provider: z.enum(PROVIDER_IDS, `Choose one of: ${PROVIDER_IDS.map((id) => providers[id].display.name).join(', ')}`),
  expectedVersion: z.number().int().min(0),
  orders: z.object({
    importStatusIds: statusIds.min(1, 'Choose at least one status to import'),
    ignoredStatusIds: statusIds,
    statusAfterImport: z.number().int().min(0).max(100).nullable(),
    statusOnError: z.number().int().min(0).max(100).nullable(),
  }),
  /** Start a backfill of orders created since this date (YYYY-MM-DD); null = only new orders. */
  backfillFrom: z.iso.date('Enter a date as YYYY-MM-DD').nullable(),
});

export interface OnboardingDeps {
  storeHash: StoreHash;
  userId: number;
  current(): Promise<StoredSettings>;
  chart(): Promise<ChartDescription>;
  save(input: unknown, expectedVersion: number): Promise<SaveSettingsResult>;
  setProvider(provider: string): Promise<void>;
  /** A remote system can be chosen only with a live connection (the ledger always can). */
  connected(provider: string): Promise<boolean>;
  startBackfill(fromDate: string): Promise<{ ok: true } | { ok: false; message: string }>;
  audit(action: string, detail: Record<string, unknown>): Promise<void>;
}

export type OnboardingResult =
  | { ok: true; version: number; backfillStarted: boolean }
  | { ok: false; kind: 'Validation'; fields: FieldErrors }
  | { ok: false; kind: 'Conflict'; message: string };

export async function completeOnboarding(deps: OnboardingDeps, input: z.infer<typeof completeOnboardingSchema>): Promise<OnboardingResult> {
  const chosen = providers[input.provider];
  if (chosen.connector !== null && !(await deps.connected(chosen.id))) {
    const name = chosen.display.shortName;
    return { ok: false, kind: 'Validation', fields: { provider: `Connect ${name} first (the Connect ${name} button above), or choose the built-in ledger.` } };
  }
  const { settings } = await deps.current();
  const next = { ...settings, orders: { ...settings.orders, ...input.orders } };
  const checked = validateSettingsInput(next, await deps.chart());
  if (!checked.ok) return { ok: false, kind: 'Validation', fields: checked.fields };
  const saved = await deps.save(checked.settings, input.expectedVersion);
  if (!saved.ok) {
    if (saved.reason === 'conflict') return { ok: false, kind: 'Conflict', message: 'Someone else changed the settings meanwhile. Reload and try again.' };
    return { ok: false, kind: 'Validation', fields: Object.fromEntries(saved.problems.map((p) => [p.path, p.message])) };
  }
  await deps.setProvider(input.provider);
  let backfillStarted = false;
  if (input.backfillFrom) {
    const started = await deps.startBackfill(input.backfillFrom);
    if (!started.ok) return { ok: false, kind: 'Validation', fields: { backfillFrom: started.message } };
    backfillStarted = true;
  }
  await deps.audit(ONBOARDING_DONE, { provider: input.provider, settingsVersion: saved.version, backfillFrom: input.backfillFrom });
  return { ok: true, version: saved.version, backfillStarted };
}
