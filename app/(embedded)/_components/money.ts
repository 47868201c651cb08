import { toMoneyString } from '@/lib/money';

/** "12.3400" + "USD" → "12.34 USD"; exact (decimal strings, never floats). */
export function money(amount: string | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  if (!currency) return amount;
  try {
    return `${toMoneyString(amount, currency)} ${currency}`;
  } catch {
    return `${amount} ${currency}`;
  }
}
