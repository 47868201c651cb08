/**
 * Which revenue account a product line is booked on (setting `accounts.revenueRules`), and which tracking option an
 * order's lines carry (`posting.trackingByChannel`). Pure: the product's categories and brand come from the catalog
 * (GET /v3/catalog/products `categories`, `brand_id`: products_catalog.v3.yml, product_Full), read by the pipeline
 * only when a rule needs them.
 */
import type { RevenueRule, SyncSettings } from './settings';

/** What the catalog says about an order line's product. */
export interface ProductClassification {
  categories: readonly number[];
  /** null (or BigCommerce's 0) when the product has no brand. */
  brandId: number | null;
}

export interface RevenueChoice {
  account: string;
  /** The rule that chose the account (1-based, as the mappings page numbers them), or null for `accounts.sales`. */
  rule: { index: number; label: string } | null;
}

/** "category 23, channel 2": a rule's conditions in words, for the Preview and the mappings page. */
export function describeRevenueRule(rule: RevenueRule): string {
  const parts: string[] = [];
  if (rule.when.category !== undefined) parts.push(`category ${rule.when.category}`);
  if (rule.when.brand !== undefined) parts.push(`brand ${rule.when.brand}`);
  if (rule.when.channel !== undefined) parts.push(`channel ${rule.when.channel}`);
  return parts.join(', ');
}

/** True when some rule looks at the product's category or brand, so the catalog must be read. */
export function revenueRulesNeedCatalog(settings: Pick<SyncSettings, 'accounts'>): boolean {
  return settings.accounts.revenueRules.some((r) => r.when.category !== undefined || r.when.brand !== undefined);
}

/**
 * First rule whose every condition holds wins; none: `accounts.sales`. A product the catalog does not know (deleted
 * since the order) matches no category or brand condition.
 */
export function revenueAccountFor(
  settings: Pick<SyncSettings, 'accounts'>,
  line: { channelId: number | null; product: ProductClassification | null },
): RevenueChoice {
  const rules = settings.accounts.revenueRules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const { category, brand, channel } = rule.when;
    if (channel !== undefined && line.channelId !== channel) continue;
    if (category !== undefined && !(line.product?.categories.includes(category) ?? false)) continue;
    if (brand !== undefined && (line.product?.brandId ?? null) !== brand) continue;
    return { account: rule.account, rule: { index: i + 1, label: `Rule ${i + 1} (${describeRevenueRule(rule)})` } };
  }
  return { account: settings.accounts.sales, rule: null };
}

/** The tracking option for an order of this channel: the first `trackingByChannel` entry, else `posting.tracking`. */
export function trackingFor(
  settings: Pick<SyncSettings, 'posting'>,
  channelId: number | null,
): { category: string; option: string } | null {
  const byChannel = settings.posting.trackingByChannel.find((t) => t.channel === channelId);
  if (byChannel) return { category: byChannel.category, option: byChannel.option };
  return settings.posting.tracking;
}

/** The document's own tracking option: set only when the order's channel has one (`posting.trackingByChannel`). */
export function channelTracking(settings: Pick<SyncSettings, 'posting'>, channelId: number | null): { tracking?: { category: string; option: string } } {
  const byChannel = settings.posting.trackingByChannel.find((t) => t.channel === channelId);
  return byChannel ? { tracking: { category: byChannel.category, option: byChannel.option } } : {};
}
