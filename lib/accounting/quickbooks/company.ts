/**
 * What posting needs to know about the company, read on connect and kept per realm for ten minutes: its name,
 * country, home currency, whether multicurrency is on, and how sales tax works there (US Automated Sales Tax, or
 * tax codes per line). CompanyInfo: https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo
 * Preferences: .../all-entities/preferences (CurrencyPrefs.MultiCurrencyEnabled, TaxPrefs.PartnerTaxEnabled = AST).
 */
import { ok, type Outcome } from '@/lib/sync/provider';
import type { QboApi } from './http';
import { companyInfoSchema, preferencesSchema } from './wire';

export interface CompanySettings {
  name: string;
  /** ISO alpha-2 ("US", "GB"). */
  country: string;
  homeCurrency: string;
  multicurrency: boolean;
  /** US Automated Sales Tax: QuickBooks computes the tax unless TxnTaxDetail.TotalTax says it. */
  automatedSalesTax: boolean;
  /** Subscription status from CompanyInfo's NameValue list (absent when QuickBooks does not say). */
  subscription: string | null;
  /** Class per line / department per document can be set. */
  classes: boolean;
  departments: boolean;
}

export interface CompanyCache {
  get(): CompanySettings | null;
  set(value: CompanySettings): void;
}

export async function readCompany(api: QboApi, realmId: string): Promise<Outcome<CompanySettings>> {
  const [info, prefs] = await Promise.all([
    api.json({ method: 'GET', path: `/companyinfo/${encodeURIComponent(realmId)}` }, 'Reading the QuickBooks company'),
    api.json({ method: 'GET', path: '/preferences' }, 'Reading the QuickBooks preferences'),
  ]);
  if (!info.ok) return info;
  if (!prefs.ok) return prefs;
  const c = companyInfoSchema.parse((info.value as { CompanyInfo?: unknown }).CompanyInfo);
  const p = preferencesSchema.parse((prefs.value as { Preferences?: unknown }).Preferences);
  const home = p.CurrencyPrefs?.HomeCurrency?.value;
  if (!home) throw new Error('QuickBooks answered Preferences without CurrencyPrefs.HomeCurrency');
  return ok({
    name: c.CompanyName,
    country: (c.Country ?? '').toUpperCase(),
    homeCurrency: home.toUpperCase(),
    multicurrency: p.CurrencyPrefs?.MultiCurrencyEnabled === true,
    automatedSalesTax: p.TaxPrefs?.PartnerTaxEnabled === true,
    subscription: c.NameValue?.find((n) => n.Name === 'SubscriptionStatus')?.Value ?? null,
    classes: p.AccountingInfoPrefs?.ClassTrackingPerTxnLine === true || p.AccountingInfoPrefs?.ClassTrackingPerTxn === true,
    departments: p.AccountingInfoPrefs?.TrackDepartments === true,
  });
}
