// Sales tax on a sales form, the three ways a QuickBooks Online company can work:
//
// - US with Automated Sales Tax (Preferences.TaxPrefs.PartnerTaxEnabled): QuickBooks computes the tax itself from the
//   ship-to address and ignores the rates a client implies, unless the client overrides it with
//   TxnTaxDetail.TotalTax (Intuit's "Automated sales tax" guide for the API: "to override the tax calculated by AST,
//   specify the TotalTax"). Lines say only TAX or NON. The sandbox's rates are a fixed table per state (CA 7.25%,
//   NY 4%, TX 6.25%, any other 5%): real AST uses the full address and product categories.
// - US without AST: lines say TAX/NON; the transaction names a combined rate in TxnTaxDetail.TxnTaxCodeRef.
// - Everywhere else: each line names a TaxCode whose TaxRates apply; GlobalTaxCalculation is TaxExcluded, TaxInclusive
//   or NotApplicable (no tax). Line.Amount is the net either way: with TaxInclusive the gross travels beside it in
//   SalesItemLineDetail.TaxInclusiveAmt, which Intuit's API reference defines as "The total amount of the line item
//   including tax" (Invoice / SalesReceipt / CreditMemo / RefundReceipt › Line › SalesItemLineDetail.TaxInclusiveAmt,
//   minor version 1+, locales GB AU CA IN: developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice;
//   the JournalEntry reference requires it for TaxInclusive AU lines). So the tax is added to the net amounts in both
//   modes and TotalAmt = Σ net − discount + tax. An integrator says the same (quickbooks-ruby#346: "By default
//   QuickBooks assumes all prices exclude tax"). TaxInclusive changes how the form shows prices, not the arithmetic.
import Big from 'big.js';
import { businessValidation, invalidReference, invalidUsTaxCode } from './faults';
import { find, type Company, type Wire } from './store';

const round2 = (b: Big): Big => b.round(2, Big.roundHalfUp);

/** The sandbox's stand-in for AST's address lookup (percent). */
export const AST_STATE_RATES: Record<string, string> = { CA: '7.25', NY: '4', TX: '6.25' };
export const AST_DEFAULT_RATE = '5';
export const astRate = (state: string | undefined): Big => new Big(AST_STATE_RATES[(state ?? '').toUpperCase()] ?? AST_DEFAULT_RATE);

export type GlobalTaxCalculation = 'TaxExcluded' | 'TaxInclusive' | 'NotApplicable';

export interface TaxableLine {
  /** Line amount (net of tax, whatever GlobalTaxCalculation says) after its share of the discount. */
  amount: Big;
  /** US: TAX or NON; elsewhere a TaxCode Id. */
  taxCode?: string;
}

export interface TaxInput {
  company: Company;
  lines: TaxableLine[];
  calculation: GlobalTaxCalculation;
  /** TxnTaxDetail as sent (TotalTax override, TxnTaxCodeRef). */
  detail?: Wire;
  /** Ship-to state (AST). */
  shipState?: string;
}

export interface TaxResult {
  totalTax: Big;
  detail: Wire;
}

function rateLine(amount: Big, rateRef: string, percent: Big, base: Big): Wire {
  return {
    Amount: Number(amount.toFixed(2)),
    DetailType: 'TaxLineDetail',
    TaxLineDetail: { TaxRateRef: { value: rateRef }, PercentBased: true, TaxPercent: Number(percent.toString()), NetAmountTaxable: Number(base.toFixed(2)) },
  };
}

function overrideOf(detail: Wire | undefined): Big | undefined {
  const v = detail?.TotalTax;
  if (v === undefined || v === null || v === '') return undefined;
  return round2(new Big(String(v)));
}

/** Percent rates of a TaxCode (sum of its sales rates), with their ids. */
function codeRates(company: Company, codeId: string): Array<{ id: string; percent: Big }> {
  const code = find(company, 'TaxCode', codeId);
  if (!code) throw invalidReference('TaxCodeRef');
  const details: Wire[] = code.data.SalesTaxRateList?.TaxRateDetail ?? [];
  return details.map((d) => {
    const rate = find(company, 'TaxRate', d.TaxRateRef?.value);
    return { id: String(d.TaxRateRef?.value), percent: new Big(String(rate?.data.RateValue ?? 0)) };
  });
}

export function computeTax(input: TaxInput): TaxResult {
  const { company, lines, detail } = input;
  const override = overrideOf(detail);
  if (company.country === 'US') return usTax(input, override);
  if (input.calculation === 'NotApplicable') return { totalTax: new Big(0), detail: { TotalTax: 0 } };
  // Group by rate so each rate is rounded once, as QBO's tax summary shows one line per rate.
  const byRate = new Map<string, { percent: Big; base: Big }>();
  for (const line of lines) {
    if (!line.taxCode) throw businessValidation('Make sure all your transactions have a VAT rate before you save.', 'Line.SalesItemLineDetail.TaxCodeRef');
    for (const r of codeRates(company, line.taxCode)) {
      const g = byRate.get(r.id) ?? { percent: r.percent, base: new Big(0) };
      g.base = g.base.plus(line.amount);
      byRate.set(r.id, g);
    }
  }
  const taxLines: Wire[] = [];
  let total = new Big(0);
  for (const [id, g] of byRate) {
    const r = g.percent.div(100);
    const tax = round2(g.base.times(r));
    total = total.plus(tax);
    taxLines.push(rateLine(tax, id, g.percent, g.base));
  }
  if (override !== undefined) total = override;
  return { totalTax: total, detail: { TotalTax: Number(total.toFixed(2)), TaxLine: taxLines } };
}

function usTax(input: TaxInput, override: Big | undefined): TaxResult {
  const { company, lines, detail } = input;
  let base = new Big(0);
  for (const line of lines) {
    const code = (line.taxCode ?? 'NON').toUpperCase();
    if (code !== 'TAX' && code !== 'NON') throw invalidUsTaxCode(line.taxCode ?? '');
    if (code === 'TAX') base = base.plus(line.amount);
  }
  if (company.ast) {
    const percent = astRate(input.shipState ?? company.state);
    const computed = round2(base.times(percent).div(100));
    const total = override ?? computed;
    return {
      totalTax: total,
      detail: { TxnTaxCodeRef: { value: 'AST' }, TotalTax: Number(total.toFixed(2)), TaxLine: [rateLine(total, `AST-${(input.shipState ?? company.state).toUpperCase()}`, percent, base)] },
    };
  }
  const codeRef = detail?.TxnTaxCodeRef?.value;
  if (codeRef === undefined || codeRef === null || codeRef === '') {
    const total = override ?? new Big(0);
    return { totalTax: total, detail: { TotalTax: Number(total.toFixed(2)) } };
  }
  const taxLines: Wire[] = [];
  let total = new Big(0);
  for (const r of codeRates(company, String(codeRef))) {
    const tax = round2(base.times(r.percent).div(100));
    total = total.plus(tax);
    taxLines.push(rateLine(tax, r.id, r.percent, base));
  }
  if (override !== undefined) total = override;
  return { totalTax: total, detail: { TxnTaxCodeRef: { value: String(codeRef) }, TotalTax: Number(total.toFixed(2)), TaxLine: taxLines } };
}
