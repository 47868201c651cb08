/**
 * Items between the BigCommerce catalog and the accounting system, so SKU matching does not depend on the merchant
 * typing every product twice. Pure planning:
 * - import: which SKUs to create in the books (with name, description, price, tracked flag and sales account), which
 *   existing items get new details (only when asked, only the fields that differ), and the catalog problems to
 *   report rather than guess (empty SKUs, one SKU on two products, a SKU the system cannot hold);
 * - push details (the reverse, off by default): which matched products and variants get the books' name, price or
 *   description in BigCommerce, again only the fields that differ.
 */
import { compareDecimal, formatUnits, isDecimal, parseUnits } from '@/lib/money';

/** Where a SKU lives in BigCommerce: a product without options, or one variant of a product with options. */
export type CatalogTarget = { kind: 'product'; productId: number } | { kind: 'variant'; productId: number; variantId: number };

export interface CatalogItem {
  sku: string;
  name: string;
  /** Plain text (the product's HTML description converted); '' when there is none. */
  description: string;
  /** Decimal string in the store's currency (a variant's own price, else its product's), or null when BigCommerce gave none. */
  price: string | null;
  tracked: boolean;
  /** Where the SKU lives in BigCommerce, for messages: "product 12" or "variant 40 of product 12". */
  source: string;
  target: CatalogTarget;
}

/** An item of the books as read back (details are absent where the system does not report them). */
export interface ExistingItem {
  id?: string;
  sku: string;
  name: string;
  description?: string;
  unitPrice?: string | null;
}

/** What the accounting system accepts (`ItemRules` of the provider). */
export interface ItemLimits {
  skuMaxLength: number;
  nameMaxLength: number;
  descriptionMaxLength: number;
  /** Tracking quantity on hand needs an inventory asset and a cost-of-goods-sold account (Xero). */
  trackingNeedsAccounts: boolean;
}

export interface InventoryAccounts {
  assetAccount: string;
  costOfGoodsSoldAccount: string;
}

/** An item to create, as the provider writes it. */
export interface ItemToCreate {
  sku: string;
  name: string;
  /** Plain text. */
  description: string;
  /** Decimal string in the store's currency; null = none. */
  unitPrice: string | null;
  salesAccount: string;
  tracked: boolean;
  /** Set for tracked items in systems whose tracking needs accounts (`ItemRules.trackingNeedsAccounts`). */
  inventoryAccounts: InventoryAccounts | null;
  source: string;
}

export type ItemField = 'name' | 'description' | 'price';
export interface FieldChange {
  field: ItemField;
  from: string | null;
  to: string;
}

export interface ItemUpdate {
  id: string | null;
  sku: string;
  source: string;
  /** Only the fields that differ, with their new values. */
  changes: FieldChange[];
}

export interface ItemsPlan {
  create: ItemToCreate[];
  update: ItemUpdate[];
  unchanged: number;
  problems: Array<{ sku: string | null; message: string }>;
  /** Things the merchant should know that are not problems (tracked products created untracked, names shortened). */
  notes: string[];
}

export const NO_LIMITS: ItemLimits = { skuMaxLength: 255, nameMaxLength: 255, descriptionMaxLength: 65_535, trackingNeedsAccounts: false };

export function planItemsImport(input: {
  catalog: readonly CatalogItem[];
  existing: readonly ExistingItem[];
  updateDetails: boolean;
  salesAccount: string;
  limits?: ItemLimits;
  inventoryAccounts?: InventoryAccounts | null;
  /** "Xero" / "the built-in ledger", for messages. */
  systemName?: string;
}): ItemsPlan {
  const limits = input.limits ?? NO_LIMITS;
  const system = input.systemName ?? 'the books';
  const { unique, problems } = uniqueSkus(input.catalog);
  const existing = new Map(input.existing.map((e) => [e.sku, e]));
  const plan: ItemsPlan = { create: [], update: [], unchanged: 0, problems, notes: [] };
  let untracked = 0;
  let shortened = 0;
  for (const item of unique) {
    const current = existing.get(item.sku);
    if (!current && item.sku.length > limits.skuMaxLength) {
      problems.push({ sku: item.sku, message: `SKU ${item.sku} (${item.source}) is longer than the ${limits.skuMaxLength} characters ${system} allows for an item code; shorten it in BigCommerce. It was not imported.` });
      continue;
    }
    const wanted = detailsFor(item, limits);
    if (wanted.name !== item.name.trim()) shortened += 1;
    if (!current) {
      const canTrack = item.tracked && (!limits.trackingNeedsAccounts || !!input.inventoryAccounts);
      if (item.tracked && !canTrack) untracked += 1;
      plan.create.push({
        sku: item.sku,
        name: wanted.name,
        description: wanted.description,
        unitPrice: wanted.price,
        salesAccount: input.salesAccount,
        tracked: canTrack,
        inventoryAccounts: canTrack && limits.trackingNeedsAccounts ? input.inventoryAccounts ?? null : null,
        source: item.source,
      });
      continue;
    }
    const changes = input.updateDetails ? detailChanges(current, wanted) : [];
    if (changes.length > 0) plan.update.push({ id: current.id ?? null, sku: item.sku, source: item.source, changes });
    else plan.unchanged += 1;
  }
  if (untracked > 0) {
    plan.notes.push(
      `${untracked} product(s) that track inventory in BigCommerce will be created untracked in ${system}: tracking stock there needs an inventory asset account and a cost-of-goods-sold account. Map both (items settings) before importing to track them.`,
    );
  }
  if (shortened > 0) plan.notes.push(`${shortened} name(s) are longer than the ${limits.nameMaxLength} characters ${system} allows and will be shortened.`);
  return plan;
}

/** The details an item gets from its catalog entry, within the system's limits. */
function detailsFor(item: CatalogItem, limits: ItemLimits): { name: string; description: string; price: string | null } {
  return {
    name: fitText(item.name.trim() || item.sku, limits.nameMaxLength),
    description: fitText(normalizeText(item.description), limits.descriptionMaxLength),
    price: item.price !== null && isDecimal(item.price) ? normalizePrice(item.price) : null,
  };
}

function detailChanges(current: ExistingItem, wanted: { name: string; description: string; price: string | null }): FieldChange[] {
  const changes: FieldChange[] = [];
  if (current.name !== wanted.name) changes.push({ field: 'name', from: current.name, to: wanted.name });
  // A system that does not report a field is not asked to change it; an empty catalog value never erases one.
  if (current.description !== undefined && wanted.description !== '' && normalizeText(current.description) !== wanted.description) {
    changes.push({ field: 'description', from: current.description, to: wanted.description });
  }
  if (current.unitPrice !== undefined && wanted.price !== null && (current.unitPrice === null || compareDecimal(current.unitPrice, wanted.price) !== 0)) {
    changes.push({ field: 'price', from: current.unitPrice, to: wanted.price });
  }
  return changes;
}

function uniqueSkus(catalog: readonly CatalogItem[]) {
  const problems: ItemsPlan['problems'] = [];
  const bySku = new Map<string, CatalogItem[]>();
  for (const item of catalog) {
    const sku = item.sku.trim();
    if (!sku) {
      problems.push({ sku: null, message: `${item.name} (${item.source}) has no SKU, so it cannot be matched to an item; give it a SKU in BigCommerce.` });
      continue;
    }
    bySku.set(sku, [...(bySku.get(sku) ?? []), { ...item, sku }]);
  }
  const unique: CatalogItem[] = [];
  for (const [sku, items] of [...bySku].sort(([a], [b]) => a.localeCompare(b))) {
    if (items.length > 1) {
      problems.push({ sku, message: `SKU ${sku} is used by ${items.map((i) => i.source).join(' and ')}; make it unique in BigCommerce. It was not imported.` });
      continue;
    }
    unique.push(items[0]!);
  }
  return { unique, problems };
}

// ---------------------------------------------------------------------------------------- push details

export interface ProductDetailsPush {
  productId: number;
  sku: string;
  changes: FieldChange[];
}
export interface VariantPricePush {
  productId: number;
  variantId: number;
  sku: string;
  change: FieldChange;
}
export interface DetailsPushPlan {
  products: ProductDetailsPush[];
  variants: VariantPricePush[];
  /** Matched SKUs whose BigCommerce details already equal the books'. */
  unchanged: number;
  /** Catalog SKUs without an item in the books (nothing to push). */
  unmatched: number;
  problems: Array<{ sku: string | null; message: string }>;
}

/**
 * The reverse of the import: the books' name, price and description of every matched SKU, where they differ from
 * BigCommerce's. A product without options takes all three; a variant only its price (in BigCommerce a variant has
 * no name or description of its own: they belong to its product). A value the books do not have (no price, an
 * empty description) is never pushed, so an item created by hand cannot erase the store's copy. Names and
 * descriptions the books hold shortened (to the system's limits) count as equal to the store's full text.
 */
export function planDetailsPush(input: { catalog: readonly CatalogItem[]; books: readonly ExistingItem[]; limits?: ItemLimits }): DetailsPushPlan {
  const limits = input.limits ?? NO_LIMITS;
  const { unique, problems } = uniqueSkus(input.catalog);
  const books = new Map(input.books.map((b) => [b.sku, b]));
  const plan: DetailsPushPlan = { products: [], variants: [], unchanged: 0, unmatched: 0, problems };
  for (const item of unique) {
    const book = books.get(item.sku);
    if (!book) {
      plan.unmatched += 1;
      continue;
    }
    const store = detailsFor(item, limits);
    const priceChange: FieldChange | null =
      book.unitPrice != null && isDecimal(book.unitPrice) && (item.price === null || compareDecimal(book.unitPrice, item.price) !== 0)
        ? { field: 'price', from: item.price, to: normalizePrice(book.unitPrice) }
        : null;
    if (item.target.kind === 'variant') {
      if (priceChange) plan.variants.push({ productId: item.target.productId, variantId: item.target.variantId, sku: item.sku, change: priceChange });
      else plan.unchanged += 1;
      continue;
    }
    const changes: FieldChange[] = [];
    const name = book.name.trim();
    if (name && name !== store.name && name !== item.name.trim()) changes.push({ field: 'name', from: item.name, to: name });
    const description = normalizeText(book.description ?? '');
    if (description && description !== store.description && description !== normalizeText(item.description)) {
      changes.push({ field: 'description', from: item.description, to: description });
    }
    if (priceChange) changes.push(priceChange);
    if (changes.length > 0) plan.products.push({ productId: item.target.productId, sku: item.sku, changes });
    else plan.unchanged += 1;
  }
  return plan;
}

// ---------------------------------------------------------------------------------------- text and prices

/** "12.5" / "12.50000" → "12.5000": prices at BigCommerce's 4 places, the scale the books keep. */
export function normalizePrice(value: string): string {
  return formatUnits(parseUnits(value, 4), 4);
}

/** Trims each line, collapses runs of spaces and of blank lines. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** At most `max` characters; a shortened text ends with an ellipsis. */
export function fitText(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', copy: '©', reg: '®', trade: '™' };

/**
 * BigCommerce descriptions are HTML; the books hold plain text (an invoice line, a Xero item description).
 * Paragraph-like elements become blank lines, `<br>` a line break, list items "- " lines; other tags are dropped.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/(p|div|h[1-6]|ul|ol|table|tr|blockquote|section|article)\s*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
  return normalizeText(text);
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Plain text as BigCommerce description HTML: paragraphs and line breaks; `htmlToText` gives the text back. */
export function textToHtml(text: string): string {
  return normalizeText(text)
    .split(/\n\n+/)
    .filter(Boolean)
    .map((paragraph) => `<p>${paragraph.split('\n').map(escapeHtml).join('<br>')}</p>`)
    .join('');
}
