import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { auditLog, stores } from '@/db/schema';
import { describeScope } from '@/lib/admin/permissions';
import type { BcFailure, BcStore } from '@/lib/bigcommerce/client';
import { tokenKeys } from '@/lib/context';
import { encryptSecret, randomSecret, type EncryptionKeys } from '@/lib/crypto';
import type { StoreHash } from '@/lib/ids';
import { parseCredentialsFile, MAX_CREDENTIALS_BYTES, type ApiCredentials } from '../credentials';
import { CliError, UsageError } from '../errors';
import { bigCommerceClient, type CliRuntime } from '../runtime';

/** Reads and parses the credentials file; every problem is a usage error (exit 2) before anything is written. */
export async function readCredentials(file: string): Promise<ApiCredentials> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UsageError(`connect: ${file} is not a file`);
    if (info.size > MAX_CREDENTIALS_BYTES) throw new UsageError(`connect: ${file} is too large to be a BigCommerce API credentials file`);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`connect: cannot read ${file}${code === 'ENOENT' ? ': no such file' : code === 'EACCES' ? ': permission denied' : ''}`);
  }
  const parsed = parseCredentialsFile(text);
  if (!parsed.ok) throw new UsageError(`connect: ${path.basename(file)}: ${parsed.error}`);
  return parsed.value;
}

/** The associated data the stores repository seals each secret with (lib/repos/stores.ts): same row, same secret. */
const tokenAad = (storeHash: string) => `stores/${storeHash}/access_token`;
const webhookSecretAad = (storeHash: string) => `stores/${storeHash}/webhook_secret`;

/**
 * Registers a store connected with an API account: the stores row (token encrypted, store information), and an
 * audit entry, in one transaction. No users: nobody opens the app from the control panel for this store until the
 * app is installed from the marketplace, which then links its users. Connecting again replaces the token.
 */
export async function registerConnectedStore(
  deps: { db: Db; encryptionKey: EncryptionKeys },
  input: { storeHash: StoreHash; accessToken: string; info: BcStore; clientId: string | null; clientName: string | null },
): Promise<{ reconnected: boolean }> {
  const { db, encryptionKey } = deps;
  const sealed = encryptSecret(input.accessToken, encryptionKey, tokenAad(input.storeHash));
  return db.transaction(async (tx) => {
    const [existing] = await tx.select({ webhookSecretEnc: stores.webhookSecretEnc }).from(stores).where(eq(stores.storeHash, input.storeHash));
    // Keep the webhook secret hooks registered by an earlier install already send.
    const webhookSecretEnc = existing?.webhookSecretEnc ?? encryptSecret(randomSecret(), encryptionKey, webhookSecretAad(input.storeHash));
    const now = new Date();
    const info = {
      planLevel: input.info.planLevel,
      currency: input.info.currency,
      decimalPlaces: input.info.decimalPlaces,
      storeName: input.info.name,
    };
    await tx
      .insert(stores)
      .values({ storeHash: input.storeHash, accessTokenEnc: sealed, webhookSecretEnc, scope: '', installedAt: now, ...info })
      .onConflictDoUpdate({
        target: stores.storeHash,
        set: { accessTokenEnc: sealed, webhookSecretEnc, installedAt: now, uninstalledAt: null, updatedAt: now, ...info },
      });
    await tx.insert(auditLog).values({
      storeHash: input.storeHash,
      actorUserId: null,
      action: existing ? 'store.reconnected' : 'store.connected',
      detail: { via: 'cli', apiAccountClientId: input.clientId, apiAccountName: input.clientName },
    });
    return { reconnected: existing !== undefined };
  });
}

const sameBase = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/** The scopes the app needs: the list the install callback checks (BIGCOMMERCE_REQUIRED_SCOPES). */
export const requiredScopes = (rt: CliRuntime): string[] => rt.env.BIGCOMMERCE_REQUIRED_SCOPES.split(/\s+/).filter(Boolean);

/** Why BigCommerce refused a call, for a person. */
export function refusal(failure: BcFailure): string {
  switch (failure.kind) {
    case 'Unauthorized':
      return 'BigCommerce refused the access token (revoked, or for another store)';
    case 'Forbidden':
      return `the API account lacks ${failure.missingScope ? describeScope(failure.missingScope) : 'a scope this call needs'}`;
    case 'NotFound':
      return 'BigCommerce does not know this store';
    default:
      return `BigCommerce answered: ${failure.message}`;
  }
}

export async function connectCommand(rt: CliRuntime, credentialsFile: string): Promise<number> {
  const credentials = await readCredentials(credentialsFile);
  const { storeHash } = credentials;
  // Every later call (sync, retry, the app's jobs) goes to BIGCOMMERCE_API_URL: a file for another API cannot work.
  if (!sameBase(credentials.apiBase, rt.env.BIGCOMMERCE_API_URL)) {
    throw new UsageError(
      `connect: the credentials are for ${credentials.apiBase} but BIGCOMMERCE_API_URL is ${rt.env.BIGCOMMERCE_API_URL}; set BIGCOMMERCE_API_URL=${credentials.apiBase}`,
    );
  }
  const client = bigCommerceClient(rt, storeHash, credentials.accessToken, { apiUrl: credentials.apiBase, quick: true });
  const checking = `checking the connection to store ${storeHash}`;
  const info = await client.storeInfo();
  // A 403 here is a missing Information scope: the scope check below names it with the others.
  if (!info.ok && info.error.kind !== 'Forbidden') throw new UsageError(`connect: ${checking} with GET /v2/store failed: ${refusal(info.error)}`);
  // Every scope the app needs, before a working token is replaced by one that would fail at the next sync.
  const scopes = await client.checkScopes(requiredScopes(rt));
  if (!scopes.ok) {
    if (scopes.error.kind === 'Unauthorized') throw new UsageError(`connect: ${checking} failed: ${refusal(scopes.error)}`);
    throw new CliError(`connect: could not check the API account's scopes: ${scopes.error.message}; nothing was changed, try again`);
  }
  if (scopes.value.missing.length > 0) {
    throw new UsageError(
      `connect: the API account lacks ${scopes.value.missing.length === 1 ? 'a scope' : 'scopes'} the app needs: ${scopes.value.missing.map(describeScope).join(', ')}; nothing was changed (create an API account with them and connect its file)`,
    );
  }
  for (const scope of scopes.value.unchecked) rt.io.stderr.write(`connect: cannot check the scope ${scope}; make sure the API account has it\n`);
  if (!info.ok) throw new UsageError(`connect: ${checking} with GET /v2/store failed: ${refusal(info.error)}`);
  if (info.value.hash !== storeHash) {
    throw new UsageError(`connect: GET /v2/store answered for store "${info.value.hash}", not "${storeHash}" of the API PATH`);
  }
  const { reconnected } = await registerConnectedStore(
    { db: rt.db, encryptionKey: tokenKeys(rt.env) },
    { storeHash, accessToken: credentials.accessToken, info: info.value, clientId: credentials.clientId, clientName: credentials.clientName ?? credentials.name },
  );
  const plan = info.value.planLevel ?? 'unknown';
  rt.io.stdout.write(
    `${reconnected ? 'Reconnected' : 'Connected'} store ${storeHash}: ${JSON.stringify(info.value.name)}, plan ${plan}, currency ${info.value.currency}\n`,
  );
  return 0;
}
