// The demo's shoppers: a new order in the sandbox store every so often while `npm run demo` runs, placed through the
// store's own API (POST /v2/orders) so BigCommerce's webhooks fire for it as for any order, and the app posts it.
import { prng } from './bigcommerce/seed';

const SHOPPERS = [
  { first_name: 'Ada', last_name: 'Lovelace', city: 'Austin', state: 'Texas', zip: '78701', email: 'ada@example.com' },
  { first_name: 'Grace', last_name: 'Hopper', city: 'Arlington', state: 'Virginia', zip: '22201', email: 'grace@example.com' },
  { first_name: 'Alan', last_name: 'Turing', city: 'Portland', state: 'Oregon', zip: '97201', email: 'alan@example.com' },
  { first_name: 'Katherine', last_name: 'Johnson', city: 'Hampton', state: 'Virginia', zip: '23666', email: 'katherine@example.com' },
  { first_name: 'Edsger', last_name: 'Dijkstra', city: 'Boston', state: 'Massachusetts', zip: '02108', email: 'edsger@example.com' },
];

interface CatalogProduct {
  id: number;
  name: string;
  inventory_tracking: string;
  inventory_level: number;
  is_visible?: boolean;
}

export interface OrderTicker {
  /** Ids of the orders placed so far. */
  placed(): number[];
  stop(): void;
}

export interface OrderTickerOptions {
  /** The store API's base, e.g. http://localhost:4100/stores/demostore. */
  storeApi: string;
  accessToken: string;
  intervalMs: number;
  log: (line: string) => void;
  seed?: number;
}

export function startOrderTicker(options: OrderTickerOptions): OrderTicker {
  const rnd = prng(options.seed ?? Date.now() % 2 ** 31);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const placed: number[] = [];
  let catalog: CatalogProduct[] | null = null;
  let failures = 0;
  const call = async <T>(method: string, pathname: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${options.storeApi}${pathname}`, {
      method,
      headers: { 'x-auth-token': options.accessToken, accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${pathname} answered ${response.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  };

  async function placeOne(): Promise<void> {
    catalog ??= (await call<{ data: CatalogProduct[] }>('GET', '/v3/catalog/products?limit=250')).data;
    const sellable = catalog.filter((p) => p.inventory_tracking === 'none' || p.inventory_level > 3);
    if (sellable.length === 0) throw new Error('the demo store has no product in stock');
    const lines = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({ product_id: pick(sellable).id, quantity: 1 + Math.floor(rnd() * 2) }));
    const shopper = pick(SHOPPERS);
    const order = await call<{ id: number; total_inc_tax: string; currency_code: string }>('POST', '/v2/orders', {
      customer_id: 0,
      status_id: 11, // Awaiting Fulfillment: paid and to be shipped, what a store's checkout leaves
      payment_method: 'Credit Card',
      billing_address: { ...shopper, street_1: `${1 + Math.floor(rnd() * 900)} Main St`, country: 'United States', country_iso2: 'US' },
      base_shipping_cost: pick(['0', '5.99', '9.99']),
      products: lines,
    });
    placed.push(order.id);
    catalog = null; // stock moved: read it again next time
    options.log(`new order #${order.id} in the store (${Number(order.total_inc_tax).toFixed(2)} ${order.currency_code})`);
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      placeOne()
        .then(() => (failures = 0))
        .catch((error: unknown) => {
          failures += 1;
          // One line, not one per tick: the store may be busy or gone (the demo is stopping).
          if (failures === 1) options.log(`could not place a demo order: ${error instanceof Error ? error.message : String(error)}`);
        })
        .finally(schedule);
    }, options.intervalMs);
  };
  schedule();
  return {
    placed: () => [...placed],
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
