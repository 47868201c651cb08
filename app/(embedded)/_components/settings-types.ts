/** The settings as the API sends them (lib/sync/settings.ts, after defaults). */
export interface Settings {
  schemaVersion: number;
  orders: {
    importStatusIds: number[];
    ignoredStatusIds: number[];
    voidStatusIds: number[];
    refundStatusIds: number[];
    statusAfterImport: number | null;
    statusOnError: number | null;
    ordersFromDate: string | null;
    autoSync: boolean;
    sweepIntervalMinutes: number;
  };
  document: { kind: 'invoice' | 'sales_receipt' | 'sales_order' | 'auto'; numberPrefix: string; dueDays: number; timeZone: string };
  customers: { matchByEmail: boolean; guests: 'shared' | 'per_email'; sharedGuestName: string };
  items: {
    missingSku: 'fail' | 'post_without_item';
    inventoryAssetAccount: string | null;
    costOfGoodsSoldAccount: string | null;
  };
  lines: { discounts: 'allocate' | 'single_line'; combineShippingHandlingWrapping: boolean };
  accounts: Record<'sales' | 'shipping' | 'handling' | 'wrapping' | 'fees' | 'discounts' | 'rounding' | 'giftCertificatesSold', string>;
  tax: { mappings: Array<{ name?: string; rate?: string; taxCode: string }>; requireMapping: boolean; defaultTaxCode: string | null; zeroTaxCode: string | null };
  payments: {
    mappings: Array<{ method: string; account: string }>;
    defaultAccount: string;
    storeCreditAccount: string;
    giftCertificateAccount: string;
    paidStatuses: string[];
    authorizedIsPaid: boolean;
  };
}

export interface StoredSettings {
  version: number;
  settings: Settings;
  savedAt: string | null;
}
