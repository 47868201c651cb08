/**
 * The notification centre (the bell in the embedded shell) and the Notifications page's email section: view types
 * the pages import, and the use cases the admin routes call. Every call is for the session's store only.
 */
import { z } from 'zod';
import { getDb } from '@/db';
import type { StoreHash } from '@/lib/ids';
import { hrefOf, KIND_LABELS, NOTIFICATION_KINDS, type NotificationKind } from '@/lib/notify/kinds';
import { createNotificationRepo, type NotificationRepo } from '@/lib/repos/notifications';

export interface NotificationView {
  id: number;
  kind: NotificationKind;
  title: string;
  message: string;
  orderId: number | null;
  /** Where in the app to act on it (an order's history, the connections page...). */
  href: string;
  at: string;
  read: boolean;
}

export interface NotificationsView {
  notifications: NotificationView[];
  unread: number;
}

export interface UnreadCountView {
  unread: number;
}

export async function notificationRepo(): Promise<NotificationRepo> {
  return createNotificationRepo({ db: await getDb() });
}

export const listNotificationsSchema = z.object({
  unread: z.enum(['1', 'true']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export async function listNotifications(repo: NotificationRepo, storeHash: StoreHash, query: z.infer<typeof listNotificationsSchema>): Promise<NotificationsView> {
  const [rows, unread] = await Promise.all([repo.list(storeHash, { limit: query.limit, unreadOnly: query.unread !== undefined }), repo.unreadCount(storeHash)]);
  return {
    unread,
    notifications: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      message: r.message,
      orderId: r.orderId,
      href: hrefOf(r),
      at: r.lastAt.toISOString(),
      read: r.readAt !== null,
    })),
  };
}

export const markReadSchema = z.union([
  z.object({ ids: z.array(z.number().int().positive()).min(1).max(500) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

export async function markNotificationsRead(repo: NotificationRepo, storeHash: StoreHash, input: z.infer<typeof markReadSchema>) {
  const marked = await repo.markRead(storeHash, 'all' in input ? 'all' : input.ids);
  return { marked, unread: await repo.unreadCount(storeHash) };
}

export const KIND_OPTIONS = NOTIFICATION_KINDS.map((kind) => ({ kind, label: KIND_LABELS[kind] }));

export interface EmailRecipientView {
  userId: number;
  email: string;
  username: string | null;
  isOwner: boolean;
  alertKinds: NotificationKind[];
  digest: boolean;
  /** The default applies (the owner: everything; others: nothing) until the user chooses. */
  chosen: boolean;
  /** The address bounced (refused when sent, or a later DSN said it failed permanently): no mail goes to it. */
  bounced: { reason: string; at: string } | null;
  /** A mail came back once and the notice did not say whether for good: mail is still sent; a second one stops it. */
  undeterminedBounce: { reason: string; at: string } | null;
}

export interface EmailSettingsView {
  /** SMTP_URL is set: alerts and the digest are emailed. */
  emailOn: boolean;
  from: string;
  kinds: Array<{ kind: NotificationKind; label: string }>;
  /** The signed-in user's own choices (null when they are not one of the store's users on record). */
  me: EmailRecipientView | null;
  recipients: EmailRecipientView[];
}

export async function emailSettings(
  repo: NotificationRepo,
  session: { storeHash: StoreHash; userId: number },
  mail: { emailOn: boolean; from: string },
): Promise<EmailSettingsView> {
  const recipients = (await repo.recipients(session.storeHash)).map((r) => ({
    userId: r.userId,
    email: r.email,
    username: r.username,
    isOwner: r.isOwner,
    alertKinds: r.alertKinds,
    digest: r.digest,
    chosen: r.chosen,
    bounced: r.bounced ? { reason: r.bounced.reason, at: r.bounced.at.toISOString() } : null,
    undeterminedBounce: r.undeterminedBounce ? { reason: r.undeterminedBounce.reason, at: r.undeterminedBounce.at.toISOString() } : null,
  }));
  return { ...mail, kinds: KIND_OPTIONS, me: recipients.find((r) => r.userId === session.userId) ?? null, recipients };
}

export const emailChoicesSchema = z
  .object({
    alertKinds: z.array(z.enum(NOTIFICATION_KINDS, 'Choose from the kinds listed.')).max(NOTIFICATION_KINDS.length),
    digest: z.boolean(),
  })
  .strict();
