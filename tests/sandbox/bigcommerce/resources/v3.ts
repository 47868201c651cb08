// V3 resources: customers, catalog products and variants, inventory locations/items/absolute adjustments
// (specs/bigcommerce/{customers,products_catalog,product-variants_catalog,inventory,locations}.v3.yml). Order payments
// and refunds live in payments.ts and refunds.ts.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ApiContext, ApiGateway } from '../api';
import { ok } from '../api';
import { HttpError, parseJsonBody } from '../http';
import { toNumber } from '../money';
import type { StoreState } from '../state';
import { type Customer, type Product, type Variant, iso, resources } from './model';

export const STATUS_DOC = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes';

export function v3Error(status: number, title: string, errors: Record<string, string> = {}): HttpError {
  return new HttpError(status, { status, title, type: STATUS_DOC, errors });
}

function paging(ctx: ApiContext, defaultLimit = 50, max = 250) {
  const page = Math.max(1, Number(ctx.url.searchParams.get('page') ?? '1') || 1);
  const limit = Math.min(max, Math.max(1, Number(ctx.url.searchParams.get('limit') ?? String(defaultLimit)) || defaultLimit));
  return { page, limit };
}

export function collection<T>(ctx: ApiContext, items: T[], map: (t: T) => unknown, defaultLimit = 50): void {
  const { page, limit } = paging(ctx, defaultLimit);
  const slice = items.slice((page - 1) * limit, page * limit);
  const totalPages = Math.max(1, Math.ceil(items.length / limit));
  const links: Record<string, string> = { current: `?page=${page}&limit=${limit}` };
  if (page > 1) links.previous = `?page=${page - 1}&limit=${limit}`;
  if (page < totalPages) links.next = `?page=${page + 1}&limit=${limit}`;
  ok(ctx, {
    data: slice.map(map),
    meta: { pagination: { total: items.length, count: slice.length, per_page: limit, current_page: page, total_pages: totalPages, links } },
  });
}

export function listParam(ctx: ApiContext, name: string): string[] | null {
  const v = ctx.url.searchParams.get(name);
  return v === null ? null : v.split(',').map((s) => s.trim()).filter(Boolean);
}

export function numList(ctx: ApiContext, name: string): number[] | null {
  const l = listParam(ctx, name);
  return l === null ? null : l.map(Number);
}

// ---------- serialisers ----------

export function serializeCustomer(c: Customer) {
  return {
    id: c.id,
    authentication: { force_password_reset: false },
    company: c.company,
    customer_group_id: c.customer_group_id,
    email: c.email,
    first_name: c.first_name,
    last_name: c.last_name,
    notes: c.notes,
    phone: c.phone,
    registration_ip_address: c.registration_ip_address,
    tax_exempt_category: c.tax_exempt_category,
    date_created: iso(c.date_created),
    date_modified: iso(c.date_modified),
    accepts_product_review_abandoned_cart_emails: c.accepts_product_review_abandoned_cart_emails,
    origin_channel_id: c.origin_channel_id,
    channel_ids: c.channel_ids ?? [1],
  };
}

function stock(inv: Record<string, number>): number {
  return Object.values(inv).reduce((s, n) => s + n, 0);
}

export function serializeVariant(p: Product, v: Variant) {
  const level = p.inventory_tracking === 'variant' ? stock(v.inventory) : p.inventory_tracking === 'product' ? stock(p.inventory) : 0;
  return {
    id: v.id,
    product_id: p.id,
    sku: v.sku,
    sku_id: v.id === p.base_variant_id ? null : v.id,
    price: v.price === null ? null : toNumber(v.price),
    calculated_price: toNumber(v.price ?? p.price),
    sale_price: null,
    retail_price: null,
    map_price: null,
    weight: v.weight,
    calculated_weight: v.weight ?? p.weight,
    width: null,
    height: null,
    depth: null,
    is_free_shipping: false,
    fixed_cost_shipping_price: null,
    purchasing_disabled: v.purchasing_disabled,
    purchasing_disabled_message: '',
    image_url: '',
    cost_price: toNumber(v.cost_price),
    upc: v.upc,
    mpn: '',
    gtin: '',
    inventory_level: level,
    inventory_warning_level: v.inventory_warning_level,
    bin_picking_number: '',
    option_values: v.option_values,
  };
}

export function serializeProduct(p: Product, includeVariants: boolean) {
  const level = p.inventory_tracking === 'product'
    ? stock(p.inventory)
    : p.inventory_tracking === 'variant'
      ? p.variants.reduce((s, v) => s + stock(v.inventory), 0)
      : 0;
  return {
    id: p.id,
    name: p.name,
    type: p.type,
    sku: p.sku,
    description: p.description ?? '',
    weight: p.weight,
    width: 0,
    depth: 0,
    height: 0,
    price: toNumber(p.price),
    cost_price: toNumber(p.cost_price),
    retail_price: 0,
    sale_price: 0,
    map_price: 0,
    tax_class_id: p.tax_class_id,
    product_tax_code: '',
    calculated_price: toNumber(p.price),
    categories: p.categories,
    brand_id: p.brand_id,
    option_set_display: 'right',
    inventory_level: level,
    inventory_warning_level: p.inventory_warning_level,
    inventory_tracking: p.inventory_tracking,
    reviews_rating_sum: 0,
    reviews_count: 0,
    total_sold: 0,
    fixed_cost_shipping_price: 0,
    is_free_shipping: false,
    is_visible: p.is_visible,
    is_featured: false,
    related_products: [-1],
    warranty: '',
    bin_picking_number: '',
    layout_file: 'product.html',
    upc: '',
    mpn: '',
    gtin: '',
    search_keywords: '',
    availability: 'available',
    availability_description: '',
    gift_wrapping_options_type: 'any',
    gift_wrapping_options_list: [],
    sort_order: 0,
    condition: 'New',
    is_condition_shown: false,
    order_quantity_minimum: 0,
    order_quantity_maximum: 0,
    page_title: '',
    meta_keywords: [],
    meta_description: '',
    date_created: iso(p.date_created),
    date_modified: iso(p.date_modified),
    view_count: 0,
    preorder_release_date: null,
    preorder_message: '',
    is_preorder_only: false,
    is_price_hidden: false,
    price_hidden_label: '',
    custom_url: { url: `/${p.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}/`, is_customized: false },
    base_variant_id: p.base_variant_id,
    open_graph_type: 'product',
    open_graph_title: '',
    open_graph_description: '',
    open_graph_use_meta_description: true,
    open_graph_use_product_name: true,
    open_graph_use_image: true,
    ...(includeVariants ? { variants: p.variants.map((v) => serializeVariant(p, v)) } : {}),
  };
}

// ---------- inventory helpers ----------

/** The inventory bucket an item's stock lives in, or null when the product does not track at that level. */
function trackedStock(p: Product, v: Variant): Record<string, number> | null {
  if (p.inventory_tracking === 'product') return v.id === p.base_variant_id || p.variants.length === 1 ? p.inventory : null;
  if (p.inventory_tracking === 'variant') return v.id === p.base_variant_id && p.variants.length > 1 ? null : v.inventory;
  return null;
}

export interface InventoryChange {
  product: Product;
  variant: Variant;
  location_id: number;
  previous: number;
  quantity: number;
}

export interface V3Module {
  /** Fires inventory webhooks for changed items. */
  inventoryChanged(store: StoreState, changes: InventoryChange[]): void;
}

export function registerV3(api: ApiGateway): V3Module {
  const platform = api.platform;

  const module: V3Module = {
    inventoryChanged(store, changes) {
      for (const c of changes) {
        if (c.previous === c.quantity) continue;
        // An absolute adjustment reports the new level (`method: absolute`, `value` = the level now); a
        // relative change would report the difference with `method: relative`.
        const value = c.quantity;
        if (c.product.inventory_tracking === 'product') {
          platform.emit(store, 'store/product/inventory/updated', {
            type: 'product',
            id: c.product.id,
            inventory: { product_id: c.product.id, method: 'absolute', value },
          });
        } else {
          platform.emit(store, 'store/sku/inventory/updated', {
            type: 'sku',
            id: c.variant.id,
            inventory: { product_id: c.product.id, method: 'absolute', value, variant_id: c.variant.id },
          });
        }
      }
    },
  };

  // ----- customers -----
  api.add('GET', '/v3/customers', 'customers', 'read', (ctx) => {
    const ids = numList(ctx, 'id:in');
    const emails = listParam(ctx, 'email:in')?.map((e) => e.toLowerCase()) ?? null;
    const list = resources(ctx.store).customers.filter(
      (c) => (ids === null || ids.includes(c.id)) && (emails === null || emails.includes(c.email.toLowerCase())),
    );
    collection(ctx, list, serializeCustomer);
  });

  // ----- catalog -----
  api.add('GET', '/v3/catalog/products', 'products', 'read', (ctx) => {
    const ids = numList(ctx, 'id:in');
    const skus = listParam(ctx, 'sku:in');
    const sku = ctx.url.searchParams.get('sku');
    const includeVariants = (ctx.url.searchParams.get('include') ?? '').split(',').includes('variants');
    const list = resources(ctx.store).products.filter(
      (p) => (ids === null || ids.includes(p.id)) && (skus === null || skus.includes(p.sku)) && (sku === null || p.sku === sku),
    );
    collection(ctx, list, (p) => serializeProduct(p, includeVariants));
  });

  api.add('GET', '/v3/catalog/products/:product_id', 'products', 'read', (ctx) => {
    const p = resources(ctx.store).products.find((x) => x.id === Number(ctx.params.product_id));
    if (!p) throw v3Error(404, 'The requested product was not found.');
    const includeVariants = (ctx.url.searchParams.get('include') ?? '').split(',').includes('variants');
    ok(ctx, { data: serializeProduct(p, includeVariants), meta: {} });
  });

  api.add('GET', '/v3/catalog/products/:product_id/variants', 'products', 'read', (ctx) => {
    const p = resources(ctx.store).products.find((x) => x.id === Number(ctx.params.product_id));
    if (!p) throw v3Error(404, 'The requested product was not found.');
    collection(ctx, p.variants, (v) => serializeVariant(p, v));
  });

  api.add('GET', '/v3/catalog/variants', 'products', 'read', (ctx) => {
    const skus = listParam(ctx, 'sku:in');
    const sku = ctx.url.searchParams.get('sku');
    const productIds = numList(ctx, 'product_id:in');
    const ids = numList(ctx, 'id:in');
    const all = resources(ctx.store).products.flatMap((p) => p.variants.map((v) => ({ p, v })));
    const list = all.filter(
      ({ p, v }) =>
        (skus === null || skus.includes(v.sku)) &&
        (sku === null || v.sku === sku) &&
        (productIds === null || productIds.includes(p.id)) &&
        (ids === null || ids.includes(v.id)),
    );
    collection(ctx, list, ({ p, v }) => serializeVariant(p, v));
  });

  // ----- inventory -----
  api.add('GET', '/v3/inventory/locations', 'inventory', 'read', (ctx) => {
    const ids = numList(ctx, 'location_id:in');
    const list = resources(ctx.store).locations.filter((l) => ids === null || ids.includes(l.id));
    collection(ctx, list, (l) => ({ ...l, created_at: iso(Date.UTC(2024, 0, 1)), updated_at: iso(Date.UTC(2024, 0, 1)) }));
  });

  api.add('GET', '/v3/inventory/items', 'inventory', 'read', (ctx) => {
    const r = resources(ctx.store);
    const skus = listParam(ctx, 'sku:in');
    const variantIds = numList(ctx, 'variant_id:in');
    const productIds = numList(ctx, 'product_id:in');
    const locationIds = numList(ctx, 'location_id:in');
    const locations = r.locations.filter((l) => locationIds === null || locationIds.includes(l.id));
    const items = r.products.flatMap((p) =>
      p.variants
        .filter((v) => trackedStock(p, v) !== null)
        .filter(
          (v) =>
            (skus === null || skus.includes(v.sku)) &&
            (variantIds === null || variantIds.includes(v.id)) &&
            (productIds === null || productIds.includes(p.id)),
        )
        .map((v) => ({ p, v })),
    );
    collection(ctx, items, ({ p, v }) => {
      const inv = trackedStock(p, v)!;
      return {
        identity: { sku: v.sku, variant_id: v.id, product_id: p.id, sku_id: v.id === p.base_variant_id ? null : v.id },
        locations: locations.map((l) => ({
          location_id: l.id,
          location_code: l.code,
          location_name: l.label,
          available_to_sell: inv[String(l.id)] ?? 0,
          total_inventory_onhand: inv[String(l.id)] ?? 0,
          location_enabled: l.enabled,
          settings: { safety_stock: 0, is_in_stock: (inv[String(l.id)] ?? 0) > 0, warning_level: v.inventory_warning_level, bin_picking_number: '' },
        })),
      };
    });
  });

  const absoluteBody = z.object({
    reason: z.string().optional(),
    items: z
      .array(
        z
          .object({
            location_id: z.number().int(),
            quantity: z.number().int().min(0),
            sku: z.string().optional(),
            variant_id: z.number().int().optional(),
            product_id: z.number().int().optional(),
          })
          .refine((i) => i.sku !== undefined || i.variant_id !== undefined || i.product_id !== undefined, 'one of sku, variant_id, product_id'),
      )
      .min(1)
      .max(2000),
  });

  api.add('PUT', '/v3/inventory/adjustments/absolute', 'inventory', 'modify', (ctx) => {
    const parsed = absoluteBody.safeParse(parseJsonBody(ctx));
    if (!parsed.success) {
      const tooMany = parsed.error.issues.some((i) => i.code === 'too_big' && i.path.length === 1);
      throw v3Error(tooMany ? 413 : 422, tooMany ? 'Too many items: at most 2000 per request.' : 'Input is invalid', Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message])));
    }
    const r = resources(ctx.store);
    // Resolve every item first: the whole request fails if one item cannot be adjusted (422), as on BigCommerce.
    const resolved = parsed.data.items.map((item, index) => {
      const candidates = r.products.flatMap((p) => p.variants.map((v) => ({ p, v })));
      const match = candidates.find(({ p, v }) =>
        item.variant_id !== undefined ? v.id === item.variant_id : item.sku !== undefined ? v.sku === item.sku : p.id === item.product_id && v.id === p.base_variant_id,
      );
      if (!match) throw v3Error(422, 'Item not found', { [`items.${index}`]: 'No item matches the given identity.' });
      if (!r.locations.some((l) => l.id === item.location_id)) {
        throw v3Error(422, 'Location not found', { [`items.${index}.location_id`]: `Location ${item.location_id} does not exist.` });
      }
      const bucket = trackedStock(match.p, match.v);
      if (bucket === null) {
        throw v3Error(422, 'Inventory tracking mismatch', {
          [`items.${index}`]: `Product ${match.p.id} tracks inventory by ${match.p.inventory_tracking}; this item cannot be adjusted.`,
        });
      }
      return { ...match, bucket, location_id: item.location_id, quantity: item.quantity };
    });
    const changes: InventoryChange[] = resolved.map(({ p, v, bucket, location_id, quantity }) => {
      const key = String(location_id);
      const previous = bucket[key] ?? 0;
      bucket[key] = quantity;
      p.date_modified = platform.clock.now();
      return { product: p, variant: v, location_id, previous, quantity };
    });
    platform.changed();
    module.inventoryChanged(ctx.store, changes);
    ok(ctx, { transaction_id: randomUUID() });
  });

  return module;
}
