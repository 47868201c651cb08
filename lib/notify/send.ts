/**
 * The two emails of issue 17: the alert (something needs a person; grouped, at most one per store, kind and hour)
 * and the daily digest (yesterday in the store's time zone). Dependencies arrive as one object; every read is for
 * the one store named, so no mail ever carries another store's data.
 */
import type { StoreHash } from '@/lib/ids';
import type { NotificationRepo, Recipient } from '@/lib/repos/notifications';
import { dayBounds } from '@/lib/sync/days';
import { hrefOf, KIND_LABELS, type NotificationKind } from './kinds';
import type { Mailer } from './mailer';
import { renderAlert, renderDigest, type DigestModel, type DigestReconciliation, type MailContent } from './templates';
import { signUnsubscribe, unsubscribeUrl, type UnsubscribeScope } from './unsubscribe';

/** Orders listed in one alert email; the rest are counted and are in the app. */
const LISTED = 20;
/** Notifications one alert email covers (the next hour's email takes what is left). */
const COVERED = 200;

export interface NotifyDeps {
  notifications: Pick<NotificationRepo, 'unemailed' | 'recipients' | 'claimSlot' | 'releaseSlot' | 'markEmailed' | 'suppress' | 'digestFigures'>;
  /** null: SMTP_URL is unset, email is off. */
  mailer: Mailer | null;
  /** The app's own URL: the signed unsubscribe links, which work outside the control panel. */
  appUrl: string;
  /**
   * A page of the app as a link that opens it inside the store's control panel (lib/bigcommerce/control-panel-link.ts):
   * outside it the embedded pages have no session.
   */
  link: (storeHash: StoreHash, path: string) => string;
  /** Signs unsubscribe links (SESSION_SECRET). */
  secret: string;
  store: (storeHash: StoreHash) => Promise<{ name: string; timeZone: string; provider: string }>;
  /**
   * The reconciliation seam: what reconciliation found for the store's day, or null when it has not run for that day.
   * Wired by the reconciliation half of issue 17; absent until then (the digest says "not reconciled").
   */
  reconciliation?: (storeHash: StoreHash, date: string) => Promise<DigestReconciliation | null>;
  now?: () => Date;
}

export type SendResult =
  | { sent: number; refused: string[]; notifications?: number }
  | { sent: 0; skipped: 'email_off' | 'nothing_to_send' | 'no_recipients' | 'throttled' | 'already_sent' };

function links(deps: NotifyDeps, storeHash: StoreHash, userId: number, scope: UnsubscribeScope) {
  return {
    scoped: unsubscribeUrl(deps.appUrl, signUnsubscribe(deps.secret, { storeHash, userId, scope })),
    all: unsubscribeUrl(deps.appUrl, signUnsubscribe(deps.secret, { storeHash, userId, scope: 'all' })),
  };
}

/** Sends to each recipient; a refused address is suppressed (no more mail to it) and named in the result. */
async function deliver(deps: NotifyDeps, recipients: Recipient[], content: (r: Recipient) => MailContent & { unsubscribeUrl: string }) {
  const mailer = deps.mailer!;
  let sent = 0;
  const refused: string[] = [];
  for (const recipient of recipients) {
    const mail = content(recipient);
    const outcome = await mailer.send({ to: recipient.email, ...mail });
    if (outcome.ok) sent += 1;
    else {
      refused.push(recipient.email);
      await deps.notifications.suppress(recipient.email, `Refused when sent: ${outcome.reason}`);
    }
  }
  return { sent, refused };
}

/** The hour slot of the throttle: `2026-12-06T22`. */
export const hourSlot = (at: Date) => at.toISOString().slice(0, 13);

/** One alert email per recipient for the store's unemailed notifications of a kind, unless one went out this hour. */
export async function sendAlerts(deps: NotifyDeps, storeHash: StoreHash, kind: NotificationKind): Promise<SendResult> {
  if (!deps.mailer) return { sent: 0, skipped: 'email_off' };
  const pending = await deps.notifications.unemailed(storeHash, kind, COVERED);
  if (pending.length === 0) return { sent: 0, skipped: 'nothing_to_send' };
  const recipients = (await deps.notifications.recipients(storeHash)).filter((r) => r.alertKinds.includes(kind) && !r.bounced);
  if (recipients.length === 0) {
    // Nobody asked for these: they stay in the app, and do not wait to be mailed to someone who opts in later.
    await deps.notifications.markEmailed(storeHash, pending.map((n) => n.id));
    return { sent: 0, skipped: 'no_recipients' };
  }
  const slot = `alert:${kind}:${hourSlot((deps.now ?? (() => new Date()))())}`;
  if (!(await deps.notifications.claimSlot(storeHash, slot))) return { sent: 0, skipped: 'throttled' };
  const store = await deps.store(storeHash);
  const items = pending.slice(0, LISTED).map((n) => ({
    title: n.title,
    message: n.message,
    appLink: deps.link(storeHash, hrefOf(n)),
    orderLink: n.orderId ? `https://store-${storeHash}.mybigcommerce.com/manage/orders/${n.orderId}` : null,
  }));
  let result;
  try {
    result = await deliver(deps, recipients, (r) => {
      const unsubscribe = links(deps, storeHash, r.userId, kind);
      return {
        ...renderAlert({
          storeName: store.name,
          kindLabel: KIND_LABELS[kind],
          count: pending.length,
          items,
          more: Math.max(0, pending.length - LISTED),
          notificationsLink: deps.link(storeHash, '/notifications'),
          unsubscribeKindLink: unsubscribe.scoped,
          unsubscribeAllLink: unsubscribe.all,
        }),
        unsubscribeUrl: unsubscribe.scoped,
      };
    });
  } catch (error) {
    // Nothing reached anyone (the server is down): the slot is free again for the retry.
    await deps.notifications.releaseSlot(storeHash, slot);
    throw error;
  }
  await deps.notifications.markEmailed(storeHash, pending.map((n) => n.id));
  return { ...result, notifications: pending.length };
}

const STATE_LABEL = { failed: 'failed', held: 'held' } as const;

/** The digest's model for a store's day (exported for the CLI's dry look and the tests). */
export async function digestModel(deps: NotifyDeps, storeHash: StoreHash, date: string): Promise<Omit<DigestModel, 'unsubscribeDigestLink' | 'unsubscribeAllLink'>> {
  const store = await deps.store(storeHash);
  const { from, to } = dayBounds(store.timeZone, date);
  const figures = await deps.notifications.digestFigures(storeHash, store.provider, from, to);
  return {
    storeName: store.name,
    date,
    timeZone: store.timeZone,
    posted: figures.posted,
    postedOrders: figures.posted.reduce((n, p) => n + p.orders, 0),
    problems: figures.problems.map((p) => ({ ...p, state: STATE_LABEL[p.state], link: deps.link(storeHash, `/activity/${p.orderId}`) })),
    failed: figures.problems.filter((p) => p.state === 'failed').length,
    held: figures.problems.filter((p) => p.state === 'held').length,
    reconciliation: (await deps.reconciliation?.(storeHash, date)) ?? null,
    activityLink: deps.link(storeHash, '/activity'),
  };
}

/**
 * The store's digest of `date` to each user who wants it. Once per store and day (the cron); `force` sends again
 * (`ledgerbridge notify digest`).
 */
export async function sendDigest(deps: NotifyDeps, storeHash: StoreHash, date: string, options: { force?: boolean } = {}): Promise<SendResult> {
  if (!deps.mailer) return { sent: 0, skipped: 'email_off' };
  const recipients = (await deps.notifications.recipients(storeHash)).filter((r) => r.digest && !r.bounced);
  if (recipients.length === 0) return { sent: 0, skipped: 'no_recipients' };
  const slot = `digest:${date}`;
  const claimed = await deps.notifications.claimSlot(storeHash, slot);
  if (!claimed && !options.force) return { sent: 0, skipped: 'already_sent' };
  const model = await digestModel(deps, storeHash, date);
  try {
    return await deliver(deps, recipients, (r) => {
      const unsubscribe = links(deps, storeHash, r.userId, 'digest');
      return { ...renderDigest({ ...model, unsubscribeDigestLink: unsubscribe.scoped, unsubscribeAllLink: unsubscribe.all }), unsubscribeUrl: unsubscribe.scoped };
    });
  } catch (error) {
    if (claimed) await deps.notifications.releaseSlot(storeHash, slot);
    throw error;
  }
}
