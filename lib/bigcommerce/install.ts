import { z } from 'zod';
import { err, ok, type EdgeFailure, type Result } from '@/lib/errors';
import { StoreContext, type StoreHash } from '@/lib/ids';
import type { StoreRepo } from '@/lib/repos/stores';
import { issueSessionToken } from '@/lib/session';
import { exchangeCode, missingScopes } from './oauth';
import { verifySignedPayload } from './signed-payload';
import { fetchStoreInfo } from './store-info';

/**
 * The four single-click app callbacks, as use cases the route handlers call.
 * https://developer.bigcommerce.com/docs/integrations/apps/guide/callbacks
 */
export interface LifecycleDeps {
  stores: StoreRepo;
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
  const { reinstall } = await deps.stores.recordInstall({
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
    sessionToken: issueSessionToken({ storeHash, userId: token.user.id }, deps.config.sessionSecret),
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

export async function loadApp(deps: LifecycleDeps, signedPayload: string | null): Promise<Result<Loaded, EdgeFailure>> {
  const verified = verifySignedPayload(signedPayload, deps.config);
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
    sessionToken: issueSessionToken({ storeHash, userId: user.id }, deps.config.sessionSecret),
  });
}

export async function uninstallApp(
  deps: LifecycleDeps,
  signedPayload: string | null,
): Promise<Result<{ storeHash: StoreHash; alreadyUninstalled: boolean; known: boolean }, EdgeFailure>> {
  const verified = verifySignedPayload(signedPayload, deps.config);
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
  const verified = verifySignedPayload(signedPayload, deps.config);
  if (!verified.ok) return verified;
  const { storeHash, user, owner } = verified.value;
  const store = await deps.stores.findInstalled(storeHash);
  if (!store) return ok({ storeHash, userId: user.id, removed: false });
  const removed = await deps.stores.removeUser(storeHash, user.id, owner.id);
  deps.log.info({ storeHash, userId: user.id, removed }, 'remove_user');
  return ok({ storeHash, userId: user.id, removed });
}
