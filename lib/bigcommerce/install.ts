import { z } from 'zod';
import { err, ok, type EdgeFailure, type Result } from '@/lib/errors';
import { StoreContext, type StoreHash } from '@/lib/ids';
import type { SignedPayloadCallback, SignedPayloadRepo } from '@/lib/repos/signed-payloads';
import type { StoreRepo } from '@/lib/repos/stores';
import { issueSessionToken } from '@/lib/session';
import { exchangeCode, missingScopes } from './oauth';
import { INVALID_SIGNATURE, verifySignedPayload, type SignedPayload } from './signed-payload';
import { fetchStoreInfo } from './store-info';

/**
 * The four single-click app callbacks, as use cases the route handlers call.
 * https://developer.bigcommerce.com/docs/integrations/apps/guide/callbacks
 */
export interface LifecycleDeps {
  stores: StoreRepo;
  /** Each signed payload's `jti`, remembered until it expires: a payload is accepted once. */
  signedPayloads: Pick<SignedPayloadRepo, 'consume'>;
  fetch: typeof fetch;
  config: {
    clientId: string;
    clientSecret: string;
    loginUrl: string;
    apiUrl: string;
    appUrl: string;
    requiredScopes: readonly string[];
    sessionSecret: string;
  };
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Side effects after a successful install (webhook registration, first sweep). Failures are logged only. */
  afterInstall?: (storeHash: StoreHash) => Promise<void>;
  /** Side effects after an uninstall (stopping the store's jobs). Failures are logged only. */
  afterUninstall?: (storeHash: StoreHash) => Promise<void>;
  /** Side effects on each load (repairing deactivated webhooks). Failures are logged only. */
  afterLoad?: (storeHash: StoreHash) => Promise<void>;
}

export const authQuery = z.object({
  code: z.string().min(1, 'code is required'),
  scope: z.string().min(1, 'scope is required'),
  context: StoreContext,
  account_uuid: z.string().optional(),
});

export interface Installed {
  storeHash: StoreHash;
  reinstall: boolean;
  sessionToken: string;
  userEmail: string;
}

export async function completeInstall(
  deps: LifecycleDeps,
  query: Record<string, string | undefined>,
): Promise<Result<Installed, EdgeFailure>> {
  const parsed = authQuery.safeParse(query);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return err({ kind: 'BadRequest', message: `The installation request is malformed (${detail}).` });
  }
  const { code, scope, context, account_uuid } = parsed.data;
  const storeHash = context;
  const exchanged = await exchangeCode(
    {
      fetch: deps.fetch,
      loginUrl: deps.config.loginUrl,
      clientId: deps.config.clientId,
      clientSecret: deps.config.clientSecret,
      redirectUri: new URL('/api/bigcommerce/auth', deps.config.appUrl).toString(),
    },
    { code, scope, context: `stores/${storeHash}` },
  );
  if (!exchanged.ok) {
    deps.log.warn({ storeHash, kind: exchanged.error.kind }, 'install: code exchange failed');
    return exchanged;
  }
  const token = exchanged.value;
  if (token.context !== `stores/${storeHash}`) {
    return err({ kind: 'Upstream', message: 'BigCommerce returned a token for a different store than the one installing.' });
  }
  const missing = missingScopes(token.scope, deps.config.requiredScopes);
  if (missing.length > 0) {
    // A store already installed that comes back through this callback is re-authorizing, and BigCommerce has
    // invalidated its previous token by now: "Once they accept, their previous access_token will be invalid, and
    // your app will receive a fresh auth callback for their store" (Implementing OAuth,
    // https://developer.bigcommerce.com/docs/integrations/apps/guide/auth). Refusing the new token would cut the
    // store off, so it is kept and the app's pages say what is still missing (lib/admin/permissions.ts). A new
    // install is refused: it would start without what it needs.
    const installed = await deps.stores.findInstalled(storeHash);
    if (!installed) {
      deps.log.warn({ storeHash, missing }, 'install: scopes not granted');
      return err({
        kind: 'Forbidden',
        message: `Ledgerbridge needs these permissions to post your orders: ${missing.join(', ')}. Install the app again and approve all requested permissions.`,
      });
    }
    deps.log.warn({ storeHash, missing }, 'install: re-authorized without every required scope; the token is kept');
  }
  const { reinstall, generation } = await deps.stores.recordInstall({
    storeHash,
    accessToken: token.access_token,
    scope: token.scope,
    accountUuid: token.account_uuid ?? account_uuid ?? null,
    owner: { id: token.owner.id, email: token.owner.email, username: token.owner.username ?? null },
    installer: { id: token.user.id, email: token.user.email, username: token.user.username ?? null },
  });
  await refreshStoreInfo(deps, storeHash, token.access_token);
  deps.log.info({ storeHash, reinstall }, 'install: store installed');
  if (deps.afterInstall) {
    await deps.afterInstall(storeHash).catch((error: unknown) =>
      deps.log.warn({ storeHash, error: String(error) }, 'install: post-install step failed'),
    );
  }
  return ok({
    storeHash,
    reinstall,
    userEmail: token.user.email,
    sessionToken: issueSessionToken({ storeHash, userId: token.user.id, generation }, deps.config.sessionSecret),
  });
}

/** Plan, currency and name from `/v2/store`. Best effort: the install stands even if this call fails. */
async function refreshStoreInfo(deps: LifecycleDeps, storeHash: StoreHash, accessToken: string) {
  const info = await fetchStoreInfo({ fetch: deps.fetch, apiUrl: deps.config.apiUrl }, storeHash, accessToken);
  if (!info.ok) {
    deps.log.warn({ storeHash, status: info.error.status }, 'install: store information unavailable');
    return;
  }
  await deps.stores.updateStoreInfo(storeHash, {
    planLevel: info.value.plan_level ?? null,
    currency: info.value.currency ?? null,
    decimalPlaces: info.value.decimal_places ?? null,
    storeName: info.value.name ?? null,
  });
}

export interface Loaded {
  storeHash: StoreHash;
  userId: number;
  newUser: boolean;
  sessionToken: string;
  /** Path inside the app to open (the JWT's deep link). */
  path: string;
}

/**
 * What each callback accepts. BigCommerce documents one claim set for all three (callbacks.mdx, "Data properties in
 * the signed_payload_jwt"); what tells them apart is who the `user` can be
 * (https://developer.bigcommerce.com/docs/integrations/apps/guide/callbacks#work-with-payload-claims and
 * .../guide/users#enabling-multiple-users):
 * - load: "the store owner or authorized user clicks to load the app": any user the merchant let in.
 * - uninstall: "only store owner or authorized users can uninstall an app"; plain users "cannot install or
 *   uninstall apps". The users we know to hold that right are the owner (`owner` claim, and the token's owner) and
 *   the user who installed the app; a staff user's load payload sent here is refused.
 * - remove_user: "the store owner revokes a user's access": `user` is the user removed, never the owner.
 * And every payload is single use: its `jti` ("a unique identifier for the JWT") is remembered until `exp`, so a
 * payload used at one callback is refused at every other, and a removed user cannot replay a kept load payload.
 */
async function acceptSignedPayload(
  deps: LifecycleDeps,
  token: string | null,
  callback: SignedPayloadCallback,
  allowed: (payload: SignedPayload) => Promise<boolean>,
): Promise<Result<SignedPayload, EdgeFailure>> {
  const verified = verifySignedPayload(token, deps.config);
  if (!verified.ok) return verified;
  const payload = verified.value;
  if (!(await allowed(payload))) {
    deps.log.warn({ storeHash: payload.storeHash, callback, userId: payload.user.id }, 'signed payload refused: not one BigCommerce sends to this callback');
    return err({ kind: 'Unauthorized', message: 'The signed payload was not issued for this callback.' });
  }
  const fresh = await deps.signedPayloads.consume({ jti: payload.jti, storeHash: payload.storeHash, callback, expiresAt: payload.expiresAt });
  if (!fresh) {
    deps.log.warn({ storeHash: payload.storeHash, callback }, 'signed payload refused: already used');
    return err({ kind: 'Unauthorized', message: INVALID_SIGNATURE });
  }
  return ok(payload);
}

export async function loadApp(deps: LifecycleDeps, signedPayload: string | null): Promise<Result<Loaded, EdgeFailure>> {
  // A payload issued before the user was removed stays refused (one kept unused would otherwise let them back in).
  const verified = await acceptSignedPayload(
    deps,
    signedPayload,
    'load',
    async ({ storeHash, user, issuedAt }) => !(await deps.stores.userRemovedSince(storeHash, user.id, issuedAt)),
  );
  if (!verified.ok) return verified;
  const { storeHash, user, url } = verified.value;
  const store = await deps.stores.findInstalled(storeHash);
  if (!store) {
    return err({ kind: 'Forbidden', message: 'Ledgerbridge is not installed on this store. Install it from the app marketplace first.' });
  }
  // BigCommerce only lets users the merchant has granted the app open it, so an unseen user is added.
  const newUser = await deps.stores.addUser(storeHash, { id: user.id, email: user.email, locale: user.locale ?? null });
  if (deps.afterLoad) {
    await deps.afterLoad(storeHash).catch((error: unknown) =>
      deps.log.warn({ storeHash, error: String(error) }, 'load: post-load step failed'),
    );
  }
  return ok({
    storeHash,
    userId: user.id,
    newUser,
    path: url,
    sessionToken: issueSessionToken({ storeHash, userId: user.id, generation: store.installGeneration }, deps.config.sessionSecret),
  });
}

export async function uninstallApp(
  deps: LifecycleDeps,
  signedPayload: string | null,
): Promise<Result<{ storeHash: StoreHash; alreadyUninstalled: boolean; known: boolean }, EdgeFailure>> {
  const verified = await acceptSignedPayload(deps, signedPayload, 'uninstall', async ({ storeHash, user, owner }) => {
    const store = await deps.stores.findInstalled(storeHash);
    // Not installed (or already uninstalled): nothing to protect, and the answer stays 200.
    if (!store) return true;
    return user.id === owner.id || user.id === store.ownerBcUserId || user.id === store.installerBcUserId;
  });
  if (!verified.ok) return verified;
  const { storeHash, user } = verified.value;
  const outcome = await deps.stores.recordUninstall(storeHash, user.id);
  deps.log.info({ storeHash, ...outcome }, 'uninstall');
  if (deps.afterUninstall && outcome.known && !outcome.alreadyUninstalled) {
    await deps.afterUninstall(storeHash).catch((error: unknown) =>
      deps.log.warn({ storeHash, error: String(error) }, 'uninstall: post-uninstall step failed'),
    );
  }
  return ok({ storeHash, ...outcome });
}

export async function removeUser(
  deps: LifecycleDeps,
  signedPayload: string | null,
): Promise<Result<{ storeHash: StoreHash; userId: number; removed: boolean }, EdgeFailure>> {
  const verified = await acceptSignedPayload(
    deps,
    signedPayload,
    'remove_user',
    async ({ user, owner }) => user.id !== owner.id,
  );
  if (!verified.ok) return verified;
  const { storeHash, user, owner } = verified.value;
  const store = await deps.stores.findInstalled(storeHash);
  if (!store) return ok({ storeHash, userId: user.id, removed: false });
  const removed = await deps.stores.removeUser(storeHash, user.id, owner.id);
  deps.log.info({ storeHash, userId: user.id, removed }, 'remove_user');
  return ok({ storeHash, userId: user.id, removed });
}
