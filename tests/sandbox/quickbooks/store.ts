// What a company holds: every entity as its wire object, with the version (SyncToken) and timestamps QuickBooks keeps,
// and tombstones for deleted ones (CDC reports them). Entity names are QuickBooks' own; paths and queries name them in
// any case (node-quickbooks writes `/salesreceipt`, Intuit's docs `/salesreceipt` and `from SalesReceipt`).
import { intuitTime } from './faults';

export const ENTITY_NAMES = [
  'Customer', 'Vendor', 'Employee', 'Item', 'Account', 'TaxCode', 'TaxRate', 'Class', 'Department',
  'SalesReceipt', 'Invoice', 'Payment', 'CreditMemo', 'RefundReceipt', 'JournalEntry', 'CompanyInfo', 'Preferences',
] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

const BY_LOWER = new Map<string, EntityName>(ENTITY_NAMES.map((n) => [n.toLowerCase(), n]));
export function canonicalEntity(name: string): EntityName | undefined {
  return BY_LOWER.get(name.toLowerCase());
}

/** Sales forms: the transactions whose lines sell (or take back) items. */
export const SALES_DOCS = ['SalesReceipt', 'Invoice', 'CreditMemo', 'RefundReceipt'] as const;
export type SalesDocName = (typeof SALES_DOCS)[number];
export const isSalesDoc = (n: EntityName): n is SalesDocName => (SALES_DOCS as readonly string[]).includes(n);

/** Name lists: queries return only active records unless they filter on Active (Intuit's query docs). */
export const NAME_LISTS: readonly EntityName[] = ['Customer', 'Vendor', 'Employee', 'Item', 'Account', 'Class', 'Department', 'TaxCode', 'TaxRate'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Wire = Record<string, any>;

export interface Stored {
  data: Wire;
  createdMs: number;
  updatedMs: number;
  /** Voided transactions stay, zeroed, with "Voided" in PrivateNote. */
  voided?: boolean;
  /** TxnTaxDetail as the client sent it (a sparse update without one keeps the original override, not the result). */
  taxInput?: Wire;
}

export interface Tombstone {
  entity: EntityName;
  Id: string;
  deletedMs: number;
}

export type SubscriptionStatus = 'TRIAL' | 'TRIALOPTIN' | 'SUBSCRIBED' | 'EXPIRED' | 'RESTRICTED' | 'SUSPENDED' | 'CANCELLED';

export interface Company {
  realmId: string;
  name: string;
  /** ISO country code: US companies use TAX/NON line codes (and Automated Sales Tax when `ast`), others TaxCode/TaxRate. */
  country: string;
  currency: string;
  ast: boolean;
  multicurrency: boolean;
  /** The company address's state: AST falls back to it when a sale has no ship-to address. */
  state: string;
  subscription: SubscriptionStatus;
  createdMs: number;
  entities: Map<EntityName, Map<string, Stored>>;
  counters: Map<string, number>;
  tombstones: Tombstone[];
}

export function table(company: Company, name: EntityName): Map<string, Stored> {
  let t = company.entities.get(name);
  if (!t) {
    t = new Map();
    company.entities.set(name, t);
  }
  return t;
}

/** QuickBooks numbers each list and transaction type on its own (Ids are numeric strings). */
export function nextId(company: Company, key: string, start = 1): string {
  const n = company.counters.get(key) ?? start;
  company.counters.set(key, n + 1);
  return String(n);
}

export function insert(company: Company, name: EntityName, data: Wire, now: number, id = nextId(company, name)): Stored {
  const stored: Stored = { data: { ...data, Id: id, SyncToken: '0' }, createdMs: now, updatedMs: now };
  table(company, name).set(id, stored);
  return stored;
}

/** Saves a new version: SyncToken goes up by one. */
export function replace(stored: Stored, data: Wire, now: number): void {
  stored.data = { ...data, Id: stored.data.Id, SyncToken: String(Number(stored.data.SyncToken) + 1) };
  stored.updatedMs = Math.max(now, stored.updatedMs + 1);
}

export function remove(company: Company, name: EntityName, id: string, now: number): void {
  table(company, name).delete(id);
  company.tombstones.push({ entity: name, Id: id, deletedMs: now });
}

export function find(company: Company, name: EntityName, id: unknown): Stored | undefined {
  return typeof id === 'string' || typeof id === 'number' ? table(company, name).get(String(id)) : undefined;
}

/** The envelope fields every entity carries on the wire. */
export function envelope(stored: Stored): Wire {
  return {
    ...stored.data,
    domain: 'QBO',
    sparse: false,
    MetaData: { CreateTime: intuitTime(stored.createdMs).replace(/\.\d{3}/, ''), LastUpdatedTime: intuitTime(stored.updatedMs).replace(/\.\d{3}/, '') },
  };
}
