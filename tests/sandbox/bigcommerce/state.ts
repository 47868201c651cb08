// The sandbox's whole state: plain JSON-serialisable objects so it can be persisted to a file as is.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';

export const PLANS = ['standard', 'plus', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

export interface SandboxUser {
  id: number;
  email: string;
  username: string;
  locale: string;
  is_owner: boolean;
  /**
   * An "authorized user": the owner let them install and uninstall apps. Plain users only load the apps the owner
   * authorized (developer.bigcommerce.com/docs/integrations/apps/guide/users, "The load request").
   */
  can_manage_apps?: boolean;
}

export interface AppInstallation {
  client_id: string;
  installed: boolean;
  /** Current access token for the installation (null until the code is exchanged, and after uninstall). */
  access_token: string | null;
  scope: string | null;
  installed_at: string | null;
  uninstalled_at: string | null;
  /** Callback outcomes, newest last, for debugging from `GET /__sandbox/stores/{hash}`. */
  history: Array<{ at: string; event: string; status: number | null; detail?: string }>;
}

export interface StoreState {
  hash: string;
  store_id: number;
  account_uuid: string;
  name: string;
  plan: Plan;
  currency: string;
  /** Prices entered with tax (tax-inclusive store). */
  tax_inclusive: boolean;
  timezone: string;
  created_at: string;
  owner_id: number;
  users: SandboxUser[];
  installations: Record<string, AppInstallation>;
  /** Free-form per-feature state for the REST resources (orders, catalog, hooks...). */
  data: Record<string, unknown>;
}

export interface TokenRecord {
  token: string;
  store_hash: string;
  /** App client id, or the API account's client id. */
  client_id: string;
  scopes: string[];
  kind: 'app' | 'api-account';
  created_at: string;
  revoked_at: string | null;
}

export interface CodeRecord {
  code: string;
  store_hash: string;
  client_id: string;
  scope: string;
  user_id: number;
  /** Sandbox clock, ms since epoch. */
  expires_at: number;
  used_at: number | null;
  /** Token issued by exchanging this code. */
  issued_token: string | null;
}

export interface SandboxState {
  version: 1;
  stores: Record<string, StoreState>;
  tokens: Record<string, TokenRecord>;
  codes: Record<string, CodeRecord>;
  next_user_id: number;
  next_store_id: number;
}

export function emptyState(): SandboxState {
  return { version: 1, stores: {}, tokens: {}, codes: {}, next_user_id: 1_000_001, next_store_id: 1_000_500 };
}

/** Store hashes look like BigCommerce's: short lowercase alphanumerics. */
export function newStoreHash(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(10);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Access tokens look like BigCommerce's 31-character lowercase alphanumerics. */
export function newToken(length = 31): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export function newUuid(): string {
  return randomUUID();
}

export function loadState(file: string | undefined): SandboxState {
  if (!file || !existsSync(file)) return emptyState();
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as SandboxState;
  if (parsed.version !== 1) throw new Error(`Unsupported sandbox state file version in ${file}`);
  return parsed;
}

export function saveState(file: string, state: SandboxState): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

/**
 * Time for the sandbox. Durations that the real platform measures in minutes or hours (code expiry, webhook
 * retries, rate-limit windows) are divided by `timeScale`; `advance()` lets tests jump the clock forward.
 * Wall-clock values sent to the app (JWT iat/exp) use `now()` too, so by default they are real time.
 */
export class SandboxClock {
  private offsetMs = 0;

  constructor(readonly timeScale = 1) {
    if (!(timeScale > 0)) throw new Error('timeScale must be > 0');
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** A platform duration compressed by the time scale. */
  scaled(ms: number): number {
    return ms / this.timeScale;
  }

  iso(ms = this.now()): string {
    return new Date(ms).toISOString();
  }
}
