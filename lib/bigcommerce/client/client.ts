/**
 * The typed BigCommerce client: one per store, every operation the app performs on a store. Each operation
 * returns `Result<T, BcFailure>`; a response our wire schema rejects throws `BigCommerceContractError` (a bug).
 * Transport concerns (auth header, pacing, retries, timeouts) live in transport.ts, quota pacing in
 * rate-limiter.ts, paging in pagination.ts.
 */
import { z } from 'zod';
import { err, ok, type Result } from '@/lib/errors';
import { orderSchema, orderListSchema, orderTaxesSchema, type BcOrder, type BcOrderTax } from '@/lib/bigcommerce/schemas/orders';
import { BigCommerceContractError, type BcFailure } from './failures';
import {
  toCustomer,
  toHook,
  toInventoryItem,
  toLocation,
  toOrderStatus,
  toProduct,
  toRefund,
  toStore,
  toTransaction,
  toVariant,
  type AbsoluteAdjustmentItem,
  type BcCustomer,
  type BcHook,
  type BcInventoryItem,
  type BcLocation,
  type BcOrderStatus,
  type BcProduct,
  type BcRefund,
  type BcStore,
  type BcTransaction,
  type BcVariant,
  type HookInput,
  type InventoryTracking,
} from './model';
import { chunk, collectV3, PAGE_LIMIT, v2Pages, type V3Page } from './pagination';
import { sharedRateLimiter, systemClock, type Clock, type RateLimiter } from './rate-limiter';
import { checkScopes, type ScopeCheck } from './scopes';
import { createTransport, DEFAULT_RETRY, type BcRequest, type ClientLog, type HttpFetch, type RetryPolicy } from './transport';
import {
  inventoryTracking,
  wireCollection,
  wireCustomer,
  wireHook,
  wireInventoryItem,
  wireLocation,
  wireOrderStatuses,
  wireProduct,
  wireRefund,
  wireSingle,
  wireStore,
  wireTransaction,
  wireTransactionResponse,
  wireVariant,
  type WireAbsoluteAdjustment,
  type WireAbsoluteItem,
  type WireHookCreate,
  type WireHookUpdate,
} from './wire';

export interface BigCommerceClientDeps {
  fetch: HttpFetch;
  /** `https://api.bigcommerce.com` (or the sandbox); calls go to `{apiUrl}/stores/{hash}/v2|v3/...`. */
  apiUrl: string;
  storeHash: string;
  accessToken: string;
  clock?: Clock;
  log?: ClientLog;
  /** Defaults to the process-wide limiter of this store hash. */
  rateLimiter?: RateLimiter;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

/** `include` that embeds line items, shipping consignments and fees in each order: one call per 250 orders. */
export const ORDER_INCLUDE = { include: 'consignments.line_items,fees', consignment_structure: 'object' } as const;

/** products_catalog.v3.yml: "Batches are limited to 10 products"; product-variants_catalog.v3.yml: 50 variants. */
export const PRODUCT_UPDATE_BATCH = 10;
export const VARIANT_UPDATE_BATCH = 50;

export interface ProductDetailsUpdate {
  productId: number;
  name?: string;
  /** Decimal string. */
  price?: string;
  /** HTML. */
  description?: string;
}
export interface VariantPriceUpdate {
  variantId: number;
  /** Decimal string. */
  price: string;
}
export interface CatalogBatchOutcome<T> {
  items: T[];
  attempted: boolean;
  result: Result<void, BcFailure>;
}

/**
 * BigCommerce's catalog prices are JSON numbers. A decimal string of up to 15 significant digits (4 places: any
 * price a store can hold) is exactly the shortest form of its double, so the number written is the decimal given.
 */
export function wireNumber(value: string): number {
  const n = Number(value);
  if (!/^-?\d+(\.\d+)?$/.test(value) || !Number.isFinite(n) || value.replace(/^-?0*|\.|0+$/g, '').length > 15) {
    throw new Error(`not a price BigCommerce can take exactly: ${value}`);
  }
  return n;
}

/**
 * Sends `items` in batches; a batch BigCommerce refuses (422, 409) does not stop the others, an auth, scope, rate-limit
 * or availability failure does, and the remaining batches are reported unsent.
 */
async function catalogBatches<T>(items: readonly T[], size: number, send: (items: T[]) => Promise<Result<unknown, BcFailure>>): Promise<CatalogBatchOutcome<T>[]> {
  const outcomes: CatalogBatchOutcome<T>[] = [];
  let stopped: BcFailure | null = null;
  for (const part of chunk(items, size)) {
    if (stopped) {
      outcomes.push({ items: part, attempted: false, result: err(stopped) });
      continue;
    }
    const r = await send(part);
    outcomes.push({ items: part, attempted: true, result: r.ok ? ok(undefined) : r });
    if (!r.ok && r.error.kind !== 'Validation' && r.error.kind !== 'NotFound') stopped = r.error;
  }
  return outcomes;
}

/** Ids, emails and SKUs per `:in` filter: keeps URLs well under common length limits. */
export const IN_FILTER_CHUNK = 50;
/** BigCommerce accepts at most 2,000 items per absolute adjustment. */
export const ABSOLUTE_ADJUSTMENT_BATCH = 2_000;

export interface ListOrdersFilter {
  minDateCreated?: Date | string;
  maxDateCreated?: Date | string;
  minDateModified?: Date | string;
  maxDateModified?: Date | string;
  /** V2 filters one status per request: each status is listed in turn. */
  statusIds?: number[];
  minId?: number;
  maxId?: number;
  sort?: 'date_modified:asc' | 'id:asc';
  /** Page size, at most 250 (the default). */
  limit?: number;
}

export interface AdjustmentBatchOutcome {
  /** The items of this batch, in the order given. */
  items: AbsoluteAdjustmentItem[];
  /** False when an earlier batch failed in a way that makes sending this one pointless (auth, scope, outage). */
  attempted: boolean;
  result: Result<{ transactionId: string }, BcFailure>;
}

const SCOPES = {
  information: 'store_v2_information_read_only',
  ordersRead: 'store_v2_orders_read_only',
  ordersModify: 'store_v2_orders',
  customersRead: 'store_v2_customers_read_only',
  productsRead: 'store_v2_products_read_only',
  productsModify: 'store_v2_products',
  inventoryRead: 'store_inventory_read_only',
  inventoryModify: 'store_inventory',
  transactionsRead: 'store_v2_transactions_read_only',
} as const;

/**
 * V2 date filters take RFC 2822 or ISO 8601 without fractions of a second
 * (orders.v2.oas2.yml `min_date_modified`): round the lower bound down and the upper bound up so nothing is missed.
 */
export function formatDateFilter(value: Date | string, bound: 'min' | 'max'): string {
  if (typeof value === 'string') return value;
  const ms = value.getTime();
  const seconds = bound === 'min' ? Math.floor(ms / 1000) : Math.ceil(ms / 1000);
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function unique<T>(items: readonly T[], key: (t: T) => unknown = (t) => t): T[] {
  const seen = new Set<unknown>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function toWireAbsoluteItem(item: AbsoluteAdjustmentItem): WireAbsoluteItem {
  if (!Number.isInteger(item.quantity) || item.quantity < 0) throw new Error(`absolute stock level must be a whole number ≥ 0, got ${item.quantity}`);
  if (item.sku !== undefined) return { location_id: item.locationId, sku: item.sku, quantity: item.quantity };
  if (item.variantId !== undefined) return { location_id: item.locationId, variant_id: item.variantId, quantity: item.quantity };
  return { location_id: item.locationId, product_id: item.productId, quantity: item.quantity };
}

// Schemas built once per process, not per client: a client is made per job step, and building zod schemas showed in
// the fleet benchmark's profile.
/** A V2 list before its items are parsed (so the next page can be requested first). */
const rawList = z.array(z.unknown());
const productClassification = z.looseObject({ id: z.number().int(), categories: z.array(z.number().int()).optional(), brand_id: z.number().int().nullable().optional() });
const productTracking = z.looseObject({ id: z.number().int(), inventory_tracking: inventoryTracking, base_variant_id: z.number().int().nullable().optional() });
const countAnswer = z.looseObject({ count: z.number().int() });

export function createBigCommerceClient(deps: BigCommerceClientDeps) {
  const clock = deps.clock ?? systemClock;
  const transport = createTransport({
    fetch: deps.fetch,
    apiUrl: deps.apiUrl,
    storeHash: deps.storeHash,
    accessToken: deps.accessToken,
    clock,
    rateLimiter: deps.rateLimiter ?? sharedRateLimiter(deps.storeHash),
    timeoutMs: deps.timeoutMs ?? 30_000,
    retry: { ...DEFAULT_RETRY, ...deps.retry },
    log: deps.log,
  });

  function parse<S extends z.ZodType>(schema: S, body: unknown, operation: string): z.infer<S> {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new BigCommerceContractError(operation, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
    }
    return parsed.data;
  }

  /** A call whose JSON answer is parsed with `schema`; an empty body (204) is parsed as `empty`. */
  async function call<S extends z.ZodType>(req: BcRequest, schema: S, empty?: unknown): Promise<Result<z.infer<S>, BcFailure>> {
    const response = await transport.request(req);
    if (!response.ok) return response;
    const body = response.value.body === undefined ? empty : response.value.body;
    return ok(parse(schema, body, req.operation));
  }

  /** Every item of a V3 list (all pages), parsed with `item`. */
  function listV3<S extends z.ZodType>(req: Omit<BcRequest, 'method'>, item: S): Promise<Result<Array<z.infer<S>>, BcFailure>> {
    const envelope = wireCollection(item);
    return collectV3(async (page): Promise<Result<V3Page<z.infer<S>>, BcFailure>> => {
      const r = await call({ ...req, method: 'GET', query: { ...req.query, page, limit: PAGE_LIMIT } }, envelope, { data: [] });
      if (!r.ok) return r;
      return ok({ items: r.value.data as Array<z.infer<S>>, pagination: r.value.meta?.pagination });
    });
  }

  /** Runs `fetchChunk` over chunks of `values` (one `:in` request each) and concatenates the results. */
  async function inChunks<V, T>(values: readonly V[], fetchChunk: (part: V[]) => Promise<Result<T[], BcFailure>>): Promise<Result<T[], BcFailure>> {
    const all: T[] = [];
    for (const part of chunk(values, IN_FILTER_CHUNK)) {
      const r = await fetchChunk(part);
      if (!r.ok) return r;
      all.push(...r.value);
    }
    return ok(all);
  }

  /**
   * SKUs by `sku:in`, except SKUs containing a comma (the list separator), which are asked one by one with `sku=`.
   */
  async function bySkus<T>(skus: readonly string[], fetch: (query: Record<string, string>) => Promise<Result<T[], BcFailure>>) {
    const wanted = unique(skus.filter((s) => s !== ''));
    const plain = wanted.filter((s) => !s.includes(','));
    const odd = wanted.filter((s) => s.includes(','));
    const listed = await inChunks(plain, (part) => fetch({ 'sku:in': part.join(',') }));
    if (!listed.ok) return listed;
    const all = [...listed.value];
    for (const sku of odd) {
      const r = await fetch({ sku });
      if (!r.ok) return r;
      all.push(...r.value);
    }
    return ok(all);
  }

  /** Product id → categories and brand (null: not in the catalog), for this client's life. */
  const classified = new Map<number, { categories: number[]; brandId: number | null } | null>();

  const client = {
    storeHash: deps.storeHash,

    /** `GET /v2/store`: the connection test; plan, currency and timezone. */
    /** Which of `scopes` this token lacks, each probed with a call that changes nothing (scopes.ts). */
    checkScopes(scopes: readonly string[]): Promise<Result<ScopeCheck, BcFailure>> {
      return checkScopes(transport.request, scopes);
    },

    async storeInfo(): Promise<Result<BcStore, BcFailure>> {
      const r = await call({ method: 'GET', path: '/v2/store', operation: 'GET /v2/store', scope: SCOPES.information }, wireStore);
      return r.ok ? ok(toStore(r.value)) : r;
    },

    /**
     * Orders matching the filter with line items, consignments and fees embedded, 250 per page, as an async
     * iterator of pages. Stops after yielding a failure. Sorted by `date_modified` ascending by default, so a
     * sweep can move its watermark page by page; an order modified while we page may shift pages, which the
     * sweep's overlap absorbs.
     */
    listOrders(filter: ListOrdersFilter = {}): AsyncIterable<Result<BcOrder[], BcFailure>> {
      const statuses: Array<number | undefined> = filter.statusIds && filter.statusIds.length > 0 ? unique(filter.statusIds) : [undefined];
      const base = {
        ...ORDER_INCLUDE,
        sort: filter.sort ?? 'date_modified:asc',
        min_date_created: filter.minDateCreated === undefined ? undefined : formatDateFilter(filter.minDateCreated, 'min'),
        max_date_created: filter.maxDateCreated === undefined ? undefined : formatDateFilter(filter.maxDateCreated, 'max'),
        min_date_modified: filter.minDateModified === undefined ? undefined : formatDateFilter(filter.minDateModified, 'min'),
        max_date_modified: filter.maxDateModified === undefined ? undefined : formatDateFilter(filter.maxDateModified, 'max'),
        min_id: filter.minId,
        max_id: filter.maxId,
      };
      return (async function* () {
        for (const statusId of statuses) {
          const pages = v2Pages<BcOrder>(
            (page, limit) =>
              call(
                { method: 'GET', path: '/v2/orders', query: { ...base, status_id: statusId, page, limit }, operation: 'GET /v2/orders', scope: SCOPES.ordersRead },
                rawList,
                [],
              ),
            (items) => parse(orderListSchema, items, 'GET /v2/orders'),
            { limit: filter.limit, keyOf: (o) => o.id },
          );
          for await (const page of pages) {
            yield page;
            if (!page.ok) return;
          }
        }
      })();
    },

    /**
     * One page of orders (line items, consignments and fees embedded), for callers that checkpoint page by page
     * (backfills): `more` is false on the last page. One status at most (V2 filters one status per request).
     */
    async ordersPage(
      filter: Omit<ListOrdersFilter, 'statusIds'> & { statusId?: number },
      page: number,
    ): Promise<Result<{ orders: BcOrder[]; more: boolean }, BcFailure>> {
      const limit = Math.min(PAGE_LIMIT, Math.max(1, filter.limit ?? PAGE_LIMIT));
      const query = {
        ...ORDER_INCLUDE,
        sort: filter.sort ?? 'id:asc',
        min_date_created: filter.minDateCreated === undefined ? undefined : formatDateFilter(filter.minDateCreated, 'min'),
        min_date_modified: filter.minDateModified === undefined ? undefined : formatDateFilter(filter.minDateModified, 'min'),
        max_date_modified: filter.maxDateModified === undefined ? undefined : formatDateFilter(filter.maxDateModified, 'max'),
        min_id: filter.minId,
        max_id: filter.maxId,
        status_id: filter.statusId,
        page,
        limit,
      };
      const r = await call({ method: 'GET', path: '/v2/orders', query, operation: 'GET /v2/orders', scope: SCOPES.ordersRead }, rawList, []);
      if (!r.ok) return r;
      return ok({ orders: parse(orderListSchema, r.value, 'GET /v2/orders'), more: r.value.length >= limit });
    },

    /** `GET /v2/orders/count` with the same filters: the size of a backfill, for its progress bar. */
    async ordersCount(filter: Omit<ListOrdersFilter, 'statusIds' | 'sort' | 'limit'> & { statusId?: number }): Promise<Result<number, BcFailure>> {
      const query = {
        min_date_created: filter.minDateCreated === undefined ? undefined : formatDateFilter(filter.minDateCreated, 'min'),
        min_date_modified: filter.minDateModified === undefined ? undefined : formatDateFilter(filter.minDateModified, 'min'),
        status_id: filter.statusId,
      };
      const r = await call(
        { method: 'GET', path: '/v2/orders/count', query, operation: 'GET /v2/orders/count', scope: SCOPES.ordersRead },
        countAnswer,
      );
      return r.ok ? ok(r.value.count) : r;
    },

    /** `GET /v2/orders/{id}/taxes?details=true`: per-rate tax detail, only when the tax mappings need it. */
    orderTaxes(orderId: number): Promise<Result<BcOrderTax[], BcFailure>> {
      return call(
        { method: 'GET', path: `/v2/orders/${orderId}/taxes`, query: { details: 'true' }, operation: 'GET /v2/orders/{id}/taxes', scope: SCOPES.ordersRead },
        orderTaxesSchema,
        [],
      );
    },

    /** One order with line items, consignments and fees embedded. */
    getOrder(orderId: number): Promise<Result<BcOrder, BcFailure>> {
      return call(
        { method: 'GET', path: `/v2/orders/${orderId}`, query: { ...ORDER_INCLUDE }, operation: 'GET /v2/orders/{id}', scope: SCOPES.ordersRead },
        orderSchema,
      );
    },

    /** The 15 statuses with the merchant's custom labels. */
    async orderStatuses(): Promise<Result<BcOrderStatus[], BcFailure>> {
      const r = await call({ method: 'GET', path: '/v2/order_statuses', operation: 'GET /v2/order_statuses', scope: SCOPES.ordersRead }, wireOrderStatuses, []);
      return r.ok ? ok(r.value.map(toOrderStatus)) : r;
    },

    /**
     * Moves an order to a status. The body is only `{"status_id": N}`: a PUT that carries products rewrites the
     * line items and drops their discounts (PLATFORM-FACTS, "Status write-back").
     */
    setOrderStatus(orderId: number, statusId: number): Promise<Result<BcOrder, BcFailure>> {
      if (!Number.isInteger(statusId) || statusId < 0) throw new Error(`status id must be a whole number, got ${statusId}`);
      return call(
        { method: 'PUT', path: `/v2/orders/${orderId}`, body: { status_id: statusId }, operation: 'PUT /v2/orders/{id}', scope: SCOPES.ordersModify },
        orderSchema,
      );
    },

    /** Customers by id (`id:in`, 50 per request). Unknown ids are simply absent. */
    async customersByIds(ids: readonly number[]): Promise<Result<BcCustomer[], BcFailure>> {
      const r = await inChunks(unique(ids.filter((id) => id > 0)), (part) =>
        listV3({ path: '/v3/customers', query: { 'id:in': part.join(',') }, operation: 'GET /v3/customers', scope: SCOPES.customersRead }, wireCustomer),
      );
      return r.ok ? ok(r.value.map(toCustomer)) : r;
    },

    /**
     * Every customer of the store, page by page (customers.v3.yml `GET /customers`: `page`, `limit` up to 250,
     * `meta.pagination`), for `customers import`.
     */
    async allCustomers(): Promise<Result<BcCustomer[], BcFailure>> {
      const r = await listV3({ path: '/v3/customers', query: {}, operation: 'GET /v3/customers', scope: SCOPES.customersRead }, wireCustomer);
      return r.ok ? ok(r.value.map(toCustomer)) : r;
    },

    /** Customers by email (`email:in`, 50 per request, case-insensitive). */
    async customersByEmails(emails: readonly string[]): Promise<Result<BcCustomer[], BcFailure>> {
      const wanted = unique(emails.map((e) => e.trim()).filter(Boolean), (e) => e.toLowerCase());
      const r = await inChunks(wanted, (part) =>
        listV3({ path: '/v3/customers', query: { 'email:in': part.join(',') }, operation: 'GET /v3/customers', scope: SCOPES.customersRead }, wireCustomer),
      );
      return r.ok ? ok(unique(r.value.map(toCustomer), (c) => c.id)) : r;
    },

    /**
     * The categories and brand of catalog products by id (`id:in`, 50 ids a request, only those fields:
     * products_catalog.v3.yml `GET /catalog/products`, product_Full `categories`, `brand_id`), for revenue account
     * rules. Remembered for the client's life (one step run), so an order's products are read once. A product not
     * in the catalog any more is absent.
     */
    async productClassifications(ids: readonly number[]): Promise<Result<Map<number, { categories: number[]; brandId: number | null }>, BcFailure>> {
      const wanted = unique(ids.filter((id) => id > 0 && !classified.has(id)));
      const r = await inChunks(wanted, (part) =>
        listV3(
          {
            path: '/v3/catalog/products',
            query: { 'id:in': part.join(','), include_fields: 'id,categories,brand_id' },
            operation: 'GET /v3/catalog/products',
            scope: SCOPES.productsRead,
          },
          productClassification,
        ),
      );
      if (!r.ok) return r;
      for (const p of r.value) classified.set(p.id, { categories: p.categories ?? [], brandId: p.brand_id ? p.brand_id : null });
      for (const id of wanted) if (!classified.has(id)) classified.set(id, null);
      const out = new Map<number, { categories: number[]; brandId: number | null }>();
      for (const id of ids) {
        const found = classified.get(id);
        if (found) out.set(id, found);
      }
      return ok(out);
    },

    /** Catalog products by SKU, with their inventory tracking mode. */
    async productsBySkus(skus: readonly string[]): Promise<Result<BcProduct[], BcFailure>> {
      const r = await bySkus(skus, (filter) =>
        listV3(
          {
            path: '/v3/catalog/products',
            query: { ...filter, include_fields: 'id,name,sku,inventory_tracking,inventory_level,base_variant_id,price' },
            operation: 'GET /v3/catalog/products',
            scope: SCOPES.productsRead,
          },
          wireProduct,
        ),
      );
      return r.ok ? ok(unique(r.value.map(toProduct), (p) => p.id)) : r;
    },

    /**
     * Variants by SKU (every product has at least its base variant, so this finds simple products too), each with
     * its product's inventory tracking mode, which decides how its stock can be adjusted.
     */
    async variantsBySkus(skus: readonly string[]): Promise<Result<BcVariant[], BcFailure>> {
      const variants = await bySkus(skus, (filter) =>
        listV3({ path: '/v3/catalog/variants', query: filter, operation: 'GET /v3/catalog/variants', scope: SCOPES.productsRead }, wireVariant),
      );
      if (!variants.ok) return variants;
      const productIds = unique(variants.value.map((v) => v.product_id));
      const products = await inChunks(productIds, (part) =>
        listV3(
          {
            path: '/v3/catalog/products',
            query: { 'id:in': part.join(','), include_fields: 'id,inventory_tracking,base_variant_id' },
            operation: 'GET /v3/catalog/products',
            scope: SCOPES.productsRead,
          },
          productTracking,
        ),
      );
      if (!products.ok) return products;
      const byId = new Map<number, { inventoryTracking: InventoryTracking; baseVariantId: number | null }>(
        products.value.map((p) => [p.id, { inventoryTracking: p.inventory_tracking, baseVariantId: p.base_variant_id ?? null }]),
      );
      const out: BcVariant[] = [];
      for (const v of unique(variants.value, (x) => x.id)) {
        const product = byId.get(v.product_id);
        // A product deleted between the two calls: its variant is gone too.
        if (product) out.push(toVariant(v, product));
      }
      return ok(out);
    },

    /** Stock levels per location (`GET /v3/inventory/items`) for the given SKUs and, optionally, locations. */
    async inventoryItems(input: { skus: readonly string[]; locationIds?: readonly number[] }): Promise<Result<BcInventoryItem[], BcFailure>> {
      const locations = input.locationIds && input.locationIds.length > 0 ? unique(input.locationIds).join(',') : undefined;
      const r = await bySkus(input.skus, (filter) =>
        listV3(
          { path: '/v3/inventory/items', query: { ...filter, 'location_id:in': locations }, operation: 'GET /v3/inventory/items', scope: SCOPES.inventoryRead },
          wireInventoryItem,
        ),
      );
      return r.ok ? ok(r.value.map(toInventoryItem)) : r;
    },

    /**
     * Sets absolute stock levels, at most 2,000 items per request (inventory.v3.yml). Returns one outcome per
     * batch: a batch BigCommerce refuses (422, e.g. an item tracked at another level) does not stop the others;
     * an auth, scope, rate-limit or availability failure does, and the remaining batches are reported unsent.
     */
    async adjustInventoryAbsolute(input: { reason?: string; items: readonly AbsoluteAdjustmentItem[] }): Promise<AdjustmentBatchOutcome[]> {
      const outcomes: AdjustmentBatchOutcome[] = [];
      let stopped: BcFailure | null = null;
      for (const items of chunk(input.items, ABSOLUTE_ADJUSTMENT_BATCH)) {
        if (stopped) {
          outcomes.push({ items, attempted: false, result: err(stopped) });
          continue;
        }
        const body: WireAbsoluteAdjustment = { ...(input.reason ? { reason: input.reason } : {}), items: items.map(toWireAbsoluteItem) };
        const r = await call(
          { method: 'PUT', path: '/v3/inventory/adjustments/absolute', body, operation: 'PUT /v3/inventory/adjustments/absolute', scope: SCOPES.inventoryModify },
          wireTransactionResponse,
        );
        outcomes.push({ items, attempted: true, result: r.ok ? ok({ transactionId: r.value.transaction_id }) : r });
        if (!r.ok && r.error.kind !== 'Validation' && r.error.kind !== 'NotFound') stopped = r.error;
      }
      return outcomes;
    },

    /**
     * The whole catalog as variants (every product with its variants embedded, 250 products a call): cheaper than
     * `variantsBySkus` when most of a large set of SKUs is unknown. Products without variants give their base variant.
     */
    async catalogVariants(): Promise<Result<BcVariant[], BcFailure>> {
      const r = await client.catalogProducts();
      return r.ok ? ok(r.value.flatMap((p) => p.variants)) : r;
    },

    /** Every product with its name, price and variants (250 products a call), for importing items into the books. */
    async catalogProducts(): Promise<Result<Array<{ product: BcProduct; variants: BcVariant[] }>, BcFailure>> {
      const withVariants = wireProduct.extend({ variants: z.array(wireVariant).optional() });
      const r = await listV3(
        {
          path: '/v3/catalog/products',
          query: { include: 'variants', include_fields: 'id,name,sku,inventory_tracking,inventory_level,base_variant_id,price,description' },
          operation: 'GET /v3/catalog/products',
          scope: SCOPES.productsRead,
        },
        withVariants,
      );
      if (!r.ok) return r;
      return ok(
        r.value.map((p) => {
          const product = toProduct(p);
          const tracking = { inventoryTracking: p.inventory_tracking, baseVariantId: p.base_variant_id ?? null };
          return { product, variants: (p.variants ?? []).map((v) => toVariant(v, tracking)) };
        }),
      );
    },

    /**
     * Product details (name, price, HTML description; only the fields given), 10 products a request
     * (products_catalog.v3.yml `PUT /catalog/products`). One outcome per batch: a refused batch does not stop the others.
     */
    async updateProducts(updates: readonly ProductDetailsUpdate[]): Promise<CatalogBatchOutcome<ProductDetailsUpdate>[]> {
      return catalogBatches(updates, PRODUCT_UPDATE_BATCH, (items) =>
        call(
          {
            method: 'PUT',
            path: '/v3/catalog/products',
            body: items.map((u) => ({
              id: u.productId,
              ...(u.name !== undefined ? { name: u.name } : {}),
              ...(u.price !== undefined ? { price: wireNumber(u.price) } : {}),
              ...(u.description !== undefined ? { description: u.description } : {}),
            })),
            operation: 'PUT /v3/catalog/products',
            scope: SCOPES.productsModify,
          },
          wireCollection(wireProduct),
        ),
      );
    },

    /** Variant prices, 50 variants a request (product-variants_catalog.v3.yml `PUT /catalog/variants`). */
    async updateVariants(updates: readonly VariantPriceUpdate[]): Promise<CatalogBatchOutcome<VariantPriceUpdate>[]> {
      return catalogBatches(updates, VARIANT_UPDATE_BATCH, (items) =>
        call(
          {
            method: 'PUT',
            path: '/v3/catalog/variants',
            body: items.map((u) => ({ id: u.variantId, price: wireNumber(u.price) })),
            operation: 'PUT /v3/catalog/variants',
            scope: SCOPES.productsModify,
          },
          wireCollection(wireVariant),
        ),
      );
    },

    async inventoryLocations(): Promise<Result<BcLocation[], BcFailure>> {
      const r = await listV3({ path: '/v3/inventory/locations', operation: 'GET /v3/inventory/locations', scope: SCOPES.inventoryRead }, wireLocation);
      return r.ok ? ok(r.value.map(toLocation)) : r;
    },

    /** Refunds of an order (V3; the V2 `refunded_amount` is not reliable). */
    async refunds(orderId: number): Promise<Result<BcRefund[], BcFailure>> {
      const r = await listV3(
        { path: `/v3/orders/${orderId}/payment_actions/refunds`, operation: 'GET /v3/orders/{id}/payment_actions/refunds', scope: SCOPES.transactionsRead },
        wireRefund,
      );
      return r.ok ? ok(r.value.map(toRefund)) : r;
    },

    /**
     * Refunds of many orders, or created since an instant (the sweep's safety net for lost refund webhooks): GET
     * /v3/orders/payment_actions/refunds with `order_id:in` (chunked) or `created:min` (RFC 3339), by id ascending.
     */
    async listRefunds(filter: { orderIds?: readonly number[]; createdMin?: string }): Promise<Result<BcRefund[], BcFailure>> {
      const req = (query: Record<string, string>) =>
        listV3({ path: '/v3/orders/payment_actions/refunds', operation: 'GET /v3/orders/payment_actions/refunds', scope: SCOPES.transactionsRead, query }, wireRefund);
      const base: Record<string, string> = filter.createdMin ? { 'created:min': filter.createdMin } : {};
      const r = filter.orderIds
        ? await inChunks(unique(filter.orderIds), (part) => req({ ...base, 'order_id:in': part.join(',') }))
        : await req(base);
      return r.ok ? ok(r.value.map(toRefund).sort((a, b) => a.id - b.id)) : r;
    },

    async orderTransactions(orderId: number): Promise<Result<BcTransaction[], BcFailure>> {
      const r = await listV3({ path: `/v3/orders/${orderId}/transactions`, operation: 'GET /v3/orders/{id}/transactions', scope: SCOPES.transactionsRead }, wireTransaction);
      return r.ok ? ok(r.value.map(toTransaction)) : r;
    },

    /** This token's webhooks (BigCommerce shows each app only the hooks it created). */
    async listHooks(): Promise<Result<BcHook[], BcFailure>> {
      const r = await listV3({ path: '/v3/hooks', operation: 'GET /v3/hooks' }, wireHook);
      return r.ok ? ok(r.value.map(toHook)) : r;
    },

    async createHook(input: HookInput): Promise<Result<BcHook, BcFailure>> {
      const body: WireHookCreate = {
        scope: input.scope,
        destination: input.destination,
        is_active: input.isActive ?? true,
        ...(input.headers ? { headers: input.headers } : {}),
      };
      const r = await call({ method: 'POST', path: '/v3/hooks', body, operation: 'POST /v3/hooks' }, wireSingle(wireHook));
      return r.ok ? ok(toHook(r.value.data)) : r;
    },

    async updateHook(hookId: number, patch: Partial<HookInput>): Promise<Result<BcHook, BcFailure>> {
      const body: WireHookUpdate = {
        ...(patch.scope !== undefined ? { scope: patch.scope } : {}),
        ...(patch.destination !== undefined ? { destination: patch.destination } : {}),
        ...(patch.isActive !== undefined ? { is_active: patch.isActive } : {}),
        ...(patch.headers !== undefined ? { headers: patch.headers } : {}),
      };
      if (Object.keys(body).length === 0) throw new Error('updateHook needs at least one field (webhooks.v3.yml webhook_Put)');
      const r = await call({ method: 'PUT', path: `/v3/hooks/${hookId}`, body, operation: 'PUT /v3/hooks/{id}' }, wireSingle(wireHook));
      return r.ok ? ok(toHook(r.value.data)) : r;
    },

    async deleteHook(hookId: number): Promise<Result<BcHook | null, BcFailure>> {
      const r = await call({ method: 'DELETE', path: `/v3/hooks/${hookId}`, operation: 'DELETE /v3/hooks/{id}' }, wireSingle(wireHook).nullable(), null);
      return r.ok ? ok(r.value ? toHook(r.value.data) : null) : r;
    },
  };
  return client;
}

export type BigCommerceClient = ReturnType<typeof createBigCommerceClient>;
