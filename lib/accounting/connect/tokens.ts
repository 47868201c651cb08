/**
 * What every OAuth connection to a remote accounting system stores and rotates: an access token, a refresh token
 * and when the access token expires. The repository (lib/repos/connections.ts) seals them at rest; the token
 * manager (./token-manager.ts) hands out a valid access token and rotates through the store.
 */
import type { Outcome } from '@/lib/sync/provider';

export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
}

export interface TokenStore {
  /** Current tokens of the connection; null when it was disconnected or needs reconnecting. */
  load(): Promise<StoredTokens | null>;
  /**
   * Replaces the tokens only if the stored refresh token is still `previousRefreshToken` (compare-and-swap).
   * Returns false when another process rotated first.
   */
  saveRotated(previousRefreshToken: string, next: StoredTokens): Promise<boolean>;
  /** The grant is dead (invalid_grant, lapsed subscription): mark the connection "Reconnect …" and pause posting. */
  markRevoked?(reason: string): Promise<void>;
}

export interface TokenPort {
  /**
   * A usable access token for this connection, refreshed (and the rotated refresh token persisted) when it is
   * about to expire or when `forceRefresh` is set; `auth_revoked` when the grant is gone.
   */
  accessToken(options?: { forceRefresh?: boolean }): Promise<Outcome<string>>;
}
