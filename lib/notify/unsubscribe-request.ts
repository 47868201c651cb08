/**
 * The public unsubscribe link (no session: it is opened from an email). GET shows what the link stops and a button;
 * POST stops it: the button, or the mail client's RFC 8058 one-click POST (`List-Unsubscribe=One-Click`). A link
 * whose signature does not verify is refused and changes nothing.
 */
import type { StoreHash } from '@/lib/ids';
import { messagePage } from '@/lib/http/message-page';
import type { NotificationRepo } from '@/lib/repos/notifications';
import { KIND_LABELS, isNotificationKind } from './kinds';
import { verifyUnsubscribe, type UnsubscribeScope } from './unsubscribe';

export interface UnsubscribeDeps {
  secret: string;
  notifications: Pick<NotificationRepo, 'unsubscribe'>;
}

const what = (scope: UnsubscribeScope) =>
  scope === 'all' ? 'all email from Ledgerbridge' : scope === 'digest' ? 'the daily digest' : isNotificationKind(scope) ? `alerts about: ${KIND_LABELS[scope]}` : scope;

const refused = () =>
  messagePage({
    status: 400,
    variant: 'error',
    title: 'This unsubscribe link is not valid',
    message: 'The link is incomplete or was changed. Use the link from the email itself, or change your email choices on the Notifications page of Ledgerbridge.',
  });

export async function unsubscribeRequest(deps: UnsubscribeDeps, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const token = url.searchParams.get('token') ?? '';
  const verified = verifyUnsubscribe(deps.secret, token);
  if (!verified) return refused();
  if (request.method === 'GET') {
    return messagePage({
      status: 200,
      variant: 'info',
      title: 'Stop these emails?',
      message: `You will no longer receive ${what(verified.scope)} for this store. You can turn them back on from the Notifications page of Ledgerbridge.`,
      form: { label: 'Unsubscribe', action: `${url.pathname}${url.search}` },
    });
  }
  const done = await deps.notifications.unsubscribe(verified.storeHash as StoreHash, verified.userId, verified.scope);
  if (!done) {
    // The user no longer has access to the store: they get nothing from it anyway.
    return messagePage({ status: 200, variant: 'success', title: 'You are unsubscribed', message: 'You no longer have access to this store, so Ledgerbridge sends you nothing from it.' });
  }
  return messagePage({ status: 200, variant: 'success', title: 'You are unsubscribed', message: `You will no longer receive ${what(verified.scope)} for this store.` });
}
