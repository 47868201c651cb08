import { getDb } from '@/db';
import { env } from '@/lib/env';
import type { StoreHash } from '@/lib/ids';
import { yesterdayIn } from '@/lib/sync/days';
import { createNotifyDeps } from '@/lib/notify/deps';
import { sendAlerts, sendDigest } from '@/lib/notify/send';
import { createNotificationRepo } from '@/lib/repos/notifications';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { inngest } from '../client';
import { notifyAlertsDue, notifyDigestDue, storeUninstalled } from '../events';

async function notifyDeps() {
  const e = env();
  return createNotifyDeps({ db: await getDb(), env: e });
}

/** Every five minutes: each (store, kind) with notifications not yet emailed gets its alert run (email on only). */
export const alertsSchedulerFunction = inngest.createFunction(
  { id: 'notify-alerts-scheduler', triggers: [{ cron: '*/5 * * * *' }], retries: 1 },
  async ({ step }) => {
    const due = await step.run('find-pending-alerts', async () =>
      env().SMTP_URL ? (await createNotificationRepo({ db: await getDb() }).pendingAlerts()).map((d) => ({ storeHash: String(d.storeHash), kind: d.kind })) : [],
    );
    if (due.length > 0) await step.sendEvent('fan-out', due.map((d) => notifyAlertsDue.create(d)));
    return { due: due.length };
  },
);

/**
 * The throttled alert sender: one store's notifications of a kind in one email per recipient, at most one email per
 * store, kind and hour: the mail slot claimed in lib/notify/send.ts is the throttle (a row per store, kind and hour, so
 * two runs racing send one email). What a throttled run leaves waits for the first run of the next hour.
 */
export const sendAlertsFunction = inngest.createFunction(
  {
    id: 'notify-send-alerts',
    triggers: [notifyAlertsDue],
    concurrency: [{ key: 'event.data.storeHash + "-" + event.data.kind', limit: 1 }],
    retries: 3,
    cancelOn: [{ event: storeUninstalled, match: 'data.storeHash' }],
  },
  async ({ event, step }) =>
    step.run('send-alert-email', async () => {
      const deps = await notifyDeps();
      try {
        return await sendAlerts(deps, event.data.storeHash as StoreHash, event.data.kind);
      } finally {
        deps.close();
      }
    }),
);

/** Every hour: each installed store's digest of yesterday (in its time zone) is due; the first run after midnight sends it. */
export const digestSchedulerFunction = inngest.createFunction(
  { id: 'notify-digest-scheduler', triggers: [{ cron: '7 * * * *' }], retries: 1 },
  async ({ step }) => {
    const due = await step.run('find-stores', async () => {
      if (!env().SMTP_URL) return [];
      const db = await getDb();
      const settings = createSettingsRepo({ db });
      const now = new Date();
      const out: Array<{ storeHash: string; date: string }> = [];
      for (const store of await createStoreSyncRepo({ db }).installedStores()) {
        out.push({ storeHash: store.storeHash, date: yesterdayIn((await settings.current(store.storeHash)).settings.document.timeZone, now) });
      }
      return out;
    });
    if (due.length > 0) await step.sendEvent('fan-out', due.map((d) => notifyDigestDue.create(d)));
    return { stores: due.length };
  },
);

/** One store's digest of one day, once (the slot `digest:<date>`; the idempotency key spares repeated runs). */
export const sendDigestFunction = inngest.createFunction(
  {
    id: 'notify-send-digest',
    triggers: [notifyDigestDue],
    idempotency: 'event.data.storeHash + "-" + event.data.date',
    retries: 3,
    cancelOn: [{ event: storeUninstalled, match: 'data.storeHash' }],
  },
  async ({ event, step }) =>
    step.run('send-digest-email', async () => {
      const deps = await notifyDeps();
      try {
        return await sendDigest(deps, event.data.storeHash as StoreHash, event.data.date);
      } finally {
        deps.close();
      }
    }),
);
