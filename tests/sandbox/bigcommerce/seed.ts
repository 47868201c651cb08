// `POST /__sandbox/stores/{hash}/seed`: a deterministic, realistic store: catalog with variants and untracked
// items, customers, and orders across statuses, currencies, tax modes, coupons, discounts and guests.
import { toUnits } from './money';
import type { Platform } from './platform';
import { type Customer, type Product, type Variant, nextId, resources } from './resources/model';
import { type OrderPostInput, buildOrder, discountableLeft, setManualDiscount } from './resources/orders';
import { gatewayOf, ledger } from './resources/payments';
import { orderAmounts } from './resources/pricing';
import { recordRefund } from './resources/refunds';
import type { StoreState } from './state';

/** mulberry32: tiny deterministic PRNG so a seed always yields the same store. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ADJECTIVES = ['Trail', 'Summit', 'Harbor', 'Canyon', 'Meadow', 'Granite', 'Cedar', 'Aurora', 'Coastal', 'Alpine', 'Prairie', 'Delta'];
const NOUNS = ['Backpack', 'Water Bottle', 'Rain Jacket', 'Camp Mug', 'Headlamp', 'Fleece', 'Beanie', 'Trekking Pole', 'Tent Stake Set', 'Dry Bag', 'Hammock', 'Sun Hat'];
const FIRST = ['Ava', 'Liam', 'Noah', 'Mia', 'Zoe', 'Ethan', 'Isla', 'Omar', 'Priya', 'Kenji', 'Lucia', 'Mateo', 'Chloe', 'Amara', 'Finn'];
const LAST = ['Nguyen', 'Smith', 'Garcia', 'Okafor', 'Müller', 'Rossi', 'Tanaka', 'Dubois', 'Kowalski', 'Silva', 'Haddad', 'Jensen'];
const CITIES = [
  { city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', iso2: 'US' },
  { city: 'Portland', state: 'Oregon', zip: '97205', country: 'United States', iso2: 'US' },
  { city: 'Toronto', state: 'Ontario', zip: 'M5V 2T6', country: 'Canada', iso2: 'CA' },
  { city: 'Manchester', state: 'Greater Manchester', zip: 'M1 1AE', country: 'United Kingdom', iso2: 'GB' },
  { city: 'Melbourne', state: 'Victoria', zip: '3000', country: 'Australia', iso2: 'AU' },
];
/** Status mix of a real store: mostly fulfilled/awaiting, some cancelled, refunded, incomplete. */
const STATUS_MIX = [11, 11, 11, 10, 10, 10, 2, 2, 3, 9, 7, 1, 5, 4, 14, 0, 12, 6];

export interface SeedInput {
  products?: number;
  customers?: number;
  orders?: number;
  seed?: number;
}

export function seedStore(platform: Platform, store: StoreState, input: SeedInput) {
  const rnd = prng(input.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const r = resources(store);
  const now = platform.clock.now();
  const created = { products: [] as number[], customers: [] as number[], orders: [] as number[] };

  for (let i = 0; i < (input.products ?? 20); i++) {
    const id = nextId(r, 'product', 111);
    const name = `${pick(ADJECTIVES)} ${pick(NOUNS)}`;
    const sku = `${name.replace(/[^A-Za-z]/g, '').slice(0, 6).toUpperCase()}-${id}`;
    const price = toUnits(`${int(5, 180)}.${pick(['00', '50', '95', '99'])}`);
    const kind = i % 5 === 4 ? 'none' : i % 3 === 0 ? 'variant' : 'product';
    const baseVariantId = nextId(r, 'variant', 1);
    const variants: Variant[] = [
      { id: baseVariantId, product_id: id, sku, price: null, cost_price: Math.round(price / 2 / 100) * 100, weight: null, upc: '', option_values: [], inventory: {}, inventory_warning_level: 0, purchasing_disabled: false },
    ];
    if (kind === 'variant') {
      for (const [n, size] of ['S', 'M', 'L'].entries()) {
        variants.push({
          id: nextId(r, 'variant', 1),
          product_id: id,
          sku: `${sku}-${size}`,
          price: n === 2 ? price + 50_000 : null, // the L size costs 5.00 more
          cost_price: Math.round(price / 2 / 100) * 100,
          weight: null,
          upc: '',
          option_values: [{ id: 100 + n, label: size, option_id: 10, option_display_name: 'Size' }],
          inventory: { '1': int(0, 40) },
          inventory_warning_level: 2,
          purchasing_disabled: false,
        });
      }
    }
    const product: Product = {
      id,
      name,
      sku,
      type: 'physical',
      price,
      cost_price: Math.round(price / 2 / 100) * 100,
      weight: int(1, 40) / 4,
      inventory_tracking: kind,
      inventory: kind === 'product' ? { '1': int(0, 120) } : {},
      inventory_warning_level: kind === 'none' ? 0 : 5,
      is_visible: true,
      categories: [18 + (i % 4)],
      brand_id: 0,
      tax_class_id: 0,
      date_created: now - int(60, 400) * 86_400_000,
      date_modified: now - int(1, 59) * 86_400_000,
      base_variant_id: baseVariantId,
      variants,
      // From the name alone: another draw would change every seeded store after it.
      description: `<p>Our <strong>${name.toLowerCase()}</strong>, made to last.</p><p>Care: wipe clean &amp; keep dry.</p>`,
    };
    r.products.push(product);
    created.products.push(id);
  }

  for (let i = 0; i < (input.customers ?? 10); i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const place = pick(CITIES);
    const id = nextId(r, 'customer', 1);
    const customer: Customer = {
      id,
      email: `${first}.${last}.${id}@example.com`.toLowerCase().replace('ü', 'u'),
      first_name: first,
      last_name: last,
      company: rnd() < 0.2 ? `${last} & Co` : '',
      phone: `555-01${String(int(0, 99)).padStart(2, '0')}`,
      notes: '',
      tax_exempt_category: '',
      customer_group_id: 0,
      date_created: now - int(30, 700) * 86_400_000,
      date_modified: now - int(1, 29) * 86_400_000,
      accepts_product_review_abandoned_cart_emails: rnd() < 0.5,
      channel_ids: null,
      origin_channel_id: 1,
      registration_ip_address: '',
      addresses: [
        {
          id: nextId(r, 'customer_address', 1),
          first_name: first,
          last_name: last,
          company: '',
          street_1: `${int(1, 999)} ${pick(['Oak', 'Pine', 'Lake', 'Hill'])} St`,
          street_2: '',
          city: place.city,
          state: place.state,
          zip: place.zip,
          country: place.country,
          country_iso2: place.iso2,
          phone: '',
          email: '',
          address_type: 'residential',
        },
      ],
    };
    r.customers.push(customer);
    created.customers.push(id);
  }

  const sellable = r.products.filter((p) => p.variants.length > 0);
  for (let i = 0; i < (input.orders ?? 50); i++) {
    const guest = r.customers.length === 0 || rnd() < 0.2;
    const customer = guest ? undefined : pick(r.customers);
    const place = pick(CITIES);
    const first = customer?.first_name ?? pick(FIRST);
    const last = customer?.last_name ?? pick(LAST);
    const address = {
      first_name: first,
      last_name: last,
      street_1: `${int(1, 999)} Main St`,
      city: place.city,
      state: place.state,
      zip: place.zip,
      country: place.country,
      country_iso2: place.iso2,
      email: customer?.email ?? `guest${i}@example.net`,
    };
    const lineCount = int(1, 4);
    const products: OrderPostInput['products'] = [];
    for (let l = 0; l < lineCount; l++) {
      if (sellable.length === 0 || rnd() < 0.1) {
        products.push({ name: 'Gift wrapping service', sku: 'CUSTOM-WRAP', quantity: 1, price_ex_tax: '4.0000', price_inc_tax: '4.0000' });
        continue;
      }
      const product = pick(sellable);
      const variant = product.variants.length > 1 ? pick(product.variants.slice(1)) : product.variants[0]!;
      products.push({ product_id: product.id, variant_id: variant.id, quantity: int(1, 3) });
    }
    const status = pick(STATUS_MIX);
    const createdAt = now - int(1, 60 * 24) * 3_600_000;
    const foreign = rnd() < 0.2;
    const body: OrderPostInput = {
      customer_id: customer?.id ?? 0,
      status_id: status,
      billing_address: address,
      shipping_addresses: [{ ...address, shipping_method: pick(['Flat Rate', 'Free Shipping', 'UPS Ground']) }],
      products,
      base_shipping_cost: pick(['0', '5.99', '9.99', '12.50']),
      ...(rnd() < 0.15 ? { base_handling_cost: '2.00' } : {}),
      ...(rnd() < 0.1 ? { discount_amount: pick(['3.00', '5.00', '7.25']) } : {}),
      ...(rnd() < 0.2 ? { coupons: [rnd() < 0.5 ? { code: 'SAVE10', type: 1 as const, amount: '10' } : { code: 'FIVEOFF', type: 2 as const, amount: '5' }] } : {}),
      ...(rnd() < 0.05 ? { fees: [{ type: 'custom_fee' as const, display_name_customer: 'Eco fee', cost_ex_tax: '1.00', cost_inc_tax: '1.00' }] } : {}),
      ...(foreign ? { default_currency_code: pick(['EUR', 'GBP', 'CAD', 'AUD'].filter((c) => c !== store.currency)) } : {}),
      is_tax_inclusive_pricing: rnd() < 0.3 ? !store.tax_inclusive : store.tax_inclusive,
      payment_method: status === 0 ? '' : pick(['Credit Card', 'PayPal', 'Cash on Delivery', 'Bank Deposit']),
      date_created: new Date(createdAt).toUTCString(),
    };
    // The manual discount goes on after the coupons, capped at what the lines still carry: an order total can't be
    // negative (orders.v2.oas2.yml, total_inc_tax). Uncapped, seed 42 made order 3687 a 4.00 line less SAVE10 (0.40)
    // less 5.00 = -1.40, which the app rightly held. The cap changes no draw, so every other order stays the same.
    const { discount_amount: manualDiscount, ...withoutDiscount } = body;
    const order = buildOrder(platform, store, withoutDiscount);
    if (manualDiscount !== undefined) setManualDiscount(order, Math.min(toUnits(manualDiscount), discountableLeft(order)));
    order.date_modified = Math.min(now, createdAt + int(0, 72) * 3_600_000);
    if (status === 2 || status === 3) {
      const shipLines = status === 2 ? order.lines : order.lines.slice(0, 1);
      for (const line of shipLines) line.quantity_shipped = line.quantity;
      if (status === 3 && order.lines.length === 1) order.lines[0]!.quantity_shipped = Math.max(0, order.lines[0]!.quantity - 1);
      order.shipments.push({
        id: nextId(r, 'shipment', 1),
        order_address_id: order.shipping_addresses[0]!.id,
        date_created: order.date_modified,
        tracking_number: `1Z${String(order.id).padStart(10, '0')}`,
        tracking_carrier: 'ups',
        tracking_link: '',
        shipping_method: order.shipping_addresses[0]!.shipping_method,
        shipping_provider: 'ups',
        comments: '',
        merchant_shipping_cost: 0,
        items: shipLines.map((l) => ({ order_product_id: l.id, product_id: l.product_id, quantity: l.quantity_shipped })),
      });
      order.date_shipped = order.date_modified;
    }
    ledger(store, order); // the payment taken at creation, for the order as it finally stands
    const refundAmount = status === 4 ? orderAmounts(order).total_inc : status === 14 ? Math.round(orderAmounts(order).total_inc / 2 / 100) * 100 : 0;
    if (refundAmount > 0) {
      // An order-level amount (no tax re-calculated) paid back through the order's own payment method.
      recordRefund(store, order, {
        created: order.date_modified,
        reason: status === 4 ? 'Customer returned everything' : 'Damaged item',
        total_amount: refundAmount,
        total_tax: 0,
        uses_merchant_override_values: false,
        items: [{ item_type: 'ORDER', item_id: order.id, quantity: null, requested_amount: refundAmount, reason: '', tax: 0 }],
        payments: [{ provider_id: gatewayOf(order).id, amount: refundAmount }],
      });
    }
    r.orders.push(order);
    created.orders.push(order.id);
  }
  platform.changed();
  return {
    products: created.products.length,
    customers: created.customers.length,
    orders: created.orders.length,
    product_ids: created.products,
    customer_ids: created.customers,
    order_ids: created.orders,
  };
}
