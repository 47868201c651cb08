/**
 * Proposes a store's mappings from the accounting system's own chart (issue 16): right after connecting, the accounts
 * for sales, shipping, handling, wrapping, fees, discounts, rounding and gift certificates, the clearing account
 * payments go into, a tax code per tax rate (by rate, sales codes only) and the code for untaxed lines, each with the
 * reason it was chosen, so the first order posts without a trip to the mappings page.
 *
 * Pure and provider-neutral: it reads the chart as the port describes it (lib/sync/provider.ts) and the names of the
 * system's default chart as data (`ChartHints`, from the provider's registry entry). It only proposes: a setting the
 * merchant chose that is still in the chart is kept; one still at its default, or no longer in the chart, is
 * replaced; where nothing fits it says "needs your choice" and proposes nothing. Nothing is saved here: the merchant
 * accepts (lib/admin/mapping-proposal.ts), and `applyMappingChoices` makes the settings that are saved.
 */
import { compareDecimal } from '@/lib/money';
import type { ChartDescription, RemoteAccount, RemoteTaxCode } from './provider';
import { defaultSettings, type SyncSettings } from './settings';

/** What an account is for, when looking for it by name. */
export type AccountRole = 'sales' | 'shipping' | 'otherIncome' | 'fees' | 'discounts' | 'rounding' | 'giftLiability' | 'storeCredit' | 'clearing' | 'bank';

/**
 * A system's default chart, as data (each provider's folder has its own, cited there): names tried first per role,
 * most specific first, before the generic words below; names never proposed (system accounts a document line cannot
 * be coded to); zero-rated sales tax codes by name, most fitting first.
 */
export interface ChartHints {
  accounts?: Partial<Record<AccountRole, readonly string[]>>;
  avoidAccounts?: readonly string[];
  zeroTaxCodes?: readonly string[];
}

/** The generic words, when the system's own names are not there: a chart the merchant built keeps these words. */
const WORDS: Record<AccountRole, readonly string[]> = {
  sales: ['sales', 'revenue', 'product income', 'income'],
  shipping: ['shipping', 'freight', 'postage', 'delivery', 'carriage'],
  otherIncome: ['other revenue', 'other income', 'other primary income', 'sundry income'],
  fees: ['fee', 'fees', 'surcharge'],
  discounts: ['discount', 'discounts'],
  rounding: ['rounding'],
  giftLiability: ['gift certificate', 'gift card', 'gift', 'voucher', 'deferred revenue', 'deferred', 'unearned'],
  storeCredit: ['store credit', 'customer credit', 'gift certificate', 'gift card', 'gift', 'voucher', 'deferred', 'unearned'],
  clearing: ['clearing', 'undeposited', 'payments to deposit'],
  bank: ['bank', 'checking', 'current account', 'business account'],
};
/** Income accounts that are not sales of products even when their name says income or revenue. */
const NOT_SALES = /ship|freight|postage|deliver|discount|interest|rounding|other|fee|refund|gain|grant|dividend|uncategori[sz]ed|billable|markup/i;
/** Accounts with a purpose of their own: offered last when the merchant chooses. */
const SET_ASIDE = /rounding|suspense|clearing|undeposited/i;
const PURCHASE_TAX = /purchase|expense|input|\bon costs?\b/i;
const ZERO_TAX_WORDS = ['zero rated', 'zero-rated', 'exempt', 'free', 'no vat', 'no gst', 'no tax', 'non'];

export const PROPOSED_ACCOUNTS = [
  { path: 'accounts.sales', label: 'Product sales' },
  { path: 'accounts.shipping', label: 'Shipping' },
  { path: 'accounts.handling', label: 'Handling' },
  { path: 'accounts.wrapping', label: 'Gift wrapping' },
  { path: 'accounts.fees', label: 'Fees' },
  { path: 'accounts.discounts', label: 'Discounts' },
  { path: 'accounts.rounding', label: 'Rounding' },
  { path: 'accounts.giftCertificatesSold', label: 'Gift certificates sold' },
  { path: 'payments.defaultAccount', label: 'Default account for payments' },
  { path: 'payments.storeCreditAccount', label: 'Store credit account' },
  { path: 'payments.giftCertificateAccount', label: 'Gift certificate account' },
] as const;
export type AccountPath = (typeof PROPOSED_ACCOUNTS)[number]['path'];
export const ACCOUNT_PATHS = PROPOSED_ACCOUNTS.map((a) => a.path) as [AccountPath, ...AccountPath[]];

/** keep: the setting is fine as it is; replace: the proposal takes its place; choose: nothing fits, the merchant picks. */
export type ProposalAction = 'keep' | 'replace' | 'choose';

export interface AccountProposal {
  path: AccountPath;
  label: string;
  /** The code the settings hold now. */
  current: string;
  action: ProposalAction;
  /** The account proposed (or kept); null when the merchant must choose. */
  code: string | null;
  name: string | null;
  reason: string;
  /** Codes that fit this setting (what a choice is offered from), best first. */
  candidates: string[];
}

export interface TaxRateProposal {
  /** The store's tax rate name, when its orders use it; null for a rate only the chart has. */
  name: string | null;
  /** Percent, e.g. "20". */
  rate: string;
  /** Seen in the store's recent orders. */
  seen: boolean;
  action: ProposalAction;
  taxCode: string | null;
  taxName: string | null;
  reason: string;
}

export interface ZeroTaxProposal {
  current: string | null;
  action: ProposalAction;
  taxCode: string | null;
  taxName: string | null;
  reason: string;
}

/** What accepting saves: only what changes (the rest of the settings stays as it is). */
export interface MappingChoices {
  accounts: Partial<Record<AccountPath, string>>;
  tax?: { mappings: SyncSettings['tax']['mappings']; zeroTaxCode: string | null };
  /** The payment mappings kept (those whose account is not in the chart are dropped: the default account takes them). */
  paymentMappings?: SyncSettings['payments']['mappings'];
}

export interface MappingProposal {
  accounts: AccountProposal[];
  taxRates: TaxRateProposal[];
  zeroTax: ZeroTaxProposal | null;
  /** Payment mappings dropped because their account is not in the chart. */
  droppedPaymentMappings: Array<{ method: string; account: string }>;
  /** Accepting as proposed saves these. */
  choices: MappingChoices;
  /** Settings the merchant must choose before the proposal can be accepted (they would not validate otherwise). */
  needsChoice: AccountPath[];
  /** Nothing would change: the settings already fit the chart. */
  unchanged: boolean;
}

export interface ProposalInput {
  chart: Pick<ChartDescription, 'accounts' | 'paymentAccounts' | 'taxCodes'>;
  settings: SyncSettings;
  /** The tax rates the store's orders use (the mappings page's "seen" list). */
  taxRatesSeen: ReadonlyArray<{ name: string; rate: string }>;
  hints?: ChartHints;
  /** "Xero", "QuickBooks Online": for the reasons. */
  systemName: string;
}

function trimZeros(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

const lower = (s: string) => s.trim().toLowerCase();
/** A name holds a word (or phrase) as a whole word, case-insensitively. */
function hasWord(name: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9])${escaped}([^a-z0-9]|$)`, 'i').test(name);
}
const label = (a: { code: string; name: string }) => (a.name.startsWith(a.code) ? a.name : `${a.code} ${a.name}`);

interface Found {
  account: RemoteAccount;
  why: string;
}

export function proposeMappings(input: ProposalInput): MappingProposal {
  const { chart, settings, hints = {}, systemName } = input;
  const defaults = defaultSettings();
  const avoid = new Set((hints.avoidAccounts ?? []).map(lower));
  const usable = chart.accounts.filter((a) => !avoid.has(lower(a.name)));
  const byCode = new Map(chart.accounts.map((a) => [a.code, a]));
  const paymentCodes = new Set(chart.paymentAccounts.map((a) => a.code));
  const income = usable.filter((a) => a.type === 'income');

  /** The first account of `pool` named (exactly, then as a word) like the system's names, then the generic words. */
  function byName(pool: readonly RemoteAccount[], role: AccountRole): Found | null {
    const own = hints.accounts?.[role] ?? [];
    for (const name of own) {
      const exact = pool.find((a) => lower(a.name) === lower(name));
      if (exact) return { account: exact, why: `named "${exact.name}", as in ${systemName}'s default chart` };
    }
    for (const word of [...own, ...WORDS[role]]) {
      const exact = pool.find((a) => lower(a.name) === lower(word));
      if (exact) return { account: exact, why: `named "${exact.name}"` };
      const named = pool.find((a) => hasWord(a.name, word));
      if (named) return { account: named, why: `whose name has "${word}"` };
    }
    return null;
  }

  const sales: Found | null = (() => {
    const pool = income.filter((a) => !NOT_SALES.test(a.name) || (hints.accounts?.sales ?? []).some((n) => lower(n) === lower(a.name)));
    const named = byName(pool, 'sales');
    if (named) return { account: named.account, why: `an income account ${named.why}` };
    const first = pool[0] ?? income[0];
    return first ? { account: first, why: 'the first income account in the chart (none is named like sales)' } : null;
  })();
  const withSales = (what: string): Found | null =>
    sales ? { account: sales.account, why: `no ${what} account in the chart: booked with product sales` } : null;
  const incomeNamed = (role: AccountRole, what: string): Found | null => {
    const found = byName(income, role);
    return found ? { account: found.account, why: `an income account ${found.why}, for ${what}` } : null;
  };
  const shipping = incomeNamed('shipping', 'shipping income');
  const other = incomeNamed('otherIncome', 'other income');
  const discounts = (() => {
    const found = byName(usable.filter((a) => a.type === 'income' || a.type === 'expense'), 'discounts');
    return found ? { account: found.account, why: `${found.account.type === 'income' ? 'an income' : 'an expense'} account ${found.why}` } : null;
  })();
  const rounding = (() => {
    const found = byName(chart.accounts, 'rounding');
    if (found) return { account: found.account, why: `${found.why}: the chart's own account for rounding` };
    const expense = usable.filter((a) => a.type === 'expense');
    const general = byName(expense, 'otherIncome') ?? (() => {
      for (const word of ['general expense', 'miscellaneous', 'sundry', 'uncategorized expense', 'uncategorised expense', 'other expense']) {
        const a = expense.find((x) => hasWord(x.name, word));
        if (a) return { account: a, why: `whose name has "${word}"` };
      }
      return null;
    })();
    if (general) return { account: general.account, why: `no rounding account: an expense account ${general.why}` };
    return other ? { account: other.account, why: 'no rounding account: the other income account' } : null;
  })();
  const liabilities = usable.filter((a) => a.type === 'liability');
  const liabilityNamed = (role: AccountRole): Found | null => {
    const found = byName(liabilities, role);
    return found ? { account: found.account, why: `a liability account ${found.why}: money owed to the holder until it is spent` } : null;
  };
  const clearing = (() => {
    const pool = chart.paymentAccounts.filter((a) => !avoid.has(lower(a.name)));
    const named = byName(pool, 'clearing');
    if (named) return { account: named.account, why: `a clearing account that receives payments, ${named.why}: payments wait there until the payout reaches the bank` };
    const bank = byName(pool, 'bank');
    if (bank) return { account: bank.account, why: `no clearing account: a bank account ${bank.why}` };
    return pool[0] ? { account: pool[0], why: 'no clearing account: the first account that receives payments' } : null;
  })();

  const proposals: Record<AccountPath, { found: Found | null; fits: (a: RemoteAccount) => boolean }> = {
    'accounts.sales': { found: sales, fits: (a) => a.type === 'income' },
    'accounts.shipping': { found: shipping ?? withSales('shipping income'), fits: (a) => a.type === 'income' },
    'accounts.handling': {
      found: shipping ? { account: shipping.account, why: `${shipping.why}; handling is charged with shipping` } : other ?? withSales('shipping or other income'),
      fits: (a) => a.type === 'income',
    },
    'accounts.wrapping': {
      found: shipping ? { account: shipping.account, why: `${shipping.why}; wrapping is charged with shipping` } : other ?? withSales('shipping or other income'),
      fits: (a) => a.type === 'income',
    },
    'accounts.fees': { found: incomeNamed('fees', 'fees') ?? other ?? withSales('fee or other income'), fits: (a) => a.type === 'income' },
    'accounts.discounts': { found: discounts ?? withSales('discount'), fits: (a) => a.type === 'income' || a.type === 'expense' },
    'accounts.rounding': { found: rounding ?? withSales('rounding or other'), fits: () => true },
    'accounts.giftCertificatesSold': { found: liabilityNamed('giftLiability'), fits: (a) => a.type === 'liability' },
    'payments.defaultAccount': { found: clearing, fits: (a) => paymentCodes.has(a.code) },
    'payments.storeCreditAccount': { found: liabilityNamed('storeCredit'), fits: (a) => a.type === 'liability' },
    'payments.giftCertificateAccount': { found: liabilityNamed('giftLiability'), fits: (a) => a.type === 'liability' },
  };

  const valueAt = (s: SyncSettings, path: AccountPath): string => {
    const [section, key] = path.split('.') as ['accounts' | 'payments', string];
    return (s[section] as unknown as Record<string, string>)[key]!;
  };

  const accounts: AccountProposal[] = PROPOSED_ACCOUNTS.map(({ path, label: what }) => {
    const current = valueAt(settings, path);
    const { found, fits } = proposals[path];
    const existing = byCode.get(current);
    const valid = existing !== undefined && (path !== 'payments.defaultAccount' || paymentCodes.has(current));
    const atDefault = current === valueAt(defaults, path);
    // What a choice is offered from: the accounts that fit (accounts kept for something else, such as rounding, last),
    // or, where none fits (no liability for gift certificates yet), every account the system lets a document use.
    const fitting = usable.filter((a) => fits(a) && a.code !== found?.account.code);
    const others = fitting.length > 0 || found ? fitting : usable;
    const candidates = [
      ...(found ? [found.account.code] : []),
      ...others.filter((a) => !SET_ASIDE.test(a.name)).map((a) => a.code),
      ...others.filter((a) => SET_ASIDE.test(a.name)).map((a) => a.code),
    ];
    const base = { path, label: what, current, candidates };
    if (valid && (!atDefault || !found || found.account.code === current)) {
      return { ...base, action: 'keep', code: current, name: existing.name, reason: atDefault ? `${label(existing)} is in the chart` : `your choice, ${label(existing)}, is in the chart` };
    }
    if (!found) {
      const missing = path === 'payments.defaultAccount' ? 'no account in the chart receives payments' : path.startsWith('accounts.') && path !== 'accounts.giftCertificatesSold' ? 'no account in the chart fits' : 'no liability account is named for gift certificates, vouchers or deferred revenue';
      return { ...base, action: valid ? 'keep' : 'choose', code: valid ? current : null, name: valid ? existing.name : null, reason: valid ? `${label(existing)} is in the chart` : `Needs your choice: ${missing}.` };
    }
    const was = valid ? '' : ` (${current} is not in ${systemName}'s chart)`;
    return { ...base, action: 'replace', code: found.account.code, name: found.account.name, reason: `${label(found.account)}: ${found.why}${was}.` };
  });

  // ---- tax ----
  const usesTaxCodes = chart.taxCodes.length > 0;
  const taxByCode = new Map(chart.taxCodes.map((t) => [t.code, t]));
  const isSales = (t: RemoteTaxCode) => (t.use ? t.use !== 'purchases' : !PURCHASE_TAX.test(t.name));
  const salesCodes = chart.taxCodes.filter(isSales);
  const taxRates: TaxRateProposal[] = [];
  const keptMappings = settings.tax.mappings.filter((m) => !usesTaxCodes || taxByCode.has(m.taxCode));
  const newMappings: SyncSettings['tax']['mappings'] = [];
  const covered = (name: string | null, rate: string) =>
    [...keptMappings, ...newMappings].find(
      (m) => (m.name === undefined || (name !== null && lower(m.name) === lower(name))) && (m.rate === undefined || compareDecimal(m.rate, rate) === 0),
    );
  const atRate = (rate: string) => salesCodes.filter((t) => compareDecimal(t.rate, rate) === 0);
  const seenRates = input.taxRatesSeen.filter((r) => compareDecimal(r.rate, '0') !== 0);
  if (usesTaxCodes) {
    const chartRates = salesCodes.filter((t) => compareDecimal(t.rate, '0') !== 0).map((t) => trimZeros(t.rate));
    const rates: Array<{ name: string | null; rate: string; seen: boolean }> = [
      ...seenRates.map((r) => ({ name: r.name, rate: trimZeros(r.rate), seen: true })),
      ...[...new Set(chartRates)].filter((rate) => !seenRates.some((r) => compareDecimal(r.rate, rate) === 0)).map((rate) => ({ name: null, rate, seen: false })),
    ];
    for (const r of rates) {
      const mapped = covered(r.name, r.rate);
      if (mapped) {
        const code = taxByCode.get(mapped.taxCode);
        taxRates.push({ ...r, action: 'keep', taxCode: mapped.taxCode, taxName: code?.name ?? null, reason: `already mapped to ${code?.name ?? mapped.taxCode}` });
        continue;
      }
      const matches = atRate(r.rate);
      const pick = matches[0];
      if (!pick && chart.taxCodes.every((t) => compareDecimal(t.rate, '0') === 0)) {
        // Codes without rates (QuickBooks US: TAX / NON; the system keeps sales tax itself): nothing to match by rate.
        taxRates.push({
          ...r,
          action: 'keep',
          taxCode: null,
          taxName: null,
          reason: `${systemName}'s tax codes carry no rates to match: the tax the store charged is sent as charged.`,
        });
        continue;
      }
      if (!pick) {
        taxRates.push({
          ...r,
          action: 'choose',
          taxCode: null,
          taxName: null,
          reason: `Needs your choice: ${systemName} has no sales tax rate of ${r.rate}%. Orders charging it are held until it is mapped on the mappings page.`,
        });
        continue;
      }
      newMappings.push({ rate: r.rate, taxCode: pick.code });
      const others = matches.length > 1 ? ` (${matches.length} sales rates are ${r.rate}%: the first is proposed, check it)` : '';
      taxRates.push({ ...r, action: 'replace', taxCode: pick.code, taxName: pick.name, reason: `${pick.name}: a sales tax rate of ${r.rate}%, the same rate${others}.` });
    }
  }

  let zeroTax: ZeroTaxProposal | null = null;
  const currentZero = settings.tax.zeroTaxCode;
  if (usesTaxCodes) {
    const zeroCodes = salesCodes.filter((t) => compareDecimal(t.rate, '0') === 0);
    const hinted = (hints.zeroTaxCodes ?? []).map((n) => zeroCodes.find((t) => lower(t.name) === lower(n) || lower(t.code) === lower(n))).find(Boolean);
    const worded = hinted ? null : ZERO_TAX_WORDS.map((w) => zeroCodes.find((t) => hasWord(t.name, w))).find(Boolean);
    const pick = hinted ?? worded ?? zeroCodes[0] ?? null;
    const kept = currentZero !== null && taxByCode.has(currentZero) ? taxByCode.get(currentZero)! : null;
    if (kept) zeroTax = { current: currentZero, action: 'keep', taxCode: kept.code, taxName: kept.name, reason: `already set to ${kept.name}` };
    else if (pick) {
      const why = hinted ? `as in ${systemName}'s default tax rates` : worded ? 'named for zero-rated or exempt sales' : 'the first 0% sales tax rate';
      zeroTax = { current: currentZero, action: 'replace', taxCode: pick.code, taxName: pick.name, reason: `${pick.name}: a 0% sales tax rate, ${why}, for lines that carry no tax.` };
    } else {
      zeroTax = { current: currentZero, action: currentZero === null ? 'keep' : 'replace', taxCode: null, taxName: null, reason: `${systemName} has no 0% sales tax rate: untaxed lines take their account's own tax rate, with no tax.` };
    }
  }

  const dropped = settings.payments.mappings.filter((m) => !paymentCodes.has(m.account));

  const choices: MappingChoices = { accounts: {} };
  for (const a of accounts) if (a.action === 'replace' && a.code) choices.accounts[a.path] = a.code;
  const taxChanged = newMappings.length > 0 || keptMappings.length !== settings.tax.mappings.length || (zeroTax !== null && zeroTax.action === 'replace');
  if (taxChanged) choices.tax = { mappings: [...keptMappings, ...newMappings], zeroTaxCode: zeroTax?.taxCode ?? currentZero };
  if (dropped.length > 0) choices.paymentMappings = settings.payments.mappings.filter((m) => paymentCodes.has(m.account));
  const needsChoice = accounts.filter((a) => a.action === 'choose').map((a) => a.path);
  return {
    accounts,
    taxRates,
    zeroTax,
    droppedPaymentMappings: dropped.map((m) => ({ method: m.method, account: m.account })),
    choices,
    needsChoice,
    unchanged: Object.keys(choices.accounts).length === 0 && !choices.tax && !choices.paymentMappings && needsChoice.length === 0,
  };
}

/** The settings with the accepted choices in place (everything else as it was); validated by the caller before saving. */
export function applyMappingChoices(settings: SyncSettings, choices: MappingChoices): SyncSettings {
  const next: SyncSettings = structuredClone(settings);
  for (const [path, code] of Object.entries(choices.accounts) as Array<[AccountPath, string]>) {
    const [section, key] = path.split('.') as ['accounts' | 'payments', string];
    (next[section] as Record<string, unknown>)[key] = code;
  }
  if (choices.tax) next.tax = { ...next.tax, mappings: choices.tax.mappings, zeroTaxCode: choices.tax.zeroTaxCode };
  if (choices.paymentMappings) next.payments = { ...next.payments, mappings: choices.paymentMappings };
  return next;
}
