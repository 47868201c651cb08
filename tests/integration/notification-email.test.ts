import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmailSettingsView } from '@/lib/admin/notifications';
import type { StoreHash } from '@/lib/ids';
import { resetEnvForTests } from '@/lib/env';
import { createNotifyDeps } from '@/lib/notify/deps';
import { createReconciliationRepo } from '@/lib/repos/reconciliation';
import type { DayResult } from '@/lib/sync/reconcile';
import { digestModel, sendAlerts, sendDigest } from '@/lib/notify/send';
import { verpSender } from '@/lib/notify/verp';
import { createNotificationRepo } from '@/lib/repos/notifications';
import { createSyncRecordRepo, type RecordKey } from '@/lib/repos/sync-records';
import { startSmtpSink, type SmtpSink } from '@/tests/sandbox/smtp/server';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';
import { until } from './support/sync-helpers';

let world: LifecycleWorld;
let sink: SmtpSink;
let storeA: StoreHash;
let storeB: StoreHash;
let ownerA: string;
let ownerB: string;
let deps: ReturnType<typeof createNotifyDeps>;
let appId: string;
const SECRET = 'integration-session-secret-0123456789abcdef';
const BOUNCE_ADDRESS = 'bounces@ledgerbridge.test';
const INBOUND_SECRET = 'inbound-bounce-secret-0123456789';
/** A page of the app as the mails link it: inside the store's control panel (here the sandbox's). */
const panelLink = (hash: string, path: string) => `${world.sandbox.url}/store-${hash}/manage/app/${appId}${path}`;

async function sessionFor(hash: string, userId?: number): Promise<string> {
  const load = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, userId ? { user_id: userId } : {});
  const location = (await fetch(load.body.url, { redirect: 'manual' })).headers.get('location')!;
  return decodeURIComponent(location.split('#session=')[1]!);
}

async function ownerEmail(hash: string): Promise<string> {
  const state = await world.admin<{ users: Array<{ email: string; is_owner: boolean }> }>(`/__sandbox/stores/${hash}`);
  return state.body.users.find((u) => u.is_owner)!.email;
}

/** A user of the store who has opened the app once (so the app knows them). */
async function addUser(hash: string, email: string): Promise<{ id: number; token: string }> {
  const user = await world.admin<{ id: number }>(`/__sandbox/stores/${hash}/users`, { email });
  return { id: user.body.id, token: await sessionFor(hash, user.body.id) };
}

const key = (storeHash: StoreHash, orderId: number): RecordKey => ({ storeHash, orderId, provider: 'ledger' });
const snapshot = (orderId: number, total: string, at: Date) => ({
  statusId: 11, dateCreated: at, dateModified: at, total, currency: 'USD', customerName: `Customer ${orderId}`,
});

beforeAll(async () => {
  sink = await startSmtpSink();
  world = await startLifecycleWorld({ mounts: sink.mounts });
  storeA = (await world.installedStore()).hash as StoreHash;
  storeB = (await world.installedStore()).hash as StoreHash;
  ownerA = await ownerEmail(storeA);
  ownerB = await ownerEmail(storeB);
  await sessionFor(storeA);
  await sessionFor(storeB);
  appId = world.sandbox.platform.appId(world.sandbox.platform.app());
  Object.assign(process.env, { SMTP_URL: sink.url, MAIL_BOUNCE_ADDRESS: BOUNCE_ADDRESS, MAIL_BOUNCE_SECRET: INBOUND_SECRET, BIGCOMMERCE_APP_ID: appId });
  resetEnvForTests();
  // The sink stands in for the bounce mailbox's inbound provider: its DSNs are posted to the app's bounce route.
  sink.forwardReportsTo({ url: `${world.app.url}/api/notifications/bounces`, secret: INBOUND_SECRET });
  deps = createNotifyDeps({
    db: world.database.db,
    env: {
      SMTP_URL: sink.url, MAIL_FROM: 'Ledgerbridge <notify@ledgerbridge.test>', APP_URL: world.app.url, SESSION_SECRET: SECRET,
      MAIL_BOUNCE_ADDRESS: BOUNCE_ADDRESS, BIGCOMMERCE_APP_ID: appId, BIGCOMMERCE_LOGIN_URL: world.sandbox.url,
    },
  });
});
afterAll(async () => {
  for (const name of ['SMTP_URL', 'MAIL_BOUNCE_ADDRESS', 'MAIL_BOUNCE_SECRET', 'BIGCOMMERCE_APP_ID']) delete process.env[name];
  deps?.close();
  await sink?.close();
  await world?.stop();
});
beforeEach(() => sink.clear());

describe('alerts', () => {
  it('group a store’s failures into one email per recipient, at most one per kind and hour, never with another store’s data', async () => {
    const records = createSyncRecordRepo({ db: world.database.db });
    for (const id of [120, 121, 122]) {
      await records.markFailed(key(storeA, id), { state: 'held', reason: 'missing_sku', message: `Order #${id}: Unable to find product with SKU A-${id}` });
    }
    await records.markFailed(key(storeB, 900), { state: 'failed', reason: 'duplicate', message: 'Invoice BC-900 already exists (store B only)' });

    const hour = new Date('2026-12-06T10:05:00Z');
    const first = await sendAlerts({ ...deps, now: () => hour }, storeA, 'needs_attention');
    expect(first).toMatchObject({ sent: 1, refused: [], notifications: 3 });
    const [mail] = await sink.waitFor(1);
    expect(mail!.to).toBe(ownerA);
    expect(mail!.subject).toContain('3 ×');
    for (const id of [120, 121, 122]) {
      expect(mail!.text).toContain(`Unable to find product with SKU A-${id}`);
      // Into the app inside the store's control panel (outside it the app has no session).
      expect(mail!.text).toContain(panelLink(storeA, `/activity/${id}`));
      expect(mail!.html).toContain(`href="${panelLink(storeA, `/activity/${id}`)}"`);
    }
    expect(mail!.text + mail!.html).not.toContain('store B only');
    expect(mail!.text + mail!.html).not.toContain(storeB);
    // RFC 8058: both headers, the URI the app's own signed link.
    expect(mail!.headers['list-unsubscribe']).toMatch(new RegExp(`^<${world.app.url}/api/notifications/unsubscribe\\?token=[^>]+>$`));
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

    // More failures in the same hour wait; nothing already emailed is sent again.
    await records.markFailed(key(storeA, 123), { state: 'held', reason: 'unmapped_tax', message: 'Order #123: tax rate "City tax" is not mapped' });
    expect(await sendAlerts({ ...deps, now: () => new Date('2026-12-06T10:55:00Z') }, storeA, 'needs_attention')).toEqual({ sent: 0, skipped: 'throttled' });
    expect(sink.messages()).toHaveLength(1);
    const next = await sendAlerts({ ...deps, now: () => new Date('2026-12-06T11:00:00Z') }, storeA, 'needs_attention');
    expect(next).toMatchObject({ sent: 1, notifications: 1 });
    const second = (await sink.waitFor(2))[1]!;
    expect(second.text).toContain('City tax');
    expect(second.text).not.toContain('SKU A-120');
    // Nothing left: the next run sends nothing.
    expect(await sendAlerts({ ...deps, now: () => new Date('2026-12-06T12:00:00Z') }, storeA, 'needs_attention')).toEqual({ sent: 0, skipped: 'nothing_to_send' });

    // Store B's alert goes to B's owner, with B's order only.
    expect(await sendAlerts({ ...deps, now: () => hour }, storeB, 'needs_attention')).toMatchObject({ sent: 1 });
    const b = (await sink.waitFor(3))[2]!;
    expect(b.to).toBe(ownerB);
    expect(b.text).toContain('BC-900');
    expect(b.text + b.html).not.toMatch(/SKU A-12|City tax/);
  });

  it('another user gets nothing until they opt in, then their own choices apply', async () => {
    const user = await addUser(storeA, `bookkeeper-${storeA}@example.com`);
    const before = await fetch(`${world.app.url}/api/admin/notifications/email`, { headers: { authorization: `Bearer ${user.token}` } });
    const view = (await before.json()) as EmailSettingsView;
    expect(view).toMatchObject({ emailOn: true, me: { userId: user.id, alertKinds: [], digest: false, chosen: false } });
    expect(view.recipients.map((r) => r.email).sort()).toEqual([ownerA, `bookkeeper-${storeA}@example.com`].sort());

    const saved = await fetch(`${world.app.url}/api/admin/notifications/email`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ alertKinds: ['stock_refused'], digest: false }),
    });
    expect(saved.status).toBe(200);
    await createNotificationRepo({ db: world.database.db }).record(storeA, { kind: 'stock_refused', dedupeKey: 'stock_refused:X', title: 'The store refused SKU X', message: 'tracking is off' });
    expect(await sendAlerts({ ...deps, now: () => new Date('2026-12-06T10:00:00Z') }, storeA, 'stock_refused')).toMatchObject({ sent: 2 });
    expect((await sink.waitFor(2)).map((m) => m.to).sort()).toEqual([ownerA, `bookkeeper-${storeA}@example.com`].sort());
    // A choice that is not a kind is refused at its field.
    const bad = await fetch(`${world.app.url}/api/admin/notifications/email`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ alertKinds: ['everything'], digest: true }),
    });
    expect(bad.status).toBe(400);
  });
});

describe('the daily digest', () => {
  it('counts yesterday’s posted, failed and held orders of the store only, with their reasons', async () => {
    const db = world.database.db;
    const records = createSyncRecordRepo({ db });
    const now = new Date();
    const posted = [
      { id: 501, total: '100.25' },
      { id: 502, total: '49.75' },
    ];
    for (const p of posted) {
      await records.markPending(key(storeA, p.id), { idempotencyKey: `k-${p.id}`, reason: 'new', message: 'posting' }, snapshot(p.id, p.total, now));
      await records.markPosted(key(storeA, p.id), { remoteId: `J-${p.id}`, remoteNumber: `BC-${p.id}`, contentHash: 'h', document: {}, message: 'posted', documentVersion: 0 });
    }
    await records.markPending(key(storeB, 901), { idempotencyKey: 'k-901', reason: 'new', message: 'posting' }, snapshot(901, '999.00', now));
    await records.markPosted(key(storeB, 901), { remoteId: 'J-901', remoteNumber: 'BC-901', contentHash: 'h', document: {}, message: 'posted', documentVersion: 0 });
    const today = now.toISOString().slice(0, 10); // the store's time zone is UTC (the default)

    const model = await digestModel(deps, storeA, today);
    expect(model.posted).toEqual([{ currency: 'USD', orders: 2, total: '150.00' }]);
    expect(model.postedOrders).toBe(2);
    // Orders 120–123 were held earlier in this file (today); B's failure is not A's.
    expect(model.problems.map((p) => p.orderId)).toEqual([120, 121, 122, 123]);
    expect(model.held).toBe(4);
    expect(model.failed).toBe(0);
    expect(model.reconciliation).toBeNull();

    expect(await sendDigest(deps, storeA, today)).toMatchObject({ sent: 1 });
    const [mail] = await sink.waitFor(1);
    expect(mail!.to).toBe(ownerA);
    expect(mail!.subject).toContain('2 posted, 0 failed, 4 held');
    expect(mail!.text).toContain('USD: 2 order(s), 150.00');
    expect(mail!.text).toContain('Order #123 (held, unmapped_tax)');
    expect(mail!.text).toContain('Not reconciled for this day.');
    expect(mail!.text + mail!.html).not.toMatch(/BC-900|999\.00|store B only/);
    // Once a day: the cron's second run sends nothing.
    expect(await sendDigest(deps, storeA, today)).toEqual({ sent: 0, skipped: 'already_sent' });
  });

  it('shows the reconciliation result through the seam when there is one', async () => {
    const withReconciliation = {
      ...deps,
      reconciliation: async (storeHash: StoreHash, date: string) =>
        storeHash === storeA
          ? { days: [{ currency: 'USD', storeTotal: '150.00', booksTotal: '100.25', differences: 1 }], byClass: [{ class: 'missing_in_books', count: 1 }], link: `${world.app.url}/reconciliation?date=${date}` }
          : null,
    };
    expect(await sendDigest(withReconciliation, storeA, '2026-01-02')).toMatchObject({ sent: 1 });
    const [mail] = await sink.waitFor(1);
    expect(mail!.text).toContain('USD: store 150.00, books 100.25, 1 difference(s)');
    expect(mail!.text).toContain('missing_in_books: 1');
  });

  it('the app’s digest shows the day’s stored reconciliation: its figures are the reconciliation’s, the store’s own only', async () => {
    const results = createReconciliationRepo({ db: world.database.db });
    const dayOf = (total: string, books: string, orderIds: number[]): DayResult => ({
      date: '2026-01-04', currency: 'USD',
      store: { orders: 2, total, tax: '0.00', refunds: '0.00', shipping: '0.00', discounts: '0.00', payments: {} },
      books: { documents: 1, total: books, tax: '0.00', refunds: '0.00', payments: {} },
      differences: orderIds.map((orderId) => ({ orderId, class: 'missing_in_books' as const, amount: '49.75', reason: 'Not in the books.' })),
    });
    await results.saveDays(storeA, 'ledger', ['2026-01-04'], [dayOf('150.00', '100.25', [502])]);
    await results.saveDays(storeB, 'ledger', ['2026-01-04'], [dayOf('999.00', '0.00', [901, 902])]);
    const model = await digestModel(deps, storeA, '2026-01-04');
    expect(model.reconciliation).toEqual({
      days: [{ currency: 'USD', storeTotal: '150.00', booksTotal: '100.25', differences: 1 }], byClass: [{ class: 'missing_in_books', count: 1 }], link: panelLink(storeA, '/reconciliation'),
    });
    expect(await sendDigest(deps, storeA, '2026-01-04')).toMatchObject({ sent: 1 });
    const [mail] = await sink.waitFor(1);
    expect(mail!.text).toContain('USD: store 150.00, books 100.25, 1 difference(s)');
    expect(mail!.text + mail!.html).not.toMatch(/999\.00/);
  });
});

describe('bounces reported later (delivery status notifications)', () => {
  it('a DSN for a permanent failure stops mail to the address and the app says why; a delay changes nothing', async () => {
    const gone = `gone-${storeA}@undeliverable.invalid`;
    const slow = `slow-${storeA}@delayed.invalid`;
    const userGone = await addUser(storeA, gone);
    const userSlow = await addUser(storeA, slow);
    const repo = createNotificationRepo({ db: world.database.db });
    for (const u of [userGone, userSlow]) expect(await repo.setPreferences(storeA, u.id, { alertKinds: ['stock_refused'], digest: false })).toBe(true);
    await repo.record(storeA, { kind: 'stock_refused', dedupeKey: 'stock_refused:SKU-1', title: 'The store refused the stock level of SKU SKU-1', message: 'Refused.' });
    const reportsBefore = sink.reports().length;

    // The relay accepts both (250): no refusal at send time.
    const sent = await sendAlerts({ ...deps, now: () => new Date('2026-12-08T01:00:00Z') }, storeA, 'stock_refused');
    expect(sent).toMatchObject({ refused: [] });
    const reports = (await sink.waitForReports(reportsBefore + 2)).slice(reportsBefore);
    const goneReport = reports.find((r) => r.recipient === gone)!;
    const slowReport = reports.find((r) => r.recipient === slow)!;
    expect(goneReport).toMatchObject({ action: 'failed', status: '5.1.1', forwarded: { status: 200 } });
    expect(slowReport).toMatchObject({ action: 'delayed', status: '4.4.1', forwarded: { status: 200 } });
    // Each report went to the envelope sender of the mail it is about: the bounce address tagged for that recipient.
    expect(goneReport.to).toMatch(/^bounces\+[0-9a-f]{16}@ledgerbridge\.test$/);
    expect(slowReport.to).toMatch(/^bounces\+[0-9a-f]{16}@ledgerbridge\.test$/);
    expect(goneReport.to).not.toBe(slowReport.to);
    expect(JSON.parse(goneReport.forwarded!.body)).toMatchObject({ report: true, suppressed: [gone], ignored: [] });
    expect(JSON.parse(slowReport.forwarded!.body)).toMatchObject({ report: true, suppressed: [], ignored: [{ recipient: slow, action: 'delayed', status: '4.4.1' }] });

    // The app says so, to the user and on the list; the delayed address is fine.
    const view = (await (await fetch(`${world.app.url}/api/admin/notifications/email`, { headers: { authorization: `Bearer ${userGone.token}` } })).json()) as EmailSettingsView;
    expect(view.me!.bounced!.reason).toMatch(/^Bounced after it was sent: 5\.1\.1 \(smtp; 550 5\.1\.1 <gone-/);
    expect(view.recipients.find((r) => r.email === gone)!.bounced).not.toBeNull();
    expect(view.recipients.find((r) => r.email === slow)!.bounced).toBeNull();
    // Another store's people never see this store's users.
    const viewB = (await (await fetch(`${world.app.url}/api/admin/notifications/email`, { headers: { authorization: `Bearer ${await sessionFor(storeB)}` } })).json()) as EmailSettingsView;
    expect(viewB.recipients.map((r) => r.email)).not.toContain(gone);

    // The next alert goes to the delayed address, and is not sent to the bounced one at all.
    sink.clear();
    await repo.record(storeA, { kind: 'stock_refused', dedupeKey: 'stock_refused:SKU-2', title: 'The store refused the stock level of SKU SKU-2', message: 'Refused.' });
    const next = await sendAlerts({ ...deps, now: () => new Date('2026-12-08T02:00:00Z') }, storeA, 'stock_refused');
    expect(next).toMatchObject({ refused: [] });
    await sink.waitForReports(reportsBefore + 3);
    const latest = sink.reports().slice(reportsBefore + 2);
    expect(latest.map((r) => r.recipient)).toEqual([slow]);
    expect(sink.messages().map((m) => m.to)).toContain(slow);
    expect(sink.messages().map((m) => m.to)).not.toContain(gone);
  });

  it('the bounce route takes only the inbound secret, and a report about mail we did not send changes nothing', async () => {
    const goneReport = sink.reports().find((r) => r.recipient === `gone-${storeA}@undeliverable.invalid`)!;
    const url = `${world.app.url}/api/notifications/bounces`;
    for (const authorization of [undefined, 'Bearer wrong-secret-0123456789abcdef', `Basic ${Buffer.from('bounces:nope').toString('base64')}`]) {
      const refused = await fetch(url, { method: 'POST', headers: { 'content-type': 'message/rfc822', ...(authorization ? { authorization } : {}) }, body: goneReport.raw });
      expect(refused.status).toBe(401);
    }
    // Someone who got our mail (and so saw their own tag) reports another store's owner as failed: nothing happens.
    const forged = goneReport.raw.replaceAll(`gone-${storeA}@undeliverable.invalid`, ownerB);
    const answer = await fetch(url, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`bounces:${INBOUND_SECRET}`).toString('base64')}`, 'content-type': 'message/rfc822' }, body: forged });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ report: true, suppressed: [], ignored: [{ recipient: ownerB, why: 'the return-path tag is not for this address' }] });
    const repo = createNotificationRepo({ db: world.database.db });
    expect((await repo.recipients(storeB)).find((r) => r.email === ownerB)!.bounced).toBeNull();

    // A provider's form post (SendGrid Inbound Parse: the raw message in `email`, the envelope as JSON) is read too.
    const form = new FormData();
    form.set('email', goneReport.raw);
    form.set('envelope', JSON.stringify({ to: [goneReport.to], from: '' }));
    const posted = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${INBOUND_SECRET}` }, body: form });
    expect(posted.status).toBe(200);
    expect(await posted.json()).toMatchObject({ report: true, suppressed: [`gone-${storeA}@undeliverable.invalid`] });
    // Not a report at all (an auto-reply): read, nothing done.
    const other = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${INBOUND_SECRET}`, 'content-type': 'message/rfc822' }, body: 'From: a@example.com\r\nTo: bounces@ledgerbridge.test\r\nSubject: Out of office\r\n\r\nAway.\r\n' });
    expect(await other.json()).toEqual({ report: false, suppressed: [], ignored: [] });
  });
});

describe('bounces without a delivery report (free-text notices)', () => {
  const url = () => `${world.app.url}/api/notifications/bounces`;
  /** A notice as qmail writes it (QSBMF, https://cr.yp.to/proto/qsbmf.txt), to the VERP sender of our mail to `to`, with our mail copied below. */
  const qmailNotice = (to: string, explanation: string) => [
    'From: MAILER-DAEMON@mx.example.net',
    `To: ${verpSender(BOUNCE_ADDRESS, SECRET, to)}`,
    'Subject: failure notice',
    '',
    'Hi. This is the qmail-send program at mx.example.net.',
    "I'm afraid I wasn't able to deliver your message to the following addresses.",
    "This is a permanent error; I've given up. Sorry it didn't work out.",
    '',
    `<${to}>:`,
    explanation,
    '',
    '--- Below this line is a copy of the message.',
    '',
    `To: ${to}`,
    'Subject: [Ledgerbridge] 1 difference(s) between the store and the books',
    '',
    'Order #550: total 450.00 in the books, 550.00 in the store.',
  ].join('\r\n');
  /** The same without the recipient's address anywhere (a notice that names no one): the tag alone says whom. */
  const anonymousNotice = (to: string) => [
    'From: Mail Delivery System <Mailer-Daemon@mx.example.net>',
    `To: ${verpSender(BOUNCE_ADDRESS, SECRET, to)}`,
    'Subject: Mail delivery failed: returning message to sender',
    '',
    'This message was created automatically by mail delivery software.',
    'A message that you sent could not be delivered to one of its recipients.',
  ].join('\r\n');
  const post = async (raw: string) => {
    const res = await fetch(url(), { method: 'POST', headers: { authorization: `Bearer ${INBOUND_SECRET}`, 'content-type': 'message/rfc822' }, body: raw });
    expect(res.status).toBe(200);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const viewOf = async (token: string) =>
    (await (await fetch(`${world.app.url}/api/admin/notifications/email`, { headers: { authorization: `Bearer ${token}` } })).json()) as EmailSettingsView;

  it('an undetermined bounce is shown and mail goes on; a second one stops it; codes that are all permanent stop it at once, temporary ones never', async () => {
    const maybe = `maybe-${storeA}@example.com`;
    const gone = `text-gone-${storeA}@example.com`;
    const slow = `text-slow-${storeA}@example.com`;
    const userMaybe = await addUser(storeA, maybe);
    const userGone = await addUser(storeA, gone);
    const userSlow = await addUser(storeA, slow);
    const repo = createNotificationRepo({ db: world.database.db });
    for (const u of [userMaybe, userGone, userSlow]) expect(await repo.setPreferences(storeA, u.id, { alertKinds: ['stock_refused'], digest: false })).toBe(true);

    // A notice that quotes no code: recorded, shown to the user and on the list, mail still sent.
    expect(await post(qmailNotice(maybe, 'The mail system refused it.'))).toMatchObject({
      report: false, suppressed: [], undetermined: [maybe], text: { recipient: maybe, verdict: 'undetermined', codes: [], outcome: 'recorded' },
    });
    const first = await viewOf(userMaybe.token);
    expect(first.me!.bounced).toBeNull();
    expect(first.me!.undeterminedBounce!.reason).toMatch(/did not say whether the address is gone for good \(The mail system refused it\.\)/);
    // qmail quoting a 5.x.x: permanent at once; qmail giving up on a 4.x.x: the address may be fine.
    expect(await post(qmailNotice(gone, 'Sorry, no mailbox here by that name. (#5.1.1)'))).toMatchObject({ suppressed: [gone], text: { verdict: 'permanent', codes: ['5.1.1'] } });
    expect(await post(qmailNotice(slow, 'Connection refused. (#4.4.1)'))).toMatchObject({ suppressed: [], text: { verdict: 'temporary', outcome: 'ignored' } });
    const list = (await viewOf(userGone.token)).recipients;
    expect(list.find((r) => r.email === gone)!.bounced!.reason).toMatch(/^Bounced after it was sent: 5\.1\.1 /);
    expect(list.find((r) => r.email === slow)).toMatchObject({ bounced: null, undeterminedBounce: null });
    expect(list.find((r) => r.email === maybe)).toMatchObject({ bounced: null, undeterminedBounce: { reason: expect.any(String) } });

    await repo.record(storeA, { kind: 'stock_refused', dedupeKey: 'stock_refused:SKU-text-1', title: 'The store refused the stock level of SKU SKU-text-1', message: 'Refused.' });
    const sentFirst = await sendAlerts({ ...deps, now: () => new Date('2026-12-10T01:00:00Z') }, storeA, 'stock_refused');
    expect(sentFirst).toMatchObject({ refused: [] });
    const firstTo = await until(async () => sink.messages().map((m) => m.to), (to) => to.includes(maybe) && to.includes(slow), 10_000, 50);
    expect(firstTo).toEqual(expect.arrayContaining([maybe, slow]));
    expect(firstTo).not.toContain(gone);

    // A second undetermined bounce (this one names no one: the tag says whom, among the stores' users): mail stops.
    expect(await post(anonymousNotice(maybe))).toMatchObject({ suppressed: [maybe], text: { recipient: maybe, verdict: 'undetermined', outcome: 'suppressed' } });
    expect((await viewOf(userMaybe.token)).me!.bounced!.reason).toMatch(/^Bounced twice without saying whether for good/);
    sink.clear();
    await repo.record(storeA, { kind: 'stock_refused', dedupeKey: 'stock_refused:SKU-text-2', title: 'The store refused the stock level of SKU SKU-text-2', message: 'Refused.' });
    expect(await sendAlerts({ ...deps, now: () => new Date('2026-12-10T02:00:00Z') }, storeA, 'stock_refused')).toMatchObject({ refused: [] });
    const secondTo = await until(async () => sink.messages().map((m) => m.to), (to) => to.includes(slow), 10_000, 50);
    expect(secondTo).toContain(slow);
    expect(secondTo).not.toContain(maybe);

    // A notice with a tag of ours that is for no user's address, or an out-of-office to the tagged sender: nothing.
    expect(await post(anonymousNotice('nobody-we-mail@example.com'))).toMatchObject({ suppressed: [], text: { recipient: null, outcome: 'ignored' } });
    const away = `From: ${slow}\r\nTo: ${verpSender(BOUNCE_ADDRESS, SECRET, slow)}\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nAway until Monday.\r\n`;
    expect(await post(away)).toEqual({ report: false, suppressed: [], ignored: [] });
    expect((await viewOf(userSlow.token)).me).toMatchObject({ bounced: null, undeterminedBounce: null });
  });
});

describe('links in the mails open the app inside the control panel', () => {
  it('a link taken from a received mail (GET /__sandbox/mail) opens its page of the app in the sandbox control panel, signed in', async () => {
    await createSyncRecordRepo({ db: world.database.db }).markFailed(key(storeA, 130), { state: 'held', reason: 'missing_sku', message: 'Order #130: Unable to find product with SKU L-130' });
    expect(await sendAlerts({ ...deps, now: () => new Date('2026-12-09T01:00:00Z') }, storeA, 'needs_attention')).toMatchObject({ refused: [] });
    await sink.waitFor(1);
    const box = (await (await fetch(`${world.sandbox.url}/__sandbox/mail`)).json()) as { messages: Array<{ to: string; text: string }> };
    const mail = box.messages.find((m) => m.to === ownerA && m.text.includes('SKU L-130'))!;
    const link = /Open in Ledgerbridge: (\S+)/.exec(mail.text)![1]!;
    expect(link).toBe(panelLink(storeA, '/activity/130'));

    // The control panel page opens the app in its frame through the load callback, with the path as the `url` claim.
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    const src = /id="app-frame"[\s\S]*?src="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&');
    const launch = await fetch(`${world.sandbox.url}${src}`, { redirect: 'manual' });
    expect(launch.status).toBe(302);
    const loadUrl = new URL(launch.headers.get('location')!);
    expect(`${loadUrl.origin}${loadUrl.pathname}`).toBe(`${world.app.url}/api/bigcommerce/load`);
    const claims = JSON.parse(Buffer.from(loadUrl.searchParams.get('signed_payload_jwt')!.split('.')[1]!, 'base64url').toString()) as { url: string; sub: string; user: { email: string } };
    expect(claims).toMatchObject({ url: '/activity/130', sub: `stores/${storeA}`, user: { email: ownerA } });

    // The app's load callback opens that page, with a session.
    const load = await fetch(loadUrl, { redirect: 'manual' });
    expect(load.status).toBe(303);
    const [target, fragment] = load.headers.get('location')!.split('#');
    expect(target).toBe(`/activity/130?store=${storeA}`);
    const token = decodeURIComponent(fragment!.replace(/^session=/, ''));
    const me = await fetch(`${world.app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ store: { hash: storeA } });
  });

  it('the control panel opens no app that the store has not installed, nor an unknown app', async () => {
    const bare = (await world.admin<{ hash: string }>('/__sandbox/stores', {})).body.hash;
    const notInstalled = await fetch(`${world.sandbox.url}/store-${bare}/manage/app/${appId}/activity/1`);
    expect(notInstalled.status).toBe(404);
    expect(await notInstalled.text()).toContain('src="about:blank"');
    expect((await fetch(`${world.sandbox.url}/store-${storeA}/manage/app/1/activity/1`)).status).toBe(404);
  });
});

describe('unsubscribe and bounces', () => {
  it('the link in the email unsubscribes in one click; an altered link is refused and changes nothing', async () => {
    expect(await sendDigest(deps, storeA, '2026-01-03')).toMatchObject({ sent: 1 });
    const [mail] = await sink.waitFor(1);
    const link = /^<(.+)>$/.exec(mail!.headers['list-unsubscribe']!)![1]!;
    expect(mail!.text).toContain(link);

    // A link scanner's GET changes nothing: it shows a button.
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    const repo = createNotificationRepo({ db: world.database.db });
    expect((await repo.recipients(storeA)).find((r) => r.email === ownerA)!.digest).toBe(true);

    const token = new URL(link).searchParams.get('token')!;
    const [payload, mac] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ s: storeB, u: 1, k: 'all' })).toString('base64url');
    for (const bad of [`${forgedPayload}.${mac}`, `${payload}.${mac!.slice(0, -2)}AA`, 'garbage']) {
      const refused = await fetch(`${world.app.url}/api/notifications/unsubscribe?token=${encodeURIComponent(bad)}`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click',
      });
      expect(refused.status).toBe(400);
    }
    expect((await repo.recipients(storeA)).find((r) => r.email === ownerA)!.digest).toBe(true);
    expect((await repo.recipients(storeB)).find((r) => r.email === ownerB)!.alertKinds.length).toBeGreaterThan(0);

    // The mail client's RFC 8058 one-click POST.
    const done = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You are unsubscribed');
    const owner = (await repo.recipients(storeA)).find((r) => r.email === ownerA)!;
    expect(owner.digest).toBe(false);
    expect(owner.alertKinds.length).toBeGreaterThan(0); // only the digest was stopped
    expect(await sendDigest(deps, storeA, '2026-01-04')).toEqual({ sent: 0, skipped: 'no_recipients' });
  });

  it('an address the server refuses stops mail to it, and the app says so', async () => {
    const user = await addUser(storeA, `bounce-${storeA}@example.com`);
    const repo = createNotificationRepo({ db: world.database.db });
    expect(await repo.setPreferences(storeA, user.id, { alertKinds: ['backfill_finished'], digest: false })).toBe(true);
    await repo.record(storeA, { kind: 'backfill_finished', dedupeKey: 'backfill_finished:1', title: 'Past orders are posted', message: '2 posted' });
    const sent = await sendAlerts({ ...deps, now: () => new Date('2026-12-07T01:00:00Z') }, storeA, 'backfill_finished');
    expect(sent).toMatchObject({ sent: 1, refused: [`bounce-${storeA}@example.com`] });
    expect((await sink.waitFor(1)).map((m) => m.to)).toEqual([ownerA]);

    const view = (await (await fetch(`${world.app.url}/api/admin/notifications/email`, { headers: { authorization: `Bearer ${user.token}` } })).json()) as EmailSettingsView;
    expect(view.me!.bounced!.reason).toMatch(/550/);
    expect(view.recipients.find((r) => r.email === `bounce-${storeA}@example.com`)!.bounced).not.toBeNull();

    // The next alert is not sent to it at all.
    sink.clear();
    await repo.record(storeA, { kind: 'backfill_finished', dedupeKey: 'backfill_finished:2', title: 'Past orders are posted', message: '3 posted' });
    expect(await sendAlerts({ ...deps, now: () => new Date('2026-12-07T02:00:00Z') }, storeA, 'backfill_finished')).toMatchObject({ sent: 1, refused: [] });
  });

  it('without SMTP_URL email is off and the page says so', async () => {
    delete process.env.SMTP_URL;
    resetEnvForTests();
    const view = (await (await fetch(`${world.app.url}/api/admin/notifications/email`, { headers: { authorization: `Bearer ${await sessionFor(storeA)}` } })).json()) as EmailSettingsView;
    expect(view.emailOn).toBe(false);
    const off = createNotifyDeps({ db: world.database.db, env: { MAIL_FROM: 'x <x@example.com>', APP_URL: world.app.url, SESSION_SECRET: SECRET } });
    expect(await sendDigest(off, storeA, '2026-01-05')).toEqual({ sent: 0, skipped: 'email_off' });
  });
});
