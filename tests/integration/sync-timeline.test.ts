import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncEvents } from '@/db/schema';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import { planOrder, postOrderDocument, type PipelineDeps } from '@/lib/sync/pipeline';
import { freshDatabase, type TestDatabase } from './support/db';
import { fakeProvider, fakeStoreContext, fixtureOrder, memoryRecords, scriptedStore, settingsWith, STORE } from './support/sync-job-fakes';

let database: TestDatabase;
beforeAll(async () => {
  database = await freshDatabase('timeline');
});
afterAll(async () => database?.dispose());

const eventsOf = async (orderId: number) =>
  database.db.select().from(syncEvents).where(and(eq(syncEvents.storeHash, STORE), eq(syncEvents.orderId, orderId)));

describe('the order timeline', () => {
  it('holds an event with a once-key at most once; events without one repeat', async () => {
    const records = createSyncRecordRepo({ db: database.db });
    expect(await records.addEvent(STORE, 900, 'posted', 'Posted as document A.', {}, { once: 'posted:1:doc-a' })).toBe(true);
    expect(await records.addEvent(STORE, 900, 'posted', 'Posted as document A.', {}, { once: 'posted:1:doc-a' })).toBe(false);
    // The same key on another order, or another store, is another event.
    expect(await records.addEvent(STORE, 901, 'posted', 'Posted as document B.', {}, { once: 'posted:1:doc-a' })).toBe(true);
    await records.addEvent(STORE, 900, 'requested', 'Retry requested.');
    await records.addEvent(STORE, 900, 'requested', 'Retry requested.');
    expect((await eventsOf(900)).map((e) => e.kind).sort()).toEqual(['posted', 'requested', 'requested']);
  });

  it('two runs racing on one order (both planned "create") say "Posted" and "Payment not recorded" once', async () => {
    const order = fixtureOrder({ id: 902 });
    // Like Xero: the second post with the same idempotency key returns the first document; a draft takes no payment.
    const fake = fakeProvider();
    const byKey = new Map<string, string>();
    fake.provider.postDocument = async (document, key) => {
      const known = byKey.get(key);
      if (!known) byKey.set(key, `doc-${byKey.size + 1}`);
      return { ok: true, value: { remoteId: byKey.get(key)!, number: document.number, created: !known } };
    };
    fake.provider.recordPayment = async () => ({
      ok: true,
      value: { remoteId: '', created: false, skipped: 'The invoice is a draft: the payment was not recorded.' },
    });
    const context = fakeStoreContext({
      store: scriptedStore(order),
      records: memoryRecords(),
      provider: fake.provider,
      settings: settingsWith({ importStatusIds: [order.status_id] }),
    });
    const deps: PipelineDeps = { ...context.pipeline, records: createSyncRecordRepo({ db: database.db }) };

    const loaded = { order, refunds: null };
    const [first, second] = [await planOrder(deps, loaded, 'webhook'), await planOrder(deps, loaded, 'manual')];
    expect([first.action, second.action]).toEqual(['create', 'create']);
    const creates = [first, second].map((plan) => ('steps' in plan && plan.steps[0]?.kind === 'create' ? plan.steps[0] : null));
    expect(creates[0]?.document.payments).toHaveLength(1);
    for (const step of creates) expect((await postOrderDocument(deps, order, step!)).ok).toBe(true);
    expect([...byKey.values()]).toEqual(['doc-1']);
    expect((await deps.records.get({ storeHash: deps.storeHash, orderId: order.id, provider: deps.providerId }))?.remoteId).toBe('doc-1');

    const kinds = (await eventsOf(order.id)).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'posted')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'payment_not_recorded')).toHaveLength(1);
  });
});
