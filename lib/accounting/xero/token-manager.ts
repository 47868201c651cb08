/**
 * The token port for one Xero connection: hands out a valid access token, refreshing shortly before expiry.
 * Rotation is atomic from the caller's side: the new set is persisted (compare-and-swap on the refresh token
 * it replaces) BEFORE its access token is used, so a crash or a lost response can never leave the store with
 * only a dead refresh token. Another process that rotated first wins; we reload and use its tokens. Refreshes
 * in one process are single-flight.
 */
import { ok, type Outcome } from '@/lib/sync/provider';
import type { XeroTokenPort } from './http';
import { refreshTokens, type OAuthDeps, type XeroTokenSet } from './oauth';

export interface StoredXeroTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

export interface XeroTokenStore {
  /** Current tokens of the connection; null when it was disconnected. */
  load(): Promise<StoredXeroTokens | null>;
  /**
   * Replaces the tokens only if the stored refresh token is still `previousRefreshToken` (encrypted at rest by
   * the repository). Returns false when another process rotated first.
   */
  saveRotated(previousRefreshToken: string, next: XeroTokenSet): Promise<boolean>;
  /** The grant is dead (invalid_grant): mark the connection "Reconnect Xero" and pause posting. */
  markRevoked?(reason: string): Promise<void>;
}

export interface TokenManagerDeps {
  store: XeroTokenStore;
  oauth: OAuthDeps;
  /** Refresh this long before expiry. Default 2 minutes. */
  skewMs?: number;
  now?: () => number;
}

export function createXeroTokenManager(deps: TokenManagerDeps): XeroTokenPort & { readonly refreshes: number } {
  const now = deps.now ?? Date.now;
  const skew = deps.skewMs ?? 120_000;
  let inflight: Promise<Outcome<string>> | null = null;
  let refreshes = 0;

  async function refresh(current: StoredXeroTokens): Promise<Outcome<string>> {
    const next = await refreshTokens(deps.oauth, current.refreshToken);
    if (!next.ok) {
      if (next.error.kind === 'auth_revoked') {
        // Someone else may have rotated with this token a moment ago: their tokens are good.
        const reloaded = await deps.store.load();
        if (reloaded && reloaded.refreshToken !== current.refreshToken && reloaded.expiresAt - skew > now()) return ok(reloaded.accessToken);
        await deps.store.markRevoked?.(next.error.message);
      }
      return next;
    }
    refreshes += 1;
    const saved = await deps.store.saveRotated(current.refreshToken, next.value);
    if (saved) return ok(next.value.accessToken);
    const winner = await deps.store.load();
    if (!winner) return { ok: false, error: { kind: 'auth_revoked', message: 'The Xero connection was removed.' } };
    return ok(winner.accessToken);
  }

  async function accessToken(options: { forceRefresh?: boolean } = {}): Promise<Outcome<string>> {
    const current = await deps.store.load();
    if (!current) return { ok: false, error: { kind: 'auth_revoked', message: 'Xero is not connected for this store. Connect Xero.' } };
    if (!options.forceRefresh && current.expiresAt - skew > now()) return ok(current.accessToken);
    inflight ??= refresh(current).finally(() => {
      inflight = null;
    });
    return inflight;
  }

  return {
    accessToken,
    get refreshes() {
      return refreshes;
    },
  };
}

/** A fixed token (scripts, the admin API's tokens): no refresh. */
export function staticXeroToken(token: string): XeroTokenPort {
  return { accessToken: async () => ok(token) };
}
