/**
 * The merchant's text templates: a product line's description (`lines.descriptionTemplate`), the document's
 * reference (`document.referenceTemplate`) and the customer's name in the books (`customers.nameTemplate`). Tokens are `{name}`; a parenthesised part of the template whose tokens
 * all come out empty is left out with the space before it, so the default `{name} ({options})` gives "Mug" for a
 * product without options and "Mug (Size: L)" with them, exactly as before templates existed. Only the template is
 * read for tokens and brackets: what the tokens put in (a product name with brackets) is never changed.
 */

export const LINE_TOKENS = ['name', 'sku', 'options', 'productId', 'quantity'] as const;
export const REFERENCE_TOKENS = ['orderId', 'channel', 'customerName', 'email', 'date', 'paymentMethod'] as const;
export const CUSTOMER_NAME_TOKENS = ['firstName', 'lastName', 'company'] as const;
export type LineToken = (typeof LINE_TOKENS)[number];
export type ReferenceToken = (typeof REFERENCE_TOKENS)[number];
export type CustomerNameToken = (typeof CUSTOMER_NAME_TOKENS)[number];

export const DEFAULT_LINE_DESCRIPTION = '{name} ({options})';
export const DEFAULT_REFERENCE = 'BigCommerce order #{orderId}';
/** First and last name: the customer's name before the template existed. `{company}` names them after the billing company. */
export const DEFAULT_CUSTOMER_NAME = '{firstName} {lastName}';

const TOKEN = /\{([^{}]*)\}/g;

/** Tokens of the template that are not in `allowed` ("{nmae}" → ["nmae"]), in order, once each. */
export function unknownTokens(template: string, allowed: readonly string[]): string[] {
  const found = [...template.matchAll(TOKEN)].map((m) => m[1]!);
  return [...new Set(found.filter((t) => !allowed.includes(t)))];
}

/** The field message for a template with unknown tokens, or null. */
export function templateProblem(template: string, allowed: readonly string[]): string | null {
  const unknown = unknownTokens(template, allowed);
  if (unknown.length === 0) return null;
  return `Unknown ${unknown.length === 1 ? 'token' : 'tokens'} ${unknown.map((t) => `{${t}}`).join(', ')}: use ${allowed.map((t) => `{${t}}`).join(' ')}.`;
}

export function renderTemplate<T extends string>(template: string, values: Readonly<Record<T, string>>): string {
  const valueOf = (token: string) => (Object.hasOwn(values, token) ? (values as Record<string, string>)[token]! : '');
  // A "(...)" group holding tokens that all render empty goes, with the whitespace before it.
  const pruned = template.replace(/\s*\(([^()]*)\)/g, (group, inner: string) => {
    const tokens = [...inner.matchAll(TOKEN)].map((m) => m[1]!);
    return tokens.length > 0 && tokens.every((t) => valueOf(t) === '') ? '' : group;
  });
  return pruned.replace(TOKEN, (_, token: string) => valueOf(token));
}

/** Text cut to a system's limit, and whether it was cut. */
export function fitTo(text: string, max: number | undefined): { text: string; cut: boolean } {
  if (max === undefined || text.length <= max) return { text, cut: false };
  return { text: `${text.slice(0, Math.max(0, max - 1))}…`, cut: true };
}

/**
 * The customer's name in the books from `customers.nameTemplate` and the billing address: spaces collapsed, and when
 * the template comes out empty (`{company}` for a shopper without a company) the first and last name instead.
 */
export function customerNameFrom(template: string, address: { firstName: string; lastName: string; company: string }): string {
  const values = { firstName: address.firstName.trim(), lastName: address.lastName.trim(), company: address.company.trim() };
  const squeeze = (text: string) => text.replace(/\s+/g, ' ').trim();
  const rendered = squeeze(renderTemplate<CustomerNameToken>(template, values));
  // A template of only punctuation around empty tokens ("{company} -") says nothing either.
  return /[\p{L}\p{N}]/u.test(rendered) ? rendered : squeeze(`${values.firstName} ${values.lastName}`);
}
