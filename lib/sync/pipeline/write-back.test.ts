import { describe, expect, it } from 'vitest';
import { fakeProvider, fakeStoreContext, fixtureOrder, memoryRecords, scriptedStore, settingsWith } from '@/tests/integration/support/sync-job-fakes';
import { writeErrorStatusAfterFailure } from './write-back';

const ON_ERROR = 12;

function world(statusId: number) {
  const order = { ...fixtureOrder(), status_id: statusId };
  const store = scriptedStore(order);
  const records = memoryRecords();
  const settings = settingsWith({ statusAfterImport: 9, statusOnError: ON_ERROR });
  const { pipeline } = fakeStoreContext({ store, records, provider: fakeProvider().provider, settings });
  return { order, store, records, pipeline, settings };
}

describe('writeErrorStatusAfterFailure (an order run that gave up)', () => {
  it('writes the error status on an order in an import status, read as it is now', async () => {
    const { order, store, records, pipeline, settings } = world(11);
    expect(settings.orders.importStatusIds).toContain(11);
    expect(await writeErrorStatusAfterFailure(pipeline, order.id)).toEqual({ written: ON_ERROR, reason: 'error' });
    expect(store.current.status_id).toBe(ON_ERROR);
    expect(records.rows.get(order.id)?.writtenStatusId).toBe(ON_ERROR);
  });

  it('leaves an order that was never to be posted alone: in our error status the planner would import it', async () => {
    const { order, store, pipeline, settings } = world(1);
    expect(settings.orders.importStatusIds).not.toContain(1);
    expect(await writeErrorStatusAfterFailure(pipeline, order.id)).toMatchObject({ written: null });
    expect(store.current.status_id).toBe(1);
    expect(store.calls.filter((c) => c.startsWith('PUT'))).toEqual([]);
  });

  it('writes nothing for an order that no longer exists', async () => {
    const { order, store, pipeline } = world(11);
    store.failGetOrder({ kind: 'NotFound', message: 'gone' } as never);
    expect(await writeErrorStatusAfterFailure(pipeline, order.id)).toEqual({ written: null, reason: 'the order no longer exists' });
  });
});
