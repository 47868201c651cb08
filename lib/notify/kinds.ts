/**
 * The things a store's people are told (issue 17), in the app (the bell) and by email. Pure: no framework imports.
 */
export const NOTIFICATION_KINDS = ['needs_attention', 'reconciliation_differences', 'connection_lost', 'backfill_finished', 'stock_refused'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const isNotificationKind = (value: string): value is NotificationKind => (NOTIFICATION_KINDS as readonly string[]).includes(value);

/** How each kind is named to a merchant (the settings page, the alert email's subject). */
export const KIND_LABELS: Record<NotificationKind, string> = {
  needs_attention: 'Orders that need you (missing SKU, unmapped tax rate, refused by the books)',
  reconciliation_differences: 'Differences between the store and the books',
  connection_lost: 'Lost connection to the books',
  backfill_finished: 'Posting of past orders finished',
  stock_refused: 'Stock levels refused by the store',
};

/** A notification to record: where it happens (the sync record's failure, a backfill's end, a refused stock level). */
export interface NewNotification {
  kind: NotificationKind;
  /** The same key again while unread is the same notification (it is reopened once read). */
  dedupeKey: string;
  orderId?: number | null;
  title: string;
  message: string;
  detail?: Record<string, unknown>;
}

/**
 * A sync record that became failed or held: the notification it makes. A revoked connection is a lost connection
 * (one per store until read, whichever order found it); any other expected failure is an order that needs a person.
 */
export function notificationOfFailure(input: { orderId: number; state: 'failed' | 'held'; reason: string; message: string }): NewNotification {
  if (input.reason === 'auth_revoked') {
    return {
      kind: 'connection_lost',
      dedupeKey: 'connection_lost',
      orderId: input.orderId,
      title: 'The connection to your books was lost',
      message: input.message,
      detail: { reason: input.reason },
    };
  }
  return {
    kind: 'needs_attention',
    dedupeKey: `needs_attention:order:${input.orderId}:${input.reason}`,
    orderId: input.orderId,
    title: `Order #${input.orderId} ${input.state === 'held' ? 'is held' : 'failed'}`,
    message: input.message,
    detail: { reason: input.reason, state: input.state },
  };
}

/**
 * The seam for reconciliation (issue 17's other half): a reconciled day with differences becomes one notification
 * per store and day. The reconciliation job calls `notifications.record(storeHash, reconciliationNotification(...))`.
 */
export function reconciliationNotification(input: { date: string; currency: string; differences: number; orderIds: readonly number[] }): NewNotification {
  return {
    kind: 'reconciliation_differences',
    dedupeKey: `reconciliation_differences:${input.date}:${input.currency}`,
    title: `${input.differences} difference(s) between the store and the books on ${input.date}`,
    message: `Reconciliation of ${input.date} (${input.currency}) found ${input.differences} difference(s)${input.orderIds.length ? `: orders ${input.orderIds.slice(0, 10).map((id) => `#${id}`).join(', ')}${input.orderIds.length > 10 ? '…' : ''}` : ''}.`,
    detail: { date: input.date, currency: input.currency, differences: input.differences, orderIds: input.orderIds.slice(0, 200) },
  };
}

/** A backfill that ended (completed or failed; a cancel is the merchant's own doing). */
export function backfillNotification(b: { id: number; fromDate: string; status: string; posted: number; skipped: number; failed: number; error: string | null }): NewNotification {
  const done = b.status === 'completed';
  return {
    kind: 'backfill_finished',
    dedupeKey: `backfill_finished:${b.id}`,
    title: done ? `Past orders since ${b.fromDate} are posted` : `Posting past orders since ${b.fromDate} stopped`,
    message: done
      ? `${b.posted} posted, ${b.skipped} skipped, ${b.failed} failed.`
      : `It stopped after ${b.posted} posted, ${b.skipped} skipped, ${b.failed} failed: ${b.error ?? 'an error'}.`,
    detail: { backfillId: b.id, fromDate: b.fromDate, status: b.status, posted: b.posted, skipped: b.skipped, failed: b.failed },
  };
}

/** A stock level BigCommerce refused. */
export function stockRefusedNotification(input: { sku: string; message: string }): NewNotification {
  return {
    kind: 'stock_refused',
    dedupeKey: `stock_refused:${input.sku}`,
    title: `The store refused the stock level of SKU ${input.sku}`,
    message: input.message,
    detail: { sku: input.sku },
  };
}

/** Where in the app a notification sends the merchant (paths of the embedded app). */
export function hrefOf(n: { kind: NotificationKind; orderId: number | null }): string {
  switch (n.kind) {
    case 'needs_attention':
      return n.orderId ? `/activity/${n.orderId}` : '/activity';
    case 'reconciliation_differences':
      return '/reconciliation';
    case 'connection_lost':
      return '/connections';
    case 'backfill_finished':
      return '/';
    case 'stock_refused':
      return '/ledger';
  }
}
