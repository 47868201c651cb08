/**
 * Everything one accounting system is, in one value: what the registry (./registry.ts) holds per provider and the
 * rest of the app reads instead of naming a system. A provider is a folder under lib/accounting with one such
 * definition, and one line of the registry.
 *
 * - display: names and words for the pages (onboarding, connections, mappings);
 * - limits and flow control: ProviderLimits, and the tenant key every posting to one organisation/company shares;
 * - mapping lists it offers (accounts, tax codes, payment accounts, items, tracking) and what can be set per store;
 * - for a remote system, its connector: the OAuth descriptor, how the app's credentials are read, the connect /
 *   callback / choose / disconnect flow, and how a connected store's provider is opened.
 */
import type { Db } from '@/db';
import type { EdgeFailure, Result } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import type { ConnectionRepo, ConnectionView } from '@/lib/repos/connections';
import type { ChartHints } from '@/lib/sync/mapping-proposal';
import type { AccountingProvider, ProviderLimits } from '@/lib/sync/provider';
import type { SyncSettings } from '@/lib/sync/settings';

export type MappingList = 'accounts' | 'taxCodes' | 'paymentAccounts' | 'items' | 'tracking';

export interface ProviderDisplay {
  /** "Xero", "QuickBooks Online", "Built-in ledger". */
  name: string;
  /** Short name for buttons ("Connect QuickBooks"). */
  shortName: string;
  /** One line for the provider list on onboarding and the connections page. */
  description: string;
  /** What one connection points at: "organisation" (Xero), "company" (QuickBooks). */
  tenantNoun: string;
  /** Documents can be posted as drafts for review (the mappings page then offers the choice). */
  drafts: boolean;
  /** What the tracking setting is called there ("tracking category", "class or department"); null without one. */
  trackingNoun: string | null;
}

/** The app's credentials with one remote system, from the environment (variable names in `Connector.env`). */
export interface AppCredentials {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Where the system lives when not at its real hosts (the local sandbox); null = production. */
  baseUrl: string | null;
  /** The system's minute window for pacing: a minute, shorter only against a time-scaled sandbox. */
  minuteMs: number | null;
}

/** What a connector's flow needs: the connection storage, the app's credentials and the secret that signs `state`. */
export interface ConnectDeps {
  connections: ConnectionRepo;
  config: AppCredentials & { stateSecret: string };
  fetch?: typeof fetch;
  now?: () => number;
  /** After a (re)connection: the store posts here from now on, and orders held while disconnected are retried. */
  afterConnect?: (storeHash: StoreHash) => Promise<void>;
  /**
   * Records a connection request's state as used; false when it was used before. A state is single use: a callback
   * replayed from the browser's history or a leaked redirect cannot connect (or re-connect) the store again.
   */
  consumeState?: (input: { nonce: string; storeHash: StoreHash; expiresAt: Date }) => Promise<boolean>;
}

/** The OAuth 2.0 descriptor of a remote system (data: shown in docs and checked by tests). */
export interface OAuthDescriptor {
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  scopes: readonly string[];
  pkce: boolean;
  /**
   * How the organisation is chosen: `listed` — after consent the app lists the granted tenants and the merchant
   * picks one if several (Xero); `redirect` — the consent page's choice comes back on the redirect (QuickBooks'
   * `realmId`).
   */
  tenant: 'listed' | 'redirect';
}

export type CallbackOutcome =
  | { kind: 'connected'; storeHash: StoreHash; tenantName: string }
  | { kind: 'choose'; storeHash: StoreHash; state: string; tenants: Array<{ tenantId: string; tenantName: string }> };

/** The callback's query, as the system sent it back. */
export type CallbackQuery = URLSearchParams;

export interface OpenContext {
  db: Db;
  storeHash: StoreHash;
  settings: SyncSettings;
  /** The connector's dependencies; null where the app has no credentials for this system. */
  connect: ConnectDeps | null;
}

export interface OpenedProvider {
  provider: AccountingProvider;
  /**
   * The accounting tenant whose limits this store shares (`<provider id>:<tenant id>`), the key of the posting
   * function's throttle and concurrency; null for a system without limits (the built-in ledger) or not connected.
   */
  tenant: string | null;
}

/**
 * The system's webhooks about its documents, received at /api/webhooks/accounting/<id>: how a delivery is verified
 * (the key is the variable `Connector.env.webhookKey` names) and which documents it says changed.
 */
export interface ConnectorWebhook {
  /** The header that carries the delivery's signature. */
  signatureHeader: string;
  /** True when `signature` is the system's for exactly this body and key. */
  verify(rawBody: string, signature: string | null, key: string): boolean;
  /**
   * The documents (or transactions applied to them, see AccountingProvider.linkedDocuments) a verified delivery says
   * changed, by tenant (lowercase tenant ids); null when it is not the system's shape.
   */
  changedDocuments(rawBody: string): Array<{ tenantId: string; documentId: string }> | null;
}

export interface Connector {
  /** Names of the environment variables holding the app's credentials with this system (and its webhook key). */
  env: { clientId: string; clientSecret: string; redirectUri: string; baseUrl: string; minuteMs: string; webhookKey?: string };
  /** Its webhooks about documents (statuses.fromBooks); absent where it sends none the app uses. */
  webhook?: ConnectorWebhook;
  oauth(baseUrl: string | null): OAuthDescriptor;
  /** The consent URL for a store session (opened in a new window: consent pages refuse iframes). */
  start(deps: ConnectDeps, session: { storeHash: StoreHash; userId: number }): { url: string };
  complete(deps: ConnectDeps, query: CallbackQuery): Promise<Result<CallbackOutcome, EdgeFailure>>;
  /** The merchant picked one of several tenants on the callback's choice page. */
  chooseTenant(deps: ConnectDeps, input: { state: string; tenantId: string }): Promise<Result<{ storeHash: StoreHash; tenantName: string }, EdgeFailure>>;
  /** Revoke the grant at the system (best effort: a dead grant is already revoked), then delete the tokens. */
  disconnect(deps: ConnectDeps, storeHash: StoreHash): Promise<{ revoked: boolean }>;
  /** The provider for a store whose connection is live (`connection.status === 'connected'` with a tenant). */
  open(ctx: OpenContext & { connect: ConnectDeps }, connection: ConnectionView & { tenantId: string }): OpenedProvider;
}

/** A place the books keep stock at: the `locationId` of the provider's stock levels. */
export interface BooksLocation {
  id: number;
  name: string;
}

interface DefinitionBase {
  id: string;
  display: ProviderDisplay;
  limits: ProviderLimits;
  mappingLists: readonly MappingList[];
  /**
   * The names of the system's default chart (data, cited in its folder), which the mapping proposal made on connect
   * tries first (lib/sync/mapping-proposal.ts); absent where the app's defaults already fit (the built-in ledger).
   */
  chartHints?: ChartHints;
  /** Where its stock levels are kept (stock.locations maps each to a BigCommerce location). */
  stockLocations: readonly BooksLocation[];
}

/** A system kept by the app itself: nothing to connect. */
export interface LocalDefinition extends DefinitionBase {
  connector: null;
  open(ctx: Pick<OpenContext, 'db' | 'storeHash'>): OpenedProvider;
}

/** A system reached over OAuth. */
export interface RemoteDefinition extends DefinitionBase {
  connector: Connector;
}

export type ProviderDefinition = LocalDefinition | RemoteDefinition;
