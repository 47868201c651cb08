import { and, count, eq, sql } from 'drizzle-orm';
import { syncRecords } from '@/db/schema';
import { describeScope } from '@/lib/admin/permissions';
import type { BcFailure } from '@/lib/bigcommerce/client';
import { tokenKeys } from '@/lib/context';
import { UnknownKeyError } from '@/lib/crypto';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { createStoreRepo } from '@/lib/repos/stores';
import { createSyncRecordRepo, type SyncState } from '@/lib/repos/sync-records';
import type { StoreHash } from '@/lib/ids';
import { bigCommerceClient, installedStores, knownStore, providerOf, type CliRuntime } from '../runtime';
import { refusal, requiredScopes } from './connect';

type StateCounts = Record<SyncState, number>;

/** One store in `status --json`. The shape is a contract with other tools: keep these keys exactly. */
export interface StatusJsonStore {
  hash: string;
  provider: string;
  orders: { posted: number; pending: number; failed: number; skipped: number };
}

/** `failed` counts failed and held orders (both need the merchant); voided and credited are not in the contract. */
export function statusJsonStore(hash: string, provider: string, counts: StateCounts): StatusJsonStore {
  return {
    hash,
    provider,
    orders: { posted: counts.posted, pending: counts.pending, failed: counts.failed + counts.held, skipped: counts.skipped },
  };
}

async function countsFor(rt: CliRuntime, storeHash: StoreHash, provider: string): Promise<StateCounts> {
  const rows = await rt.db
    .select({ state: syncRecords.state, booked: sql<boolean>`${syncRecords.postedAt} is not null`, n: count() })
    .from(syncRecords)
    .where(and(eq(syncRecords.storeHash, storeHash), eq(syncRecords.provider, provider)))
    .groupBy(syncRecords.state, sql`${syncRecords.postedAt} is not null`);
  const counts: StateCounts = { pending: 0, posted: 0, failed: 0, held: 0, skipped: 0, voided: 0, credited: 0, summarised: 0 };
  for (const row of rows) {
    // An order of a daily summary is posted once its day's summary is in the books, pending until then.
    const state = row.state === 'summarised' ? (row.booked ? 'posted' : 'pending') : row.state;
    if (Object.hasOwn(counts, state)) counts[state as SyncState] += Number(row.n);
  }
  return counts;
}

export async function statusCommand(rt: CliRuntime, options: { store: StoreHash | null; json: boolean }): Promise<number> {
  const hashes = options.store ? [(await knownStore(rt, options.store)).storeHash] : await installedStores(rt);
  const out = rt.io.stdout;

  if (options.json) {
    const list: StatusJsonStore[] = [];
    for (const hash of hashes) {
      const provider = await providerOf(rt, hash);
      list.push(statusJsonStore(hash, provider, await countsFor(rt, hash, provider)));
    }
    out.write(`${JSON.stringify({ stores: list })}\n`);
    return 0;
  }

  if (hashes.length === 0) {
    out.write('No stores connected. Connect one with: ledgerbridge connect --credentials <file>\n');
    return 0;
  }
  const storeRepo = createStoreRepo({ db: rt.db, encryptionKey: tokenKeys(rt.env) });
  const records = createSyncRecordRepo({ db: rt.db });
  const storeSync = createStoreSyncRepo({ db: rt.db });
  for (const [index, hash] of hashes.entries()) {
    const store = await knownStore(rt, hash);
    const provider = await providerOf(rt, hash);
    const counts = await countsFor(rt, hash, provider);
    if (index > 0) out.write('\n');
    out.write(`${hash}  ${store.storeName ?? '(name unknown)'}  plan ${store.planLevel ?? 'unknown'}, ${store.currency ?? '?'}  → ${provider}\n`);
    out.write(`  connection: ${store.installed ? await connection(rt, storeRepo, hash) : 'uninstalled'}\n`);
    out.write(
      `  orders:     posted ${counts.posted}, pending ${counts.pending}, failed ${counts.failed}, held ${counts.held}, skipped ${counts.skipped}, voided ${counts.voided}, credited ${counts.credited}\n`,
    );
    const backfill = await storeSync.latestBackfill(hash);
    if (backfill) {
      const total = backfill.total === null ? '' : `/${backfill.total}`;
      out.write(
        `  backfill:   #${backfill.id} ${backfill.status} from ${backfill.fromDate}, page ${backfill.nextPage}, seen ${backfill.seen}${total}, posted ${backfill.posted}, skipped ${backfill.skipped}, failed ${backfill.failed}${backfill.error ? ` (${backfill.error})` : ''}\n`,
      );
    }
    const problems = await records.recentProblems(hash, 5);
    if (problems.length > 0) {
      out.write('  last errors:\n');
      for (const p of problems) out.write(`    order ${p.orderId} ${p.state} ${p.updatedAt.toISOString()}: ${(p.message ?? '').replace(/\s+/g, ' ')}\n`);
    }
  }
  return 0;
}

/**
 * GET /v2/store with the stored token, then every scope the app needs: "ok", or "refused: why" when BigCommerce
 * refuses the token (401) or any call the app makes (403: a missing scope), or "failed: why" when it could not tell.
 */
async function connection(rt: CliRuntime, storeRepo: ReturnType<typeof createStoreRepo>, hash: StoreHash): Promise<string> {
  let token: string | null;
  try {
    token = await storeRepo.accessToken(hash);
  } catch (error) {
    if (error instanceof UnknownKeyError) return `token cannot be decrypted: ${error.message}`;
    return 'token cannot be decrypted (TOKEN_ENCRYPTION_KEY differs from the app’s)';
  }
  if (!token) return 'no access token';
  const client = bigCommerceClient(rt, hash, token, { quick: true });
  const info = await client.storeInfo();
  const refused = (failure: BcFailure) => failure.kind === 'Unauthorized' || failure.kind === 'Forbidden';
  if (!info.ok && !refused(info.error)) return `failed: ${info.error.kind} ${info.error.message}`.replace(/\s+/g, ' ');
  const scopes = await client.checkScopes(requiredScopes(rt));
  if (!scopes.ok) return refused(scopes.error) ? `refused: ${refusal(scopes.error)}` : `failed: could not check the token's scopes: ${scopes.error.message}`.replace(/\s+/g, ' ');
  if (scopes.value.missing.length > 0) return `refused: the token lacks ${scopes.value.missing.map(describeScope).join(', ')}`;
  if (!info.ok) return `refused: ${refusal(info.error)}`;
  return `ok (${rt.env.BIGCOMMERCE_API_URL})`;
}
