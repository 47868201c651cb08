/**
 * The notification emails' dependencies from a database and an environment: the one place SMTP_URL becomes a mailer
 * (or none: email off). The jobs, the CLI and the tests build theirs here.
 */
import type { Db } from '@/db';
import { sandboxOriginOf, type Env } from '@/lib/env';
import { controlPanelAppLink } from '@/lib/bigcommerce/control-panel-link';
import type { StoreHash } from '@/lib/ids';
import { createNotificationRepo } from '@/lib/repos/notifications';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { createReconciliationRepo } from '@/lib/repos/reconciliation';
import { createSmtpMailer, type Mailer } from './mailer';
import type { NotifyDeps } from './send';

export type NotifyEnv = Pick<Env, 'MAIL_FROM' | 'APP_URL'> &
  Partial<Pick<Env, 'SMTP_URL' | 'MAIL_BOUNCE_ADDRESS' | 'BIGCOMMERCE_APP_ID' | 'BIGCOMMERCE_LOGIN_URL'>> & { SESSION_SECRET: string };

export function createNotifyDeps({ db, env, mailer }: { db: Db; env: NotifyEnv; mailer?: Mailer | null }): NotifyDeps & { close(): void } {
  const notifications = createNotificationRepo({ db });
  const settings = createSettingsRepo({ db });
  const storeSync = createStoreSyncRepo({ db });
  const bounces = env.MAIL_BOUNCE_ADDRESS ? { address: env.MAIL_BOUNCE_ADDRESS, secret: env.SESSION_SECRET } : null;
  const smtp = mailer !== undefined ? mailer : env.SMTP_URL ? createSmtpMailer({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, bounces }) : null;
  const controlPanel = { appId: env.BIGCOMMERCE_APP_ID ?? null, sandboxOrigin: env.BIGCOMMERCE_LOGIN_URL ? sandboxOriginOf(env.BIGCOMMERCE_LOGIN_URL) : null };
  return {
    notifications,
    mailer: smtp,
    appUrl: env.APP_URL,
    link: (storeHash, path) => controlPanelAppLink(controlPanel, storeHash, path),
    secret: env.SESSION_SECRET,
    async store(storeHash: StoreHash) {
      const [name, current, sync] = await Promise.all([notifications.storeName(storeHash), settings.current(storeHash), storeSync.get(storeHash)]);
      return { name: name ?? storeHash, timeZone: current.settings.document.timeZone, provider: sync.provider };
    },
    /** The day's stored reconciliation (reconciliation_days), as the digest shows it; null until the day is reconciled. */
    async reconciliation(storeHash: StoreHash, date: string) {
      const stored = await createReconciliationRepo({ db }).days(storeHash, date, date);
      if (stored.length === 0) return null;
      const days = stored.map((s) => s.result);
      const byClass = new Map<string, number>();
      for (const d of days.flatMap((x) => x.differences)) byClass.set(d.class, (byClass.get(d.class) ?? 0) + 1);
      return {
        days: days.map((d) => ({ currency: d.currency, storeTotal: d.store.total, booksTotal: d.books.total, differences: d.differences.length })),
        byClass: [...byClass].map(([c, count]) => ({ class: c, count })),
        link: controlPanelAppLink(controlPanel, storeHash, '/reconciliation'),
      };
    },
    close: () => smtp?.close(),
  };
}
