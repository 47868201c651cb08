/**
 * The token port for one connection: hands out a valid access token, refreshing shortly before expiry. Rotation is
 * atomic from the caller's side: the new set is persisted (compare-and-swap on the refresh token it replaces)
 * BEFORE its access token is used, so a crash or a lost response can never leave the store with only a dead
 * refresh token (Xero and Intuit both rotate the refresh token on every refresh). Another process that rotated
 * first wins; we reload and use its tokens. Refreshes in one process are single-flight.
 */
import { ok, type Outcome } from '@/lib/sync/provider';
import type { StoredTokens, TokenPort, TokenStore } from './tokens';

export interface TokenManagerDeps {
  store: TokenStore;
  /** The provider's refresh grant; `auth_revoked` when the refresh token is no longer accepted. */
  refresh(refreshToken: string): Promise<Outcome<StoredTokens>>;
  /** The system's name for messages ("Xero"). */
  displayName: string;
  /** Refresh this long before expiry. Default 2 minutes. */
  skewMs?: number;
  now?: () => number;
}

export function createTokenManager(deps: TokenManagerDeps): TokenPort & { readonly refreshes: number } {
  const now = deps.now ?? Date.now;
  const skew = deps.skewMs ?? 120_000;
  let inflight: Promise<Outcome<string>> | null = null;
  let refreshes = 0;

  async function refresh(current: StoredTokens): Promise<Outcome<string>> {
    const next = await deps.refresh(current.refreshToken);
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
    if (!winner) return { ok: false, error: { kind: 'auth_revoked', message: `The ${deps.displayName} connection was removed.` } };
    return ok(winner.accessToken);
  }

  async function accessToken(options: { forceRefresh?: boolean } = {}): Promise<Outcome<string>> {
    const current = await deps.store.load();
    if (!current) return { ok: false, error: { kind: 'auth_revoked', message: `${deps.displayName} is not connected for this store. Connect ${deps.displayName}.` } };
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

/** A fixed token (scripts, the sandboxes' admin tokens): no refresh. */
export function staticToken(token: string): TokenPort {
  return { accessToken: async () => ok(token) };
}
