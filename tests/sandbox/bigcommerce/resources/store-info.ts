// `GET /v2/store` and `GET /v2/time` (specs/bigcommerce/store_information.v2.yml).
import type { ApiGateway } from '../api';
import { ok } from '../api';
import type { StoreState } from '../state';

const PLAN_NAMES: Record<StoreState['plan'], string> = {
  standard: 'Standard',
  plus: 'Plus',
  pro: 'Pro',
  enterprise: 'Enterprise',
};

const CURRENCY_SYMBOLS: Record<string, string> = {
  USD: '$',
  AUD: '$',
  CAD: '$',
  NZD: '$',
  EUR: '€',
  GBP: '£',
  JPY: '¥',
};

export function storeInformation(store: StoreState, ownerEmail: string): Record<string, unknown> {
  const domain = `store-${store.hash}.mybigcommerce.com`;
  return {
    id: store.hash,
    account_uuid: store.account_uuid,
    domain,
    secure_url: `https://${domain}`,
    control_panel_base_url: `https://store-${store.hash}.mybigcommerce.com`,
    status: 'live',
    name: store.name,
    first_name: 'Sandy',
    last_name: 'Box',
    address: '11305 Four Points Dr, Austin, TX 78726',
    country: 'United States',
    country_code: 'US',
    infrastructure_region: 'us-central1',
    phone: '555-123-4567',
    admin_email: ownerEmail,
    order_email: `orders@${domain}`,
    favicon_url: 'https://cdn11.bigcommerce.com/r-sandbox/img/bc_favicon.ico',
    timezone: {
      name: store.timezone,
      raw_offset: -21600,
      dst_offset: -18000,
      dst_correction: true,
      date_format: { display: 'M jS Y', export: 'M jS Y', extended_display: 'M jS Y @ g:i A' },
    },
    language: 'en',
    currency: store.currency,
    currency_symbol: CURRENCY_SYMBOLS[store.currency] ?? store.currency,
    decimal_separator: '.',
    thousands_separator: ',',
    decimal_places: store.currency === 'JPY' ? 0 : 2,
    currency_symbol_location: 'left',
    weight_units: 'Ounces',
    dimension_units: 'Inches',
    dimension_decimal_places: 2,
    dimension_decimal_token: '.',
    dimension_thousands_token: ',',
    plan_name: PLAN_NAMES[store.plan],
    plan_level: PLAN_NAMES[store.plan],
    plan_is_trial: false,
    industry: 'Retail',
    logo: [],
    is_price_entered_with_tax: store.tax_inclusive,
    store_id: store.store_id,
    default_channel_id: 1,
    default_site_id: 1000,
    active_comparison_modules: [],
    features: {
      stencil_enabled: true,
      sitewidehttps_enabled: true,
      facebook_catalog_id: '',
      checkout_type: 'optimized',
      wishlists_enabled: false,
      graphql_storefront_api_enabled: true,
      shopper_consent_tracking_enabled: true,
      multi_storefront_enabled: true,
      storefront_limits: { active: 1, total_including_inactive: 1 },
    },
  };
}

export function registerStoreInfo(api: ApiGateway): void {
  api.add('GET', '/v2/store', 'information', 'read', (ctx) => {
    ok(ctx, storeInformation(ctx.store, api.platform.owner(ctx.store).email));
  });
  api.add('GET', '/v2/time', 'none', 'read', (ctx) => {
    ok(ctx, { time: Math.floor(api.platform.clock.now() / 1000) });
  });
}
