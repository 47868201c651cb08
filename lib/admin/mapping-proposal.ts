/**
 * Onboarding's "Check the mappings" step (issue 16): once a remote system is connected, the mappings proposed from its
 * own chart (lib/sync/mapping-proposal.ts), each with its reason, and accepting them. Nothing is saved until the
 * merchant accepts: the proposal is read fresh each time (chart, settings, the tax rates the store's orders use), and
 * accepting saves only what the merchant saw (the choices sent back, checked as every settings save is: schema and
 * chart, `expectedVersion`, audit `settings.saved`). Orders that reached the new system before (failed or held for a
 * mapping it lacked) are retried once the mappings are saved.
 */
import { z } from 'zod';
import { definitionOf } from '@/lib/accounting/registry';
import type { StoreHash } from '@/lib/ids';
import type { SaveSettingsResult, StoredSettings } from '@/lib/repos/settings';
import { ACCOUNT_PATHS, applyMappingChoices, proposeMappings, type MappingProposal } from '@/lib/sync/mapping-proposal';
import type { ChartDescription, RemoteAccount } from '@/lib/sync/provider';
import { paymentMappingSchema, taxMappingSchema } from '@/lib/sync/settings';
import type { FieldErrors } from './http';
import { validateSettingsInput } from './settings-form';

export interface ProposalView {
  /** The system the store posts to; null on the built-in ledger (nothing to propose). */
  system: { id: string; name: string; tenantNoun: string } | null;
  /** The settings version the proposal was made from (accepting sends it back). */
  version: number;
  proposal: MappingProposal | null;
  /** The chart's accounts, for the names of the codes and the choices. */
  accounts: Array<Pick<RemoteAccount, 'code' | 'name' | 'type'>>;
  /** Reading the store's orders failed: the tax rates they use are missing from the proposal. */
  storeError: string | null;
}

export interface ProposalDeps {
  storeHash: StoreHash;
  providerId: string;
  current(): Promise<StoredSettings>;
  chart(): Promise<ChartDescription>;
  /** The tax rates the store's recent orders use (the mappings page's list). */
  taxRatesSeen(): Promise<{ rates: Array<{ name: string; rate: string }>; storeError: string | null }>;
}

export async function loadProposal(deps: ProposalDeps): Promise<ProposalView> {
  const definition = definitionOf(deps.providerId);
  const current = await deps.current();
  if (!definition || definition.connector === null) return { system: null, version: current.version, proposal: null, accounts: [], storeError: null };
  const [chart, seen] = await Promise.all([deps.chart(), deps.taxRatesSeen()]);
  const proposal = proposeMappings({ chart, settings: current.settings, taxRatesSeen: seen.rates, hints: definition.chartHints, systemName: definition.display.name });
  return {
    system: { id: definition.id, name: definition.display.name, tenantNoun: definition.display.tenantNoun },
    version: current.version,
    proposal,
    accounts: chart.accounts.map(({ code, name, type }) => ({ code, name, type })),
    storeError: seen.storeError,
  };
}

const code = z.string().trim().min(1).max(64);

export const acceptProposalSchema = z.object({
  expectedVersion: z.number().int().min(0),
  choices: z.object({
    accounts: z.partialRecord(z.enum(ACCOUNT_PATHS), code),
    tax: z.object({ mappings: z.array(taxMappingSchema), zeroTaxCode: z.string().trim().min(1).nullable() }).optional(),
    paymentMappings: z.array(paymentMappingSchema).optional(),
  }),
});
export type AcceptProposalBody = z.input<typeof acceptProposalSchema>;

export interface AcceptDeps {
  current(): Promise<StoredSettings>;
  chart(): Promise<ChartDescription>;
  save(settings: unknown, expectedVersion: number): Promise<SaveSettingsResult>;
  audit(action: string, detail: Record<string, unknown>): Promise<void>;
  /** Enqueues the store's failed and held orders again; answers how many. */
  retryUnposted(): Promise<number>;
}

export type AcceptResult =
  | { ok: true; version: number; retried: number }
  | { ok: false; kind: 'Validation'; fields: FieldErrors }
  | { ok: false; kind: 'Conflict'; message: string };

export async function acceptProposal(deps: AcceptDeps, input: z.infer<typeof acceptProposalSchema>): Promise<AcceptResult> {
  const { settings } = await deps.current();
  const next = applyMappingChoices(settings, input.choices);
  const checked = validateSettingsInput(next, await deps.chart());
  if (!checked.ok) return { ok: false, kind: 'Validation', fields: checked.fields };
  const saved = await deps.save(checked.settings, input.expectedVersion);
  if (!saved.ok) {
    if (saved.reason === 'conflict') return { ok: false, kind: 'Conflict', message: 'Someone else saved the settings meanwhile. Reload to see the proposal again.' };
    return { ok: false, kind: 'Validation', fields: Object.fromEntries(saved.problems.map((p) => [p.path, p.message])) };
  }
  await deps.audit('settings.saved', {
    version: saved.version,
    from: 'mapping proposal',
    accounts: Object.keys(input.choices.accounts),
    tax: input.choices.tax !== undefined,
    paymentMappings: input.choices.paymentMappings !== undefined,
  });
  const retried = await deps.retryUnposted();
  return { ok: true, version: saved.version, retried };
}
